package io.kubeli.collector;

import static io.kubeli.collector.peers.SipPeers.assertCallIri;
import static io.kubeli.collector.peers.SipPeers.isUdp;
import static io.kubeli.collector.peers.SipPeers.port;
import static io.kubeli.collector.peers.SipPeers.udpPayload;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LiveVeth;
import io.kubeli.capture.VethPair;
import io.kubeli.collector.peers.SipPeers;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, the remaining live cases with Debian's SIPp: a re-INVITE that moves the target's media, a retransmitted
 * INVITE, a registration and a call hung up by the callee. Alice (the target, in the namespace, SIP port 5061) calls
 * a scenario callee on 5060 while carol calls another callee on 5070 at the same time. Each case checks against the
 * tcpdump capture of the same interface: the IPMMIRI records carry exactly alice's SIP messages, in order, octet for
 * octet (retransmissions included), the IPMMCC records exactly the packets of alice's current media endpoint up to
 * the BYE (none of carol's, none of the endpoint left by a re-INVITE), everything decodes strictly, and a pcapfile:
 * replay of the capture gives byte-identical record files.
 */
class SipLiveCasesIT {
    private static final int ALICE_SIP = 5061;
    private static final int ALICE_MEDIA = 7200;
    private static final int CAROL_MEDIA = 8200;

    @RegisterExtension
    static final LiveVeth net = new LiveVeth("kvoc", 27, SipPeers::missing);

    private final VethPair veth = net.get();

    @TempDir
    Path tmp;

    /** What a case captured and delivered. */
    record Run(List<byte[]> wire, List<PsPdu> pdus, String summary) {}

    /**
     * Runs alice's scenario against her callee's (port 5060, media 6000, RTP echo) beside carol's ordinary call
     * (5070, media 6100), captures with tcpdump and the collector on afpacket:, and checks the pcapfile: replay.
     */
    private Run run(String aliceUac, String aliceUas) throws Exception {
        return run(aliceUac, aliceUas, false);
    }

    /**
     * With {@code probe}, a sender in the test (root namespace, port 6010) also sends a packet to alice's first
     * media endpoint every 20 ms while her scenario runs (SIPp stops its old player when it moves the media, so
     * this stands for a peer that keeps sending to the old endpoint): CC before the move, not after it.
     */
    private Run run(String aliceUac, String aliceUas, boolean probe) throws Exception {
        Path dir = LiveReplay.intercepts(tmp, "sip-c", "LIID-SC", "{sipUri: \"sip:alice@example.org\"}");
        Path live = Files.createDirectories(tmp.resolve("live"));
        Path cap = tmp.resolve("capture.pcap");
        CollectorApp app = null;
        try (SipPeers sip = new SipPeers(veth, tmp)) {
            Path uac = sip.scenario(aliceUac);
            Path uas = sip.scenario(aliceUas);
            Path carolUac = sip.scenario("uac-rtp.xml");
            sip.tcpdump(cap);
            app = LiveReplay.afpacket(veth, dir, live, "--sip-ports", "5060,5070");
            sip.uas(
                    "uas-alice.log",
                    new String[] {"-sf", uas.toString()},
                    5060,
                    6000,
                    1,
                    30,
                    "-trace_err",
                    "-error_file",
                    tmp.resolve("uas-alice.err").toString());
            sip.uas("uas-carol.log", new String[] {"-sn", "uas"}, 5070, 6100, 1, 30);
            Thread.sleep(500);
            Process carol = sip.uac("uac-carol.log", carolUac, 5070, 5062, CAROL_MEDIA, "dave", "carol", false);
            Process alice = sip.uac("uac-alice.log", uac, 5060, ALICE_SIP, ALICE_MEDIA, "bob", "alice", true);
            Thread prober = null;
            if (probe) {
                prober = Thread.ofPlatform().daemon().start(() -> probe(alice));
            }
            assertTrue(alice.waitFor(30, TimeUnit.SECONDS), "alice's scenario ended");
            if (prober != null) {
                prober.join(5000);
            }
            assertTrue(carol.waitFor(30, TimeUnit.SECONDS), "carol's call ended");
            assertEquals(0, alice.exitValue(), () -> sip.log("uac-alice.log") + sip.log("uac-alice.err"));
            assertEquals(0, carol.exitValue(), () -> sip.log("uac-carol.log"));
            Thread.sleep(1000); // the last packets through the capture ring and encoders
            app.close();
        } finally {
            if (app != null) {
                app.close();
            }
        }
        assertEquals(0, app.captureStats().drops(), app.summary());
        List<PsPdu> pdus = LiveReplay.decodeAll(live); // strict decoding, as ./kubeli decode --check
        // the same traffic replayed from the capture file: identical record files
        LiveReplay.assertIdentical(
                cap, dir, live, tmp.resolve("replay"), "--radius-ports", "none", "--sip-ports", "5060,5070");
        return new Run(SipPeers.ipPackets(cap), pdus, app.summary());
    }

    /** Bounded: at most 1,500 packets (30 s), stops when alice's SIPp has exited. */
    private void probe(Process alice) {
        try (java.net.DatagramSocket d =
                new java.net.DatagramSocket(new java.net.InetSocketAddress(veth.captureAddr, 6010))) {
            byte[] rtp = new byte[172];
            rtp[0] = (byte) 0x80;
            var to = new java.net.InetSocketAddress(veth.senderAddr, ALICE_MEDIA);
            for (int i = 0; i < 1500 && alice.isAlive(); i++) {
                rtp[3] = (byte) i;
                d.send(new java.net.DatagramPacket(rtp, rtp.length, to));
                Thread.sleep(20);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] address(String a) {
        try {
            return java.net.InetAddress.getByName(a).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What must be delivered, from the wire alone: alice's SIP messages (her SIP port at either end) in order, and
     * the packets of her current media endpoint (her address and the port of her latest SDP, RTCP on port+1) up to
     * the first BYE or CANCEL of her call.
     */
    private record Expected(List<String> sip, List<byte[]> media, int movedAway) {}

    private Expected expected(List<byte[]> wire) {
        byte[] alice = address(veth.senderAddr);
        List<String> sip = new ArrayList<>();
        List<byte[]> media = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        Set<Integer> old = new HashSet<>();
        boolean ended = false;
        int movedAway = 0;
        Pattern m = Pattern.compile("\r\nm=[a-z]+ (\\d+) ");
        for (byte[] ip : wire) {
            if (!isUdp(ip)) {
                continue;
            }
            int s = port(ip, true);
            int d = port(ip, false);
            boolean fromAlice = Arrays.equals(Arrays.copyOfRange(ip, 12, 16), alice);
            boolean toAlice = Arrays.equals(Arrays.copyOfRange(ip, 16, 20), alice);
            if (fromAlice && s == ALICE_SIP || toAlice && d == ALICE_SIP) {
                String text = new String(udpPayload(ip), StandardCharsets.ISO_8859_1);
                sip.add(text);
                Matcher mm = m.matcher(text);
                if (fromAlice && mm.find()) {
                    int p = Integer.parseInt(mm.group(1));
                    if (!ports.contains(p)) {
                        old.addAll(ports);
                        ports = new HashSet<>(Set.of(p, p + 1));
                    }
                }
                ended |= text.startsWith("BYE ") || text.startsWith("CANCEL ");
                continue;
            }
            boolean hit = fromAlice && ports.contains(s) || toAlice && ports.contains(d);
            if (hit && !ended) {
                media.add(ip);
            }
            movedAway += !ended && (fromAlice && old.contains(s) || toAlice && old.contains(d)) ? 1 : 0;
        }
        return new Expected(sip, media, movedAway);
    }

    /** Checks a case: exactly alice's SIP as IRI (one CIN) and exactly her media as CC; returns the IRI types. */
    private List<IriType> check(Run run, Expected e) {
        List<PsPdu> iri = run.pdus().stream()
                .filter(p -> p.payload() instanceof Payload.Iri)
                .sorted(Comparator.comparingLong(p -> p.header().sequenceNumber()))
                .toList();
        List<PsPdu> cc = run.pdus().stream()
                .filter(p -> p.payload() instanceof Payload.Cc)
                .sorted(Comparator.comparingLong(p -> p.header().sequenceNumber()))
                .toList();
        List<String> got = new ArrayList<>();
        List<IriType> types = new ArrayList<>();
        for (PsPdu p : iri) {
            var x = ((Payload.Iri) p.payload()).payloads().get(0);
            types.add(x.iriType());
            got.add(SipPeers.sipText(x));
        }
        assertEquals(e.sip(), got, "exactly alice's SIP messages, in order, octet for octet: " + run.summary());
        assertEquals(e.media().size(), cc.size(), "exactly alice's media: " + run.summary());
        for (int i = 0; i < cc.size(); i++) {
            byte[] ip = ((CcContents.Ipmmcc)
                            ((Payload.Cc) cc.get(i).payload()).payloads().get(0).contents())
                    .contents()
                    .toByteArray();
            byte[] want = e.media().get(i);
            int total = ((want[2] & 0xFF) << 8) | (want[3] & 0xFF);
            assertArrayEquals(Arrays.copyOf(want, total), ip, "media packet " + i);
        }
        System.out.printf(
                "SipLiveCasesIT: %d SIP messages as IRI %s, %d media packets as CC, %d of the left"
                        + " endpoint after a move not CC%n",
                got.size(), types, cc.size(), e.movedAway());
        Set<Long> cins = new HashSet<>();
        run.pdus().forEach(p -> cins.add(p.header().communicationIdentifier().cin()));
        assertEquals(1, cins.size(), "one CIN for the call's (or registration's) IRI and CC");
        return types;
    }

    private static long counter(String summary, String name) {
        Matcher m = Pattern.compile(" " + name + "=(\\d+)").matcher(summary);
        assertTrue(m.find(), summary);
        return Long.parseLong(m.group(1));
    }

    /**
     * Alice moves her media to another port by re-INVITE (m=video at media port + 2, SIPp's video player): from that
     * message on, packets to her old endpoint (a peer that keeps sending there) are not CC, the new one's are.
     */
    @Test
    void reinviteMovesTheMedia() throws Exception {
        Run run = run("uac-reinvite.xml", "uas-reinvite.xml", true);
        Expected e = expected(run.wire());
        assertTrue(
                e.media().stream()
                        .anyMatch(ip -> port(ip, true) == ALICE_MEDIA + 2 || port(ip, false) == ALICE_MEDIA + 2),
                "media on the new endpoint happened");
        assertTrue(
                e.media().stream().anyMatch(ip -> port(ip, true) == ALICE_MEDIA || port(ip, false) == ALICE_MEDIA),
                "media on the first endpoint happened");
        assertTrue(e.movedAway() > 0, "packets of the left endpoint after the move were on the wire");
        assertCallIri(check(run, e));
    }

    /**
     * The callee answers after 1.2 s, so alice's SIPp retransmits the INVITE (T1 = 500 ms): each retransmission is an
     * IRI-Continue of the same call and CIN (as OpenLI does), never a second call or IRI-Begin.
     */
    @Test
    void retransmittedInviteIsOneCall() throws Exception {
        Run run = run("uac-rtp.xml", "uas-slow.xml");
        Expected e = expected(run.wire());
        long invites = e.sip().stream().filter(t -> t.startsWith("INVITE ")).count();
        assertTrue(invites >= 2, "the INVITE was retransmitted: " + invites);
        List<IriType> types = check(run, e);
        assertCallIri(types);
        assertEquals(1, counter(run.summary(), "sip-calls"), "one call: " + run.summary());
        assertTrue(counter(run.summary(), "sip-retransmissions") >= invites - 1, run.summary());
    }

    /** A REGISTER naming alice and its 200: two IRI-Reports with the octets, no call, no CC. */
    @Test
    void registrationIsReported() throws Exception {
        Run run = run("uac-register.xml", "uas-register.xml");
        Expected e = expected(run.wire());
        assertEquals(2, e.sip().size(), "REGISTER and 200 on the wire");
        assertTrue(e.sip().get(0).startsWith("REGISTER "));
        assertEquals(List.of(IriType.IRI_REPORT, IriType.IRI_REPORT), check(run, e));
        assertEquals(0, counter(run.summary(), "sip-calls"), "a registration is not a call: " + run.summary());
    }

    /** The callee hangs up (BYE from the UAS to alice): her media stops at that BYE, the 200 is the IRI-End. */
    @Test
    void callHungUpByTheCallee() throws Exception {
        Run run = run("uac-hungup.xml", "uas-bye.xml");
        Expected e = expected(run.wire());
        int bye = -1;
        for (int i = 0; i < e.sip().size(); i++) {
            bye = bye < 0 && e.sip().get(i).startsWith("BYE ") ? i : bye;
        }
        assertTrue(bye > 0, "the callee's BYE was on the wire");
        assertTrue(e.media().size() > 20, "media happened: " + e.media().size());
        List<IriType> types = check(run, e);
        assertCallIri(types);
        int end = types.indexOf(IriType.IRI_END);
        assertTrue(e.sip().get(end).startsWith("SIP/2.0 200"), "the 200 to the callee's BYE ends the call");
        assertTrue(e.sip().get(end).contains(" BYE\r\n"), e.sip().get(end));
    }
}
