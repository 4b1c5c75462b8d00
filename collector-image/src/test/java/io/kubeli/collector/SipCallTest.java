package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.Direction;
import io.kubeli.etsi.FrameType;
import io.kubeli.etsi.IriContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: sipUri targets through the capture path (CaptureWorker, SIP feed, manager, call tracking, table):
 * exactly the target call's SIP messages are IPMMIRI (Begin/Continue/End, Report outside calls) and its RTP/RTCP is
 * IPMMCC under one CIN per call; other calls, lying SDP, floods and garbage yield nothing but counters.
 */
class SipCallTest {
    static final String ALICE = "198.18.1.1";
    static final String PROXY = "198.18.0.5";
    static final String BOB = "198.18.2.2";
    static final String BOB2 = "198.18.2.9";
    static final String CAROL = "198.18.3.3";
    static final Instant NOW = Instant.now();

    @TempDir
    Path tmp;

    private CapturedLogs logs;

    private final MutableClock clock = new MutableClock(NOW);
    private CollectingSink sink;
    private CollectorPipeline pipeline;
    private InterceptManager manager;
    private SipIntercepts calls;
    private CaptureWorker worker;
    private long ts = NOW.getEpochSecond() * 1_000_000_000L;

    @BeforeEach
    void setUp() {
        logs = new CapturedLogs("io.kubeli.collector");
        build(1000, 60);
    }

    private void build(int maxCalls, int timeoutSeconds) {
        sink = new CollectingSink();
        pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        manager = new InterceptManager(pipeline, "NE", clock, InterceptManager.Rules.defaults());
        boolean[] ports = RadiusTap.ports(List.of(5060));
        calls = manager.enableSip(new SipIntercepts.Limits(maxCalls, timeoutSeconds * 1_000_000_000L), ports);
        pipeline.setSip(new SipTap(ports, calls, manager));
        worker = pipeline.newWorker();
    }

    @AfterEach
    void release() {
        logs.close();
        String l = logs.toString();
        assertFalse(
                l.contains("198.18") || l.contains("alice") || l.contains("bob") || l.contains("5550100"),
                "no identity or address in any log line:\n" + l);
    }

    private void intercepts(String... targetsPerIntercept) throws Exception {
        CaptureRig.intercepts(manager, tmp, "s", targetsPerIntercept);
    }

    private int feed(CaptureWorker w, byte[] ip) {
        ts += 1_000_000;
        return CaptureRig.feed(pipeline, w, ip, ts);
    }

    /** One SIP message over UDP 5060 between two hosts. */
    int sip(String src, String dst, String msg) {
        return feed(worker, ipv4(src, dst, 17, udp(5060, 5060, msg.getBytes(StandardCharsets.ISO_8859_1))));
    }

    int rtp(String src, int sport, String dst, int dport) {
        return feed(worker, ipv4(src, dst, 17, udp(sport, dport, new byte[] {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0})));
    }

    static String sdp(String addr, int port) {
        return "v=0\r\no=- 1 1 IN IP4 " + addr + "\r\ns=-\r\nc=IN IP4 " + addr + "\r\nt=0 0\r\nm=audio " + port
                + " RTP/AVP 0\r\n";
    }

