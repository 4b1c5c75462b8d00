package io.kubeli.collector.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.capture.VethPair;
import io.kubeli.etsi.IriType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Debian's SIPp as live SIP peers on a veth pair: the callee in the root namespace on
 * the capture end (echoing RTP), callers in the namespace playing RTP from a pcap, and tcpdump recording the wire.
 * Every process is bounded (SIPp -timeout, -m 1) and stopped by {@link #close}. Shared with system-it's SipSystemIT.
 */
public final class SipPeers extends PeerProcesses {
    private final VethPair veth;

    public SipPeers(VethPair veth, Path dir) {
        super(dir);
        this.veth = veth;
    }

    /** Why this machine cannot run the peers, or null. */
    public static String missing() {
        if (!Files.isExecutable(Path.of("/usr/bin/sipp"))) {
            return "SIPp (sipp) not installed (apt-get install sip-tester)";
        }
        if (!Files.isExecutable(Path.of("/usr/bin/tcpdump"))) {
            return "tcpdump not installed";
        }
        if (!Files.isReadable(Path.of("/usr/share/sip-tester/g711a.pcap"))) {
            return "SIPp's /usr/share/sip-tester/g711a.pcap (RTP to play) is missing";
        }
        return null;
    }

    /** A SIPp scenario of this module's test resources (/sip/NAME), as a file in the directory. */
    public Path scenario(String name) throws IOException {
        Path f = dir.resolve(name);
        if (!Files.exists(f)) {
            try (InputStream in = SipPeers.class.getResourceAsStream("/sip/" + name)) {
                Files.write(f, in.readAllBytes());
            }
        }
        return f;
    }

    /** tcpdump on the capture end, once it listens. */
    public Process tcpdump(Path pcap) throws Exception {
        Process p = start(
                "tcpdump.log",
                "/usr/bin/tcpdump",
                "-i",
                veth.captureIf,
                "-U",
                "-n",
                "--time-stamp-precision=nano",
                "-w",
                pcap.toString(),
                "ip");
        awaitLog("tcpdump.log", "listening on", p);
        return p;
    }

    /** SIPp's built-in callee on the capture end, port 5060, for {@code calls} calls, echoing RTP. */
    public Process callee(int calls) throws IOException {
        return uas("uas.log", new String[] {"-sn", "uas"}, 5060, 6000, calls, 40);
    }

    /** One call from {@code user}@example.org in the namespace (scenario uac-rtp.xml: RTP, 1.5 s, BYE). */
    public Process caller(String user, int sipPort, int mediaPort) throws IOException {
        return uac("uac-" + user + ".log", scenario("uac-rtp.xml"), 5060, sipPort, mediaPort, "bob", user, true);
    }

    /**
     * A SIPp callee on the capture end: {@code scenario} ({@code -sn uas} or {@code -sf FILE}) on {@code sipPort},
     * echoing RTP on {@code mediaPort} (0: no media), for {@code calls} calls, at most {@code timeout} s.
     */
    public Process uas(
            String log, String[] scenario, int sipPort, int mediaPort, int calls, int timeout, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/sipp"));
        cmd.addAll(List.of(scenario));
        cmd.addAll(List.of("-i", veth.captureAddr, "-p", "" + sipPort));
        if (mediaPort != 0) {
            cmd.addAll(List.of("-mi", veth.captureAddr, "-mp", "" + mediaPort, "-rtp_echo"));
        }
        cmd.addAll(List.of("-m", "" + calls, "-nostdin", "-timeout", "" + timeout));
        cmd.addAll(List.of(extra));
        return start(log, cmd.toArray(String[]::new));
    }

    /**
     * One call in the namespace from {@code user} (SIP {@code sipPort}, media {@code mediaPort}) to {@code service}
     * at the callee's {@code calleePort}, scenario file {@code scenario}, at most 20 s; with {@code traceErr} SIPp's
     * errors go to the log's name with .err.
     */
    public Process uac(
            String log,
            Path scenario,
            int calleePort,
            int sipPort,
            int mediaPort,
            String service,
            String user,
            boolean traceErr)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                veth.ns,
                "/usr/bin/sipp",
                veth.captureAddr + ":" + calleePort,
                "-sf",
                scenario.toString(),
                "-i",
                veth.senderAddr,
                "-p",
                "" + sipPort,
                "-mi",
                veth.senderAddr,
                "-mp",
                "" + mediaPort,
                "-s",
                service,
                "-key",
                "caller",
                user,
                "-m",
                "1",
                "-nostdin",
                "-timeout",
                "20"));
        if (traceErr) {
            cmd.addAll(List.of(
                    "-trace_err",
                    "-error_file",
                    dir.resolve(log.replaceFirst("\\.log$", ".err")).toString()));
        }
        return start(log, cmd.toArray(String[]::new));
    }

    /** IRI of one call: Begin first, exactly one End, Continue between, only Report (late retransmissions) after. */
    public static void assertCallIri(List<IriType> types) {
        assertFalse(types.isEmpty());
        assertEquals(IriType.IRI_BEGIN, types.getFirst(), types.toString());
        int end = types.indexOf(IriType.IRI_END);
        assertTrue(end > 0 && end == types.lastIndexOf(IriType.IRI_END), types.toString());
        assertTrue(types.subList(1, end).stream().allMatch(t -> t == IriType.IRI_CONTINUE), types.toString());
        assertTrue(
                types.subList(end + 1, types.size()).stream().allMatch(t -> t == IriType.IRI_REPORT), types.toString());
    }

    /** The SIP message an IPMMIRI record carries, as text. */
    public static String sipText(io.kubeli.etsi.IriPayload iri) {
        return new String(
                ((io.kubeli.etsi.IriContents.IpmmIri) iri.contents())
                        .sipMessage()
                        .sipContent()
                        .toByteArray(),
                java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    // ---- the recorded wire ---------------------------------------------------------------------------------------

    /** The IPv4 packets of an Ethernet pcap (tcpdump, nanosecond or microsecond magic), cut to their IP length. */
    public static List<byte[]> ipPackets(Path pcap) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != 0xa1b23c4d && magic != 0xa1b2c3d4) {
            throw new IOException("not a little-endian pcap: " + pcap);
        }
        List<byte[]> l = new ArrayList<>();
        int p = 24;
        while (p + 16 <= b.limit()) {
            int cap = b.getInt(p + 8);
            int f = p + 16;
            if (f + cap > b.limit()) {
                break;
            }
            if (cap > 34 && (b.get(f + 12) & 0xFF) == 0x08 && b.get(f + 13) == 0) {
                byte[] ip = new byte[cap - 14];
                b.get(f + 14, ip);
                int total = ((ip[2] & 0xFF) << 8) | (ip[3] & 0xFF);
                l.add(Arrays.copyOf(ip, Math.min(total, ip.length)));
            }
            p = f + cap;
        }
        return l;
    }

    /** An unfragmented UDP packet. */
    public static boolean isUdp(byte[] ip) {
        return ip[9] == 17 && (((ip[6] & 0x3F) << 8) | (ip[7] & 0xFF)) == 0;
    }

    public static int port(byte[] ip, boolean source) {
        int ihl = (ip[0] & 0xF) * 4;
        return ((ip[ihl + (source ? 0 : 2)] & 0xFF) << 8) | (ip[ihl + (source ? 1 : 3)] & 0xFF);
    }

    public static byte[] udpPayload(byte[] ip) {
        int ihl = (ip[0] & 0xF) * 4;
        return Arrays.copyOfRange(ip, ihl + 8, ip.length);
    }
}
