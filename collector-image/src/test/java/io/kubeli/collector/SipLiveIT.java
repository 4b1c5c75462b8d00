package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.VethPair;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.IriContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 with real peers: Debian's SIPp as callee (root namespace, on the capture end of a veth pair, echoing RTP)
 * and as two concurrent callers in the namespace: the target alice@example.org and carol, each playing RTP from a
 * pcap. The collector on afpacket: delivers exactly alice's SIP messages as IPMMIRI (Begin .. End) and her call's
 * RTP as IPMMCC, nothing of carol's call; everything decodes strictly; a pcapfile: replay gives identical files.
 */
class SipLiveIT {
    private static final int TARGET_MEDIA = 7000;
    private static final int OTHER_MEDIA = 8000;
    private static VethPair veth;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sipp")),
                "skipped: SIPp not installed (apt-get install sip-tester)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")), "skipped: tcpdump not installed");
        String[] why = new String[1];
        veth = VethPair.tryCreate(why, "ksip", 15);
        Assumptions.assumeTrue(veth != null, () -> "skipped: " + why[0]);
    }

    @AfterAll
    static void tearDown() {
        if (veth != null) {
            veth.close();
        }
    }

    static Process start(Path log, String... cmd) throws Exception {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void awaitLog(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text)) {
                return;
            }
            assertTrue(p.isAlive(), () -> "exited early: " + read(log));
            Thread.sleep(50);
        }
        fail("'" + text + "' not seen within 15 s: " + read(log));
    }

    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy(); // SIGTERM to our own child only
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** A caller in the namespace (bounded by SIPp's -timeout and -m 1). */
    private Process caller(String user, int sipPort, int mediaPort, Path scenario) throws Exception {
        return start(tmp.resolve("uac-" + user + ".log"), "ip", "netns", "exec", veth.ns, "/usr/bin/sipp",
                veth.captureAddr + ":5060", "-sf", scenario.toString(), "-i", veth.senderAddr, "-p", "" + sipPort,
                "-mi", veth.senderAddr, "-mp", "" + mediaPort, "-s", "bob", "-key", "caller", user, "-m", "1",
                "-nostdin", "-timeout", "20", "-trace_err", "-error_file", tmp.resolve("uac-" + user + ".err").toString());
    }

    /** The IPv4 packets of an Ethernet pcap (tcpdump, nanosecond or microsecond magic). */
    static List<byte[]> ipPackets(Path pcap) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        assertTrue(magic == 0xa1b23c4d || magic == 0xa1b2c3d4, "little-endian pcap");
        List<byte[]> l = new ArrayList<>();
        int p = 24;
        while (p + 16 <= b.limit()) {
            int cap = b.getInt(p + 8);
            int f = p + 16;
            if (f + cap > b.limit()) {
                break;
            }
            if (cap > 14 && (b.get(f + 12) & 0xFF) == 0x08 && b.get(f + 13) == 0) {
                byte[] ip = new byte[cap - 14];
                b.get(f + 14, ip);
                l.add(ip);
            }
            p = f + cap;
        }
        return l;
    }

    static int port(byte[] ip, boolean source) {
        int ihl = (ip[0] & 0xF) * 4;
        return ((ip[ihl + (source ? 0 : 2)] & 0xFF) << 8) | (ip[ihl + (source ? 1 : 3)] & 0xFF);
    }

    @Test
    void exactlyTheTargetCallsSignallingAndMediaAndAByteIdenticalReplay() throws Exception {
        Path scenario = tmp.resolve("uac-rtp.xml");
        try (var in = SipLiveIT.class.getResourceAsStream("/sip/uac-rtp.xml")) {
            Files.write(scenario, in.readAllBytes());
        }
        Path dir = Files.createDirectories(tmp.resolve("intercepts"));
        Instant now = Instant.now();
        Files.writeString(dir.resolve("i.yaml"), PcapEndToEndTest.agencyYaml() + PcapEndToEndTest.interceptYaml(
                "sip-1", "LIID-S1", now.minusSeconds(3600).toString(), now.plusSeconds(3600).toString(), "both",
                "  - {sipUri: \"sip:alice@example.org\"}"));
        Path live = Files.createDirectories(tmp.resolve("live"));
        Path cap = tmp.resolve("capture.pcap");
        Process uas = null;
        Process tcpdump = null;
        Process alice = null;
        Process carol = null;
        CollectorApp app = null;
        try {
            tcpdump = start(tmp.resolve("tcpdump.log"), "/usr/bin/tcpdump", "-i", veth.captureIf, "-U", "-n",
                    "--time-stamp-precision=nano", "-w", cap.toString(), "ip");
            awaitLog(tmp.resolve("tcpdump.log"), "listening on", tcpdump);
            app = CollectorApp.start(CollectorSettings.parse(new String[] {"--source", "afpacket:" + veth.captureIf
                    + "?threads=1&blocks=64&timeoutMs=5", "--intercepts", dir.toString(), "--output", "file:" + live + "/",
                    "--radius-ports", "none", "--poll-ms", "100"}), FileSink.forPath(live + "/"), Clock.systemUTC());
            uas = start(tmp.resolve("uas.log"), "/usr/bin/sipp", "-sn", "uas", "-i", veth.captureAddr, "-p", "5060",
                    "-mi", veth.captureAddr, "-mp", "6000", "-rtp_echo", "-m", "2", "-nostdin", "-timeout", "30");
            Thread.sleep(500);
            alice = caller("alice", 5061, TARGET_MEDIA, scenario);
            carol = caller("carol", 5062, OTHER_MEDIA, scenario);
            assertTrue(alice.waitFor(30, TimeUnit.SECONDS), "alice's call ended");
            assertTrue(carol.waitFor(30, TimeUnit.SECONDS), "carol's call ended");
            assertEquals(0, alice.exitValue(), () -> read(tmp.resolve("uac-alice.log")));
            assertEquals(0, carol.exitValue(), () -> read(tmp.resolve("uac-carol.log")));
            Thread.sleep(1000); // the last packets through the capture ring and encoders
        } finally {
            if (app != null) {
                app.close();
            }
            stop(alice);
            stop(carol);
            stop(uas);
            stop(tcpdump);
        }
        assertEquals(0, app.captureStats().drops(), app.summary());

        // what was on the wire: alice's SIP (her SIP port) and her media (her media port, RTP and RTCP)
        List<byte[]> wire = ipPackets(cap);
        int aliceSip = 0;
        int aliceMedia = 0;
        int carolMedia = 0;
        int afterBye = 0;
        boolean bye = false;
        for (byte[] ip : wire) {
            if (ip[9] != 17) {
                continue;
            }
            int s = port(ip, true);
            int d = port(ip, false);
            aliceSip += s == 5061 || d == 5061 ? 1 : 0;
            int ihl = (ip[0] & 0xF) * 4;
            bye |= s == 5061 && new String(ip, ihl + 8, Math.min(3, ip.length - ihl - 8), StandardCharsets.US_ASCII)
                    .equals("BYE"); // media stops at the BYE: what the player still sends after it is not content
            boolean media = s == TARGET_MEDIA || d == TARGET_MEDIA || s == TARGET_MEDIA + 1 || d == TARGET_MEDIA + 1;
            aliceMedia += media && !bye ? 1 : 0;
            afterBye += media && bye ? 1 : 0;
            carolMedia += s == OTHER_MEDIA || d == OTHER_MEDIA ? 1 : 0;
        }
        assertTrue(aliceSip >= 6 && aliceMedia > 20 && carolMedia > 20, "both calls happened: " + aliceSip + " "
                + aliceMedia + " " + carolMedia);

        List<Path> files;
        try (Stream<Path> s = Files.list(live)) {
            files = s.sorted().toList();
        }
        List<PsPdu> pdus = new ArrayList<>();
        for (Path f : files) {
            pdus.addAll(PcapEndToEndTest.decodeAll(f)); // strict decoding, as ./kubeli decode --check
        }
        List<IriType> types = new ArrayList<>();
        Set<Long> cins = new HashSet<>();
        int cc = 0;
        for (PsPdu p : pdus) {
            cins.add(p.header().communicationIdentifier().cin());
            if (p.payload() instanceof Payload.Cc c) {
                byte[] ip = ((CcContents.Ipmmcc) c.payloads().get(0).contents()).contents().toByteArray();
                int s = port(ip, true);
                int d = port(ip, false);
                assertTrue(s == TARGET_MEDIA || d == TARGET_MEDIA || s == TARGET_MEDIA + 1 || d == TARGET_MEDIA + 1,
                        "only alice's media: " + s + " -> " + d);
                cc++;
            } else {
                var iri = ((Payload.Iri) p.payload()).payloads().get(0);
                types.add(iri.iriType());
                String text = new String(((IriContents.IpmmIri) iri.contents()).sipMessage().sipContent().toByteArray(),
                        StandardCharsets.ISO_8859_1);
                assertTrue(text.contains("alice@example.org"), "only alice's SIP");
            }
        }
        assertEquals(aliceMedia, cc, "every packet of alice's media up to the BYE (" + afterBye + " after it), nothing"
                + " else: " + app.summary());
        // a busy machine may make SIPp retransmit: retransmissions are IRI too (Continue, or Report after the End)
        assertEquals(aliceSip, types.size(), "every SIP message of alice's call: " + types);
        SipLiveCasesIT.assertCallIri(types);
        assertEquals(1, cins.size(), "one CIN for the call's IRI and CC");

        // the same traffic replayed from the capture file: identical record files
        Path replay = Files.createDirectories(tmp.resolve("replay"));
        CollectorApp r = CollectorApp.start(CollectorSettings.parse(new String[] {"--source", "pcapfile:" + cap,
                "--intercepts", dir.toString(), "--output", "file:" + replay + "/", "--radius-ports", "none"}),
                FileSink.forPath(replay + "/"), Clock.systemUTC());
        try {
            r.awaitFiniteEnd();
        } finally {
            r.close();
        }
        List<Path> rfiles;
        try (Stream<Path> s = Files.list(replay)) {
            rfiles = s.sorted().toList();
        }
        assertEquals(files.stream().map(Path::getFileName).toList(), rfiles.stream().map(Path::getFileName).toList());
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(Files.readAllBytes(files.get(i)), Files.readAllBytes(rfiles.get(i)),
                    "replay of " + files.get(i).getFileName() + " is byte-identical");
        }
    }

    /** A cancelled call: INVITE, 180, CANCEL, 200, 487 are IRI (Begin .. End); the ACK after the end an IRI-Report. */
    @Test
    void cancelledCallIsBeginContinueEnd() throws Exception {
        Path uac = tmp.resolve("uac-cancel.xml");
        Path uasScenario = tmp.resolve("uas-cancel.xml");
        for (Path f : List.of(uac, uasScenario)) {
            try (var in = SipLiveIT.class.getResourceAsStream("/sip/" + f.getFileName())) {
                Files.write(f, in.readAllBytes());
            }
        }
        Path dir = Files.createDirectories(tmp.resolve("intercepts"));
        Instant now = Instant.now();
        Files.writeString(dir.resolve("i.yaml"), PcapEndToEndTest.agencyYaml() + PcapEndToEndTest.interceptYaml(
                "sip-2", "LIID-S2", now.minusSeconds(3600).toString(), now.plusSeconds(3600).toString(), "both",
                "  - {sipUri: \"sip:alice@example.org\"}"));
        Path live = Files.createDirectories(tmp.resolve("live"));
        Process uas = null;
        Process alice = null;
        CollectorApp app = null;
        try {
            app = CollectorApp.start(CollectorSettings.parse(new String[] {"--source", "afpacket:" + veth.captureIf
                    + "?threads=1&blocks=64&timeoutMs=5", "--intercepts", dir.toString(), "--output", "file:" + live + "/",
                    "--radius-ports", "none", "--sip-ports", "5060,5070", "--poll-ms", "100"}),
                    FileSink.forPath(live + "/"), Clock.systemUTC());
            uas = start(tmp.resolve("uas-cancel.log"), "/usr/bin/sipp", "-sf", uasScenario.toString(), "-i",
                    veth.captureAddr, "-p", "5070", "-m", "1", "-nostdin", "-timeout", "30");
            Thread.sleep(500);
            alice = start(tmp.resolve("uac-cancel.log"), "ip", "netns", "exec", veth.ns, "/usr/bin/sipp",
                    veth.captureAddr + ":5070", "-sf", uac.toString(), "-i", veth.senderAddr, "-p", "5063", "-mi",
                    veth.senderAddr, "-mp", "7100", "-s", "bob", "-key", "caller", "alice", "-m", "1", "-nostdin",
                    "-timeout", "20");
            assertTrue(alice.waitFor(30, TimeUnit.SECONDS), "the call ended");
            assertEquals(0, alice.exitValue(), () -> read(tmp.resolve("uac-cancel.log")));
            Thread.sleep(1000);
        } finally {
            if (app != null) {
                app.close();
            }
            stop(alice);
            stop(uas);
        }
        List<PsPdu> pdus = new ArrayList<>();
        try (Stream<Path> s = Files.list(live)) {
            for (Path f : s.sorted().toList()) {
                pdus.addAll(PcapEndToEndTest.decodeAll(f));
            }
        }
        List<IriType> types = new ArrayList<>();
        List<String> first = new ArrayList<>();
        for (PsPdu p : pdus) {
            var iri = ((Payload.Iri) p.payload()).payloads().get(0);
            types.add(iri.iriType());
            String text = new String(((IriContents.IpmmIri) iri.contents()).sipMessage().sipContent().toByteArray(),
                    StandardCharsets.ISO_8859_1);
            first.add(text.substring(0, text.indexOf('\r')));
        }
        SipLiveCasesIT.assertCallIri(types); // retransmissions (a busy machine) are IRI too
        int end = types.indexOf(IriType.IRI_END);
        assertTrue(first.get(0).startsWith("INVITE"), first.toString());
        assertTrue(first.subList(1, end).stream().anyMatch(l -> l.startsWith("CANCEL")), first.toString());
        assertTrue(first.get(end).startsWith("SIP/2.0 487"), first.toString());
        assertTrue(first.subList(end + 1, first.size()).stream().anyMatch(l -> l.startsWith("ACK")),
                "the ACK after the end: IRI-Report " + first);
    }
}
