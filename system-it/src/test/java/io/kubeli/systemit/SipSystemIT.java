package io.kubeli.systemit;

import static io.kubeli.systemit.AgencyRecords.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.kubeli.api.v1alpha1.InterceptStatus;
import io.kubeli.collector.peers.SipPeers;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPduDecoder;
import io.kubeli.systemit.AgencyRecords.Rec;
import io.kubeli.systemit.Traffic.Frame;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15 end to end: a sipUri Intercept (alice@example.org) on live SIPp traffic, collector -> mediator -> agency.
 * Alice's call (SIP port 5061, RTP from/to 7000) runs beside carol's (5062, 8000) to the same callee; garbage
 * datagrams on 5060 come first. At the agency: exactly alice's SIP messages as IPMMIRI (octet for octet, Begin ..
 * End, one CIN), exactly her RTP up to the BYE as IPMMCC (byte for byte), nothing of carol's call, contiguous
 * sequence numbers, everything decodes; the Intercept status counts the call. A second Intercept naming carol
 * without a URI scheme (a misconfiguration) is Failed with a clear message and intercepts nothing.
 */
class SipSystemIT {
    static final String LIID = "SYSIT-SIP";
    static final String LIID_BAD = "SYSIT-SIP-BAD";
    static final int ALICE_SIP = 5061;
    static final int ALICE_MEDIA = 7000;
    static final int CAROL_SIP = 5062;
    static final int CAROL_MEDIA = 8000;
    static final Instant FROM = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    static final Instant UNTIL = FROM.plus(Duration.ofHours(3));

    @RegisterExtension // namespace ksip-*, 198.18.31.0/24
    static final LiveRig rig = new LiveRig("sip-system-it", SipPeers::missing, "ksip", 31);

    private static <T extends AutoCloseable> T closeLater(T c) {
        return rig.closeLater(c);
    }