    /** A request of a call: alice (tag a) to bob; {@code fromBob} swaps the roles as in-dialog requests do. */
    static String req(
            String method,
            String callId,
            int cseq,
            String ruri,
            String from,
            String fromTag,
            String to,
            String toTag,
            String body) {
        return method + " " + ruri + " SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK" + method + cseq + "\r\n"
                + "From: <" + from + ">;tag=" + fromTag + "\r\nTo: <" + to + ">"
                + (toTag == null ? "" : ";tag=" + toTag)
                + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + " " + (method.equals("ACK") ? "ACK" : method)
                + "\r\n"
                + (body == null
                        ? "Content-Length: 0\r\n\r\n"
                        : "Content-Type: application/sdp\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }

    static String resp(
            int code,
            String cseqMethod,
            String callId,
            int cseq,
            String from,
            String fromTag,
            String to,
            String toTag,
            String body) {
        return "SIP/2.0 " + code + " X\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK" + cseqMethod + cseq + "\r\n"
                + "From: <" + from + ">;tag=" + fromTag + "\r\nTo: <" + to + ">"
                + (toTag == null ? "" : ";tag=" + toTag)
                + "\r\nCall-ID: " + callId + "\r\nCSeq: " + cseq + " " + cseqMethod + "\r\n"
                + (body == null
                        ? "Content-Length: 0\r\n\r\n"
                        : "Content-Type: application/sdp\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }

    static final String A = "sip:alice@example.org";
    static final String B = "sip:bob@example.net";

    private List<PsPdu> drain() throws Exception {
        return CaptureRig.drain(pipeline, worker, sink);
    }

    static List<PsPdu> iri(List<PsPdu> pdus) {
        return pdus.stream().filter(p -> p.payload() instanceof Payload.Iri).toList();
    }

    static List<PsPdu> cc(List<PsPdu> pdus) {
        return pdus.stream().filter(p -> p.payload() instanceof Payload.Cc).toList();
    }

    static IriType type(PsPdu p) {
        return ((Payload.Iri) p.payload()).payloads().get(0).iriType();
    }

    static io.kubeli.etsi.SipMessage sipOf(PsPdu p) {
        return ((IriContents.IpmmIri)
                        ((Payload.Iri) p.payload()).payloads().get(0).contents())
                .sipMessage();
    }

    static CcContents.Ipmmcc mmcc(PsPdu p) {
        return (CcContents.Ipmmcc) ((Payload.Cc) p.payload()).payloads().get(0).contents();
    }

    static Direction dir(PsPdu p) {
        return ((Payload.Cc) p.payload()).payloads().get(0).direction();
    }

    @Test
    void basicCallWithReinviteRetransmissionAndConcurrentOtherCall() throws Exception {
        intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        String c = "call-1@h";
        assertEquals(0, rtp(ALICE, 40000, BOB, 50000), "before the call: nothing");
        String invite = req("INVITE", c, 1, B, A, "a", B, null, sdp(ALICE, 40000));
        sip(ALICE, PROXY, invite);
        sip(ALICE, PROXY, invite); // retransmission: IRI-Continue of the same call (as OpenLI), not a new call
        assertEquals(1, rtp(ALICE, 40000, BOB, 50000), "early media from the offer's endpoint");
        sip(PROXY, ALICE, resp(180, "INVITE", c, 1, A, "a", B, "b", null));
        sip(PROXY, ALICE, resp(200, "INVITE", c, 1, A, "a", B, "b", sdp(BOB, 50000)));
        sip(ALICE, PROXY, req("ACK", c, 1, "sip:bob@" + BOB, A, "a", B, "b", null));
        // a concurrent non-target call whose media shares bob's address on another port
        String o = "other@h";
        sip(
                CAROL,
                PROXY,
                req(
                        "INVITE",
                        o,
                        1,
                        "sip:dave@example.net",
                        "sip:carol@example.net",
                        "c",
                        "sip:dave@example.net",
                        null,
                        sdp(CAROL, 6000)));
        sip(
                PROXY,
                CAROL,
                resp(200, "INVITE", o, 1, "sip:carol@example.net", "c", "sip:dave@example.net", "d", sdp(BOB, 50010)));
        assertEquals(0, rtp(CAROL, 6000, BOB, 50010), "the other call's media on a shared address: nothing");
        assertEquals(0, rtp(BOB, 50010, CAROL, 6000));
        assertEquals(0, rtp(CAROL, 6000, BOB, 50000), "the other party's endpoint alone is not the target's");
        assertEquals(1, rtp(ALICE, 40000, BOB, 50000));
        assertEquals(1, rtp(BOB, 50000, ALICE, 40000));
        assertEquals(1, rtp(BOB, 50001, ALICE, 40001), "RTCP on port+1");
        assertEquals(0, rtp(ALICE, 40002, BOB, 50002), "other ports of the call's hosts: nothing");
        // bob's re-INVITE moves his media
        sip(PROXY, ALICE, req("INVITE", c, 7, "sip:alice@" + ALICE, B, "b", A, "a", sdp(BOB2, 50100)));
        sip(ALICE, PROXY, resp(200, "INVITE", c, 7, B, "b", A, "a", sdp(ALICE, 40000)));
        assertEquals(1, rtp(ALICE, 40000, BOB2, 50100), "the moved media");
        sip(PROXY, ALICE, req("BYE", c, 8, "sip:alice@" + ALICE, B, "b", A, "a", null));
        assertEquals(0, rtp(ALICE, 40000, BOB2, 50100), "after BYE: nothing, at once");
        sip(ALICE, PROXY, resp(200, "BYE", c, 8, B, "b", A, "a", null));
        sip(ALICE, PROXY, resp(200, "BYE", c, 8, B, "b", A, "a", null)); // retransmitted final response
        assertEquals(1, calls.totalCalls());
        assertEquals(2, calls.retransmissions.sum());
        assertEquals(1, calls.lateMessages.sum());

        List<PsPdu> pdus = drain();
        List<PsPdu> iri = iri(pdus);
        // every message on the wire is IRI: the retransmitted INVITE as Continue, the 200 after the End as Report
        assertEquals(
                List.of(
                        IriType.IRI_BEGIN,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_END,
                        IriType.IRI_REPORT),
                iri.stream().map(SipCallTest::type).toList());
        assertEquals(invite, new String(sipOf(iri.get(1)).sipContent().toByteArray(), StandardCharsets.ISO_8859_1));
        io.kubeli.etsi.SipMessage first = sipOf(iri.get(0));
        assertEquals(invite, new String(first.sipContent().toByteArray(), StandardCharsets.ISO_8859_1));
        assertArrayEquals(addr(ALICE), first.source().binaryAddress().toByteArray());
        assertArrayEquals(addr(PROXY), first.destination().binaryAddress().toByteArray());
        List<PsPdu> cc = cc(pdus);
        assertEquals(5, cc.size());
        long cin = iri.get(0).header().communicationIdentifier().cin();
        for (PsPdu p : pdus) {
            assertEquals(cin, p.header().communicationIdentifier().cin(), "one CIN per call");
        }
        assertEquals(SipIntercepts.cinBase(c), cin, "slot 0: the CIN base of the Call-ID");
        for (int i = 0; i < iri.size(); i++) {
            assertEquals(i, iri.get(i).header().sequenceNumber());
        }
        assertEquals(
                List.of(
                        Direction.FROM_TARGET,
                        Direction.FROM_TARGET,
                        Direction.TO_TARGET,
                        Direction.TO_TARGET,
                        Direction.FROM_TARGET),
                cc.subList(0, 5).stream().map(SipCallTest::dir).toList());
        CcContents.Ipmmcc m = mmcc(cc.get(0));
        assertEquals(FrameType.IP_FRAME, m.frameType());
        assertEquals(
                ALICE,
                java.net.InetAddress.getByAddress(
                                java.util.Arrays.copyOfRange(m.contents().toByteArray(), 12, 16))
                        .getHostAddress());
    }

    @Test
    void cancelledCallOfTheCalleeEndsWithTheFinalResponse() throws Exception {
        intercepts("  - {sipUri: \"sip:bob@example.net\"}");
        String c = "cancel-1@h";
        sip(ALICE, PROXY, req("INVITE", c, 1, B, A, "a", B, null, sdp(ALICE, 40000)));
        assertEquals(0, rtp(ALICE, 40000, BOB, 50000), "the caller's offer alone: not the target's endpoint");
        sip(PROXY, ALICE, resp(183, "INVITE", c, 1, A, "a", B, "b", sdp(BOB, 50000)));
        assertEquals(1, rtp(ALICE, 40000, BOB, 50000), "early media to the target's answered endpoint");
        sip(ALICE, PROXY, req("CANCEL", c, 1, B, A, "a", B, null, null));
        assertEquals(0, rtp(ALICE, 40000, BOB, 50000), "after CANCEL: nothing");
        sip(PROXY, ALICE, resp(200, "CANCEL", c, 1, A, "a", B, "b", null));
        sip(PROXY, ALICE, resp(487, "INVITE", c, 1, A, "a", B, "b", null));
        sip(ALICE, PROXY, req("ACK", c, 1, B, A, "a", B, "b", null));
        List<PsPdu> pdus = drain();
        assertEquals(
                List.of(
                        IriType.IRI_BEGIN,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_CONTINUE,
                        IriType.IRI_END,
                        IriType.IRI_REPORT),
                iri(pdus).stream().map(SipCallTest::type).toList(),
                "the ACK after the final response is an IRI-Report (after the IRI-End, as OpenLI)");
        assertEquals(Direction.TO_TARGET, dir(cc(pdus).get(0)));
        assertEquals(0, calls.activeCalls());
    }

    @Test
    void registrationIsReportAndNumbersMatchThroughAssertedIdentity() throws Exception {
        intercepts("  - {sipUri: \"tel:+1-555-0100\"}");
        String reg = "REGISTER sip:example.org SIP/2.0\r\nFrom: <sip:+15550100@example.org;user=phone>;tag=r\r\n"
                + "To: <sip:+15550100@example.org;user=phone>\r\nCall-ID: reg-1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
        sip(ALICE, PROXY, reg);
        sip(
                PROXY,
                ALICE,
                "SIP/2.0 200 OK\r\nFrom: <sip:+15550100@example.org;user=phone>;tag=r\r\n"
                        + "To: <sip:+15550100@example.org;user=phone>;tag=x\r\nCall-ID: reg-1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n");
        // an anonymous caller identified by P-Asserted-Identity only
        String inv = req("INVITE", "pai-1", 1, B, "sip:anonymous@anonymous.invalid", "x", B, null, sdp(ALICE, 40000))
                .replace("Call-ID:", "P-Asserted-Identity: \"A\" <tel:+1.555.0100>\r\nCall-ID:");
        sip(ALICE, PROXY, inv);
        assertEquals(1, rtp(ALICE, 40000, BOB, 50000));
        sip(CAROL, PROXY, reg.replace("+15550100", "+15550199").replace("reg-1", "reg-2"));
        List<PsPdu> pdus = drain();
        assertEquals(
                List.of(IriType.IRI_REPORT, IriType.IRI_REPORT, IriType.IRI_BEGIN),
                iri(pdus).stream().map(SipCallTest::type).toList());
        assertEquals(Direction.FROM_TARGET, dir(cc(pdus).get(0)), "the asserted caller is the target");
    }

    @Test
    void lyingSdpCannotTurnSignallingOrSystemPortsIntoContent() throws Exception {
        intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        String c = "lie-1@h";
        sip(
                ALICE,
                PROXY,
                req(
                        "INVITE",
                        c,
                        1,
                        B,
                        A,
                        "a",
                        B,
                        null,
                        "v=0\r\nc=IN IP4 " + PROXY
                                + "\r\nm=audio 5060 RTP/AVP 0\r\nm=audio 53 RTP/AVP 0\r\nm=audio 70000 RTP/AVP 0\r\n"));
        assertEquals(0, sip(CAROL, PROXY, req("OPTIONS", "o", 1, "sip:x@y", "sip:c@y", "c", "sip:x@y", null, null)));
        assertEquals(0, feed(worker, ipv4(CAROL, PROXY, 17, udp(3333, 53, new byte[] {1, 2, 3}))));
        assertEquals(2, calls.sdpRejected.sum());
        drain();
    }

    @Test
    void garbageHugeMessagesAndFloodsAreCountedAndBounded() throws Exception {
        build(100, 60);
        intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        byte[] junk = new byte[1400];
        new java.util.Random(15).nextBytes(junk);
        feed(worker, ipv4(CAROL, PROXY, 17, udp(5060, 5060, junk)));
        sip(CAROL, PROXY, "INVITE " + B + " SIP/2.0\r\n" + "X: y\r\n".repeat(100_000) + "\r\n");
        sip(CAROL, PROXY, "INVITE " + B + " SIP/2.0\r\nX: " + "z".repeat(60_000) + "\r\n\r\n");
        assertTrue(calls.malformed() >= 3, "counted");
        byte[] frag = ipv4(
                ALICE,
                PROXY,
                17,
                udp(5060, 5060, "INVITE sip:bob@example.net SIP/2.0\r\n".getBytes(StandardCharsets.US_ASCII)),
                7,
                0,
                true,
                null);
        assertEquals(0, feed(worker, frag));
        assertEquals(1, pipeline.sipFragments(), "a fragmented datagram: counted, not a call");
        // 10^6 non-target INVITEs: no call kept, nothing delivered
        String tpl = req(
                "INVITE",
                "flood-0000000@h",
                1,
                "sip:dave@example.net",
                "sip:carol@example.net",
                "c",
                "sip:dave@example.net",
                null,
                sdp(CAROL, 6000));
        byte[] f = ether(0x0800, ipv4(CAROL, PROXY, 17, udp(5060, 5060, tpl.getBytes(StandardCharsets.ISO_8859_1))));
        int at = indexOf(f, "flood-".getBytes(StandardCharsets.US_ASCII)) + 6;
        MemorySegment seg = MemorySegment.ofArray(f);
        int q = 0;
        for (int i = 0; i < 1_000_000; i++) {
            int v = i;
            for (int d = 6; d >= 0; d--) {
                f[at + d] = (byte) ('0' + v % 10);
                v /= 10;
            }
            q += worker.process(pipeline.table(), seg, 0, f.length, LinkTypes.ETHERNET, ++ts);
        }
        assertEquals(0, q);
        assertEquals(0, calls.totalCalls());
        assertEquals(0, calls.activeCalls());
        // a flood of target calls: at most maxCalls followed, the rest refused and counted
        for (int i = 0; i < 300; i++) {
            sip(ALICE, PROXY, req("INVITE", "t-" + i, 1, B, A, "a", B, null, sdp(ALICE, 40000 + 2 * i)));
        }
        assertEquals(100, calls.activeCalls());
        assertEquals(200, calls.callsRefused.sum());
        // calls expire: nothing for the media timeout
        clock.now = NOW.plusSeconds(120);
        ts += 120_000_000_000L;
        manager.tick();
        assertEquals(0, calls.activeCalls());
        assertEquals(100, calls.callsExpired.sum());
        assertEquals(0, rtp(ALICE, 40000, BOB, 50000), "expired: media stopped");
        assertTrue(calls.results(io.kubeli.collector.sip.SipParser.Result.OK) >= 1_000_300);
        String metrics = new CollectorMetrics(pipeline, () -> io.kubeli.capture.CaptureStats.ZERO, manager).scrape();
        for (String line : List.of(
                "kubeli_collector_sip_calls_refused_total 200.0",
                "kubeli_collector_sip_calls_total 100.0",
                "kubeli_collector_sip_calls_expired_total 100.0",
                "kubeli_collector_sip_calls_active 0.0",
                "kubeli_collector_sip_messages_total{result=\"too_many_headers\"} 1.0")) {
            assertTrue(metrics.contains(line), line + " in\n" + metrics);
        }
        drain();
    }

    @Test
    void mediaLearnedOnOneThreadMatchesOnAnotherAtOnce() throws Exception {
        intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        CaptureWorker other = pipeline.newWorker();
        for (int i = 0; i < 50; i++) {
            sip(ALICE, PROXY, req("INVITE", "x-" + i, 1, B, A, "a", B, null, sdp(ALICE, 20000 + 2 * i)));
            assertEquals(1, feed(other, ipv4(BOB, ALICE, 17, udp(7000, 20000 + 2 * i, new byte[8]))), "call " + i);
        }
        other.onEnd();
        drain();
    }

    /** A call first seen at the callee's 200 (the INVITE was missed): the target callee's media is still found. */
    @Test
    void callPickedUpFromAResponseKnowsWhichSideIsTheTarget() throws Exception {
        intercepts("  - {sipUri: \"sip:bob@example.net\"}");
        String c = "late@h";
        sip(
                PROXY,
                ALICE,
                resp(200, "INVITE", c, 1, A, "a", B, "b", sdp(BOB, 50000))
                        .replace("Call-ID:", "P-Asserted-Identity: <sip:bob@example.net>\r\nCall-ID:"));
        assertEquals(0, rtp(CAROL, 6000, ALICE, 40000), "alice is not the target");
        assertEquals(1, rtp(ALICE, 40000, BOB, 50000), "to the target callee");
        List<PsPdu> pdus = drain();
        assertEquals(Direction.TO_TARGET, dir(cc(pdus).get(0)));
    }

    /** Nothing outside the warrant window: a call before it opens yields no IRI and no CC (counted). */
    @Test
    void nothingOutsideTheWarrantWindow() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Files.writeString(
                dir.resolve("a.yaml"),
                WarrantIsolationTest.agency("lea1")
                        + PcapEndToEndTest.interceptYaml(
                                        "later",
                                        "LATER",
                                        NOW.plusSeconds(3600).toString(),
                                        NOW.plusSeconds(7200).toString(),
                                        "both",
                                        "  - {sipUri: \"sip:alice@example.org\"}")
                                .replace("metadata: {name: later}", "metadata: {name: later, namespace: li}"));
        manager.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
        String c = "early@h";
        sip(ALICE, PROXY, req("INVITE", c, 1, B, A, "a", B, null, sdp(ALICE, 40000)));
        assertEquals(0, rtp(ALICE, 40000, BOB, 50000));
        sip(PROXY, ALICE, resp(200, "INVITE", c, 1, A, "a", B, "b", sdp(BOB, 50000)));
        assertTrue(pipeline.stats().outOfWindow() >= 1, "counted out of window");
        assertTrue(drain().isEmpty());
    }

    @Test
    void withoutSipTrackingSipUriInterceptsAreRejected() throws Exception {
        sink = new CollectingSink();
        pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        manager = new InterceptManager(pipeline, "NE", clock, InterceptManager.Rules.defaults());
        worker = pipeline.newWorker();
        intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        assertTrue(logs.toString().contains("sip_uri is not served"), logs.toString());
    }

    @Test
    void unusableSipUriRejectsTheIntercept() throws Exception {
        intercepts("  - {sipUri: \"mailto:alice@example.org\"}");
        assertTrue(logs.toString().contains("sipUri must be a sip:, sips: or tel: URI"), logs.toString());
    }

    /** A TCP segment on 5060 with sequence number {@code seq}. */
    int tcpSeg(String src, String dst, long seq, String payload) {
        byte[] t = tcp(5060, 5060, payload.getBytes(StandardCharsets.ISO_8859_1));
        java.nio.ByteBuffer.wrap(t).putInt(4, (int) seq);
        return feed(worker, ipv4(src, dst, 6, t));
    }

    @Test
    void tcpMessagesSplitAcrossSegmentsAndSeveralPerSegment() throws Exception {
        intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        String c = "tcp-1@h";
        String invite = req("INVITE", c, 1, B, A, "a", B, null, sdp(ALICE, 40000));
        String ringing = resp(180, "INVITE", c, 1, A, "a", B, "b", null);
        String ok = resp(200, "INVITE", c, 1, A, "a", B, "b", sdp(BOB, 50000));
        // the INVITE in three segments, one of them retransmitted with an overlap
        tcpSeg(ALICE, PROXY, 1000, invite.substring(0, 40));
        tcpSeg(ALICE, PROXY, 1040, invite.substring(40, 200));
        tcpSeg(ALICE, PROXY, 1100, invite.substring(100, 200)); // overlap: nothing new
        tcpSeg(ALICE, PROXY, 1000, invite.substring(0, 40)); // an old retransmission: nothing new, nothing lost
        assertEquals(0, calls.totalCalls(), "not complete yet");
        tcpSeg(ALICE, PROXY, 1200, invite.substring(200));
        assertEquals(1, calls.totalCalls());
        // two responses in one segment, the second split into the next
        String both = ringing + ok;
        tcpSeg(PROXY, ALICE, 5000, both.substring(0, ringing.length() + 30));
        tcpSeg(PROXY, ALICE, 5000 + ringing.length() + 30, both.substring(ringing.length() + 30));
        assertEquals(1, rtp(ALICE, 40000, BOB, 50000));
        // a lost segment: the waiting tail is dropped (counted), the flow goes on with the next message
        String bye = req("BYE", c, 2, "sip:bob@" + BOB, A, "a", B, "b", null);
        tcpSeg(ALICE, PROXY, 2000, bye.substring(0, 50));
        tcpSeg(ALICE, PROXY, 2100, bye.substring(100));
        assertEquals(1, worker.sipTcpGaps());
        tcpSeg(ALICE, PROXY, 3000, bye);
        assertEquals(0, rtp(ALICE, 40000, BOB, 50000), "the BYE over TCP ended the media");
        List<PsPdu> pdus = drain();
        assertEquals(
                List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_CONTINUE, IriType.IRI_CONTINUE),
                iri(pdus).stream().map(SipCallTest::type).toList());
        assertEquals(
                invite, new String(sipOf(iri(pdus).get(0)).sipContent().toByteArray(), StandardCharsets.ISO_8859_1));
    }

    private static int indexOf(byte[] h, byte[] n) {
        outer:
        for (int i = 0; i + n.length <= h.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (h[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