    @Test
    void sipUriInterceptEndToEndBesideANonTargetCallWithGarbageOnTheSipPortAndAMisconfiguredWarrant() throws Exception {
        long t0 = System.nanoTime();
        Stack s = closeLater(new Stack(rig.root, rig.out.resolve("sip-system-it")));
        SipPeers sip = closeLater(new SipPeers(rig.veth, Files.createDirectories(s.work.resolve("sipp"))));
        s.k().resource(Resources.agency(Stack.NS, "lea", s.agency.hi2Port(), s.agency.hi3Port()))
                .create();
        s.k().resource(Resources.mediator(Stack.NS, "mediator")).create();
        s.apply(collectorYaml("afpacket:" + rig.veth.captureIf), Collector.class);
        s.startMediator("mediator");
        s.startCollector("edge", true);
        RadiusSystemIT.awaitReady(s);
        s.apply(interceptYaml("warrant-sip", LIID, "sip:alice@example.org"), Intercept.class);
        s.await("Intercept phase Active", () -> status(s) != null && status(s).getPhase() == InterceptPhase.ACTIVE);
        s.await("the collector holds the Intercept", () -> s.metric("kubeli_collector_intercepts_active") >= 1);
        rig.figures.millis("deployment ready", t0);

        // misconfiguration: a warrant naming carol without a URI scheme is refused (Failed, one clear message) and
        // intercepts nothing: carol's call below must not reach the agency under its LIID either
        s.apply(interceptYaml("warrant-bad", LIID_BAD, "carol@example.org"), Intercept.class);
        String bad = s.await("the bad Intercept Failed", () -> {
            InterceptStatus st = status(s, "warrant-bad");
            return st != null && st.getPhase() == InterceptPhase.FAILED
                    ? st.getReason() + ": " + st.getMessage()
                    : null;
        });
        assertTrue(bad.contains("targets[0].sipUri must be a sip: or sips: URI"), bad);
        rig.figures.put("misconfigured Intercept (sipUri carol@example.org)", bad);

        // hostile input: garbage on the SIP port (one naming alice) is counted as not parsed, nothing is delivered
        List<Frame> hostile = hostile();
        long badBefore = notOk(s);
        long packetsBefore = s.metric("kubeli_collector_packets_total");
        rig.veth.replay(Traffic.write(s.work.resolve("hostile.pcap"), hostile), 1000);
        s.await(
                "collector captured the garbage",
                () -> s.metric("kubeli_collector_packets_total") >= packetsBefore + hostile.size());
        assertEquals(hostile.size(), notOk(s) - badBefore, "garbage on 5060 counted in kubeli_collector_sip_messages");
        rig.figures.put("garbage on 5060", hostile.size() + " datagrams, counted by result: " + results(s));

        // alice's and carol's calls at the same time, recorded by tcpdump on the capture end
        Path cap = s.work.resolve("wire.pcap");
        long t1 = System.nanoTime();
        Process tcpdump = sip.tcpdump(cap);
        sip.callee(2);
        PodProcess.sleep(500);
        Process alice = sip.caller("alice", ALICE_SIP, ALICE_MEDIA);
        Process carol = sip.caller("carol", CAROL_SIP, CAROL_MEDIA);
        assertTrue(alice.waitFor(40, TimeUnit.SECONDS), "alice's call ended");
        assertTrue(carol.waitFor(40, TimeUnit.SECONDS), "carol's call ended");
        assertEquals(0, alice.exitValue(), () -> sip.log("uac-alice.log") + sip.log("uac-alice.err"));
        assertEquals(0, carol.exitValue(), () -> sip.log("uac-carol.log") + sip.log("uac-carol.err"));
        rig.figures.millis("both calls", t1);
        PodProcess.sleep(1000); // the last packets into tcpdump's file
        tcpdump.destroy();
        assertTrue(tcpdump.waitFor(10, TimeUnit.SECONDS), "tcpdump stopped");
        Expected e = expected(SipPeers.ipPackets(cap));
        assertTrue(
                e.sip.size() >= 6 && e.media.size() > 20 && e.carolMedia > 20 && e.carolSip >= 6,
                "both calls happened: " + e);
        rig.figures.put("on the wire", e.toString());

        s.await(
                "alice's call at the agency",
                () -> s.received(LIID, "IRI") >= e.sip.size() && s.received(LIID, "CC") >= e.media.size());
        s.await("Intercept status totalCalls >= 1, activeCalls 0", () -> {
            InterceptStatus st = status(s);
            return st != null
                    && st.getTotalCalls() != null
                    && st.getTotalCalls() >= 1
                    && Integer.valueOf(0).equals(st.getActiveCalls());
        });
        rig.figures.put(
                "Intercept status",
                "totalCalls=" + status(s).getTotalCalls() + " activeCalls="
                        + status(s).getActiveCalls());
        PodProcess.sleep(3000); // anything extra (carol's call, media after the BYE) would arrive now
        assertTrue(s.collector.process.isAlive(), "the collector still runs");
        s.agency.flush();
        List<Rec> all = AgencyRecords.read(s.work.resolve("agency"));
        decodeCheck(s.work.resolve("agency"));

        // exactly alice's call: one CIN, her SIP messages in order as IRI, her media up to the BYE as CC
        assertEquals(Set.of(LIID), all.stream().map(Rec::liid).collect(Collectors.toSet()), "LIIDs at the agency");
        Set<Long> cins = all.stream().map(Rec::cin).collect(Collectors.toSet());
        assertEquals(1, cins.size(), "one CIN for the call's IRI and CC: " + cins);
        List<Rec> iri = unique(all.stream().filter(r -> !r.cc()).toList());
        List<Rec> cc = unique(all.stream().filter(Rec::cc).toList());
        List<IriType> types = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < iri.size(); i++) {
            assertEquals(i, iri.get(i).seq(), "IRI sequence numbers contiguous from 0");
            var x = ((Payload.Iri) PsPduDecoder.DEFAULT.decode(iri.get(i).pdu()).payload())
                    .payloads()
                    .getFirst();
            types.add(x.iriType());
            texts.add(SipPeers.sipText(x));
        }
        assertEquals(e.sip, texts, "IPMMIRI: exactly alice's SIP messages, in order, octet for octet");
        SipPeers.assertCallIri(types);
        assertEquals(e.media.size(), cc.size(), "IPMMCC: exactly alice's media packets up to the BYE");
        for (int i = 0; i < cc.size(); i++) {
            assertEquals(i, cc.get(i).seq(), "CC sequence numbers contiguous from 0");
            var x = ((Payload.Cc) PsPduDecoder.DEFAULT.decode(cc.get(i).pdu()).payload())
                    .payloads()
                    .getFirst();
            byte[] ip = ((CcContents.Ipmmcc) x.contents()).contents().toByteArray();
            int sp = SipPeers.port(ip, true);
            int dp = SipPeers.port(ip, false);
            assertFalse(
                    sp == CAROL_MEDIA || dp == CAROL_MEDIA || sp == CAROL_MEDIA + 1 || dp == CAROL_MEDIA + 1,
                    "nothing of carol's media");
            assertArrayEquals(e.media.get(i), ip, "IPMMCC record " + i + " is alice's packet byte for byte");
        }
        assertTrue(texts.stream().noneMatch(t -> t.contains("carol@")), "nothing of carol's SIP");
        assertEquals(0, s.agency.summary().missing(), "sequence gaps at the agency");
        rig.figures.put("agency summary", s.agency.summary().oneLine());
        rig.figures.put("records", "IRI " + iri.size() + " " + types + ", CC " + cc.size());
        rig.figures.millis("whole test", t0);
        s.close();
    }

    // ---- scenario pieces -------------------------------------------------------------------------------------

    static String collectorYaml(String source) {
        return """
        apiVersion: li.kubeli.io/v1alpha1
        kind: Collector
        metadata: {name: edge, namespace: %s}
        spec:
          sources:
            - uri: "%s"
          mediatorRef: mediator
          networkElementId: edge-1
          threads: 1
          sip: {ports: [5060], mediaTimeout: 60}
        """.formatted(Stack.NS, source);
    }

    static String interceptYaml(String name, String liid, String uri) {
        return Resources.interceptYaml(
                Stack.NS, name, liid, "lea", "mediator", FROM, UNTIL, "{sipUri: \"" + uri + "\"}");
    }

    static InterceptStatus status(Stack s) {
        return status(s, "warrant-sip");
    }

    static InterceptStatus status(Stack s, String name) {
        Intercept i = s.k().resources(Intercept.class)
                .inNamespace(Stack.NS)
                .withName(name)
                .get();
        return i == null ? null : i.getStatus();
    }

    /** Datagrams to port 5060 that no SIP parser may accept (not SIP, a broken start line, no Call-ID ...). */
    List<Frame> hostile() {
        List<byte[]> p = new ArrayList<>();
        byte[] binary = new byte[64];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 37 + 1);
        }
        p.add(binary);
        p.add("INVITE\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        p.add(("INVITE sip:bob@example.org SIP/2.0\r\nFrom: <sip:alice@example.org>\r\nCSeq: 1 INVITE\r\n"
                        + "Content-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)); // no Call-ID
        p.add(("INVITE sip:bob@example.org SIP/2.0\r\nFrom: <sip:alice@example.org>\r\nCall-ID: h1\r\n"
                        + "Content-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)); // no CSeq
        p.add(("INVITE sip:bob@example.org SIP/2.0\r\nFrom: <sip:alice@example.org>\r\nCall-ID: h2\r\n"
                        + "CSeq: 1 INVITE\r\nContent-Length: x9\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)); // bad length
        String peer = rig.veth.captureAddr.replaceAll("\\.1$", ".77");
        List<Frame> f = new ArrayList<>();
        for (byte[] x : p) {
            f.add(Traffic.udp(rig.veth.senderAddr, peer, 41_000 + f.size(), 5060, x, Instant.now()));
        }
        return f;
    }

    static long notOk(Stack s) {
        return Http.metric(s.collectorMetricsPort, "kubeli_collector_sip_messages_total")
                - Http.metric(s.collectorMetricsPort, "kubeli_collector_sip_messages_total", "result=\"ok\"");
    }

    static String results(Stack s) {
        StringBuilder sb = new StringBuilder();
        for (String r : List.of(
                "ok",
                "incomplete",
                "not_sip",
                "bad_start_line",
                "bad_header",
                "no_call_id",
                "no_cseq",
                "bad_content_length")) {
            sb.append(r)
                    .append('=')
                    .append(Http.metric(
                            s.collectorMetricsPort, "kubeli_collector_sip_messages_total", "result=\"" + r + "\""))
                    .append(' ');
        }
        return sb.toString().trim();
    }

    /** What must be delivered, from the wire alone (and how much of carol's call was there). */
    record Expected(List<String> sip, List<byte[]> media, int carolSip, int carolMedia) {
        @Override
        public String toString() {
            return "alice SIP " + sip.size() + ", alice media up to the BYE " + media.size() + ", carol SIP " + carolSip
                    + ", carol media " + carolMedia;
        }
    }

    /** Alice's SIP messages (her SIP port, in order) and her media (7000/7001) up to her BYE. */
    static Expected expected(List<byte[]> wire) throws Exception {
        byte[] alice = InetAddress.getByName(rig.veth.senderAddr).getAddress();
        List<String> sip = new ArrayList<>();
        List<byte[]> media = new ArrayList<>();
        int carolSip = 0;
        int carolMedia = 0;
        boolean bye = false;
        for (byte[] ip : wire) {
            if (!SipPeers.isUdp(ip)) {
                continue;
            }
            int s = SipPeers.port(ip, true);
            int d = SipPeers.port(ip, false);
            boolean from = Arrays.equals(Arrays.copyOfRange(ip, 12, 16), alice);
            boolean to = Arrays.equals(Arrays.copyOfRange(ip, 16, 20), alice);
            if (from && s == ALICE_SIP || to && d == ALICE_SIP) {
                String text = new String(SipPeers.udpPayload(ip), StandardCharsets.ISO_8859_1);
                sip.add(text);
                bye |= from && text.startsWith("BYE "); // media stops at the BYE: what still flows after it is not CC
            } else if (from && (s == ALICE_MEDIA || s == ALICE_MEDIA + 1)
                    || to && (d == ALICE_MEDIA || d == ALICE_MEDIA + 1)) {
                if (!bye) {
                    media.add(ip);
                }
            } else if (s == CAROL_SIP || d == CAROL_SIP) {
                carolSip++;
            } else if (s == CAROL_MEDIA || d == CAROL_MEDIA) {
                carolMedia++;
            }
        }
        return new Expected(sip, media, carolSip, carolMedia);
    }

    static void decodeCheck(Path dir) {
        rig.decodeCheck(dir, "");
    }
}
