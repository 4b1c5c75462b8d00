package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static io.kubeli.collector.SipCallTest.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import io.kubeli.etsi.IriContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIP call that ends without a SIP message (media timeout, warrant window end, Intercept removed, collector
 * shutdown, BYE never answered) still gets its IRI-End: IPMMIRI with an empty originalIPMMMessage.
 */
class SipCallEndingTest {
    static final Instant NOW = Instant.now();

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(NOW);
    private final CollectingSink sink = new CollectingSink();
    private final CollectorPipeline pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
    private final InterceptManager manager =
            new InterceptManager(pipeline, "NE", clock, InterceptManager.Rules.defaults());
    private final boolean[] ports = RadiusTap.ports(List.of(5060));
    private final SipIntercepts calls = manager.enableSip(new SipIntercepts.Limits(1000, 60_000_000_000L), ports);
    private CaptureWorker worker;
    private long ts = NOW.getEpochSecond() * 1_000_000_000L;

    private void intercepts(long untilSeconds) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("i"));
        String yaml = WarrantIsolationTest.agency("lea1");
        if (untilSeconds > 0) {
            yaml += PcapEndToEndTest.interceptYaml(
                            "s0",
                            "LS0",
                            NOW.minusSeconds(60).toString(),
                            NOW.plusSeconds(untilSeconds).toString(),
                            "both",
                            "  - {sipUri: \"sip:alice@example.org\"}")
                    .replace("metadata: {name: s0}", "metadata: {name: s0, namespace: li}");
        }
        Files.writeString(dir.resolve("a.yaml"), yaml);
        manager.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
    }

    private int feed(byte[] ip) {
        if (worker == null) {
            pipeline.setSip(new SipTap(ports, calls, manager));
            worker = pipeline.newWorker();
        }
        byte[] f = ether(0x0800, ip);
        ts += 1_000_000;
        return worker.process(pipeline.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, ts);
    }

    private void sip(String src, String dst, String msg) {
        feed(ipv4(src, dst, 17, udp(5060, 5060, msg.getBytes(StandardCharsets.ISO_8859_1))));
    }

    private int rtp() {
        return feed(ipv4(ALICE, BOB, 17, udp(40000, 50000, new byte[] {(byte) 0x80, 0, 0, 1})));
    }

    /** An answered call of alice with media: IRI-Begin and IRI-Continue. */
    private void answeredCall(String c) {
        sip(ALICE, PROXY, req("INVITE", c, 1, B, A, "a", B, null, sdp(ALICE, 40000)));
        sip(PROXY, ALICE, resp(200, "INVITE", c, 1, A, "a", B, "b", sdp(BOB, 50000)));
        assertEquals(1, rtp(), "the call's media is content");
    }

    private void later(int seconds) {
        clock.now = clock.now.plusSeconds(seconds);
        ts += seconds * 1_000_000_000L;
        manager.tick();
    }

    private List<PsPdu> iri() throws Exception {
        List<PsPdu> l = new ArrayList<>();
        for (CollectingSink.Rec r : sink.snapshot()) {
            PsPdu p = PsPduDecoder.DEFAULT.decode(r.pdu()); // every record decodes
            assertArrayEquals(r.pdu(), io.kubeli.etsi.ReferenceEncoder.encode(p), "and re-encodes identically");
            if (p.payload() instanceof Payload.Iri) {
                l.add(p);
            }
        }
        return l;
    }

    /** IRI types in order; the last must be the message-less IRI-End. */
    private List<IriType> assertEndsWithoutMessage() throws Exception {
        List<PsPdu> iri = iri();
        PsPdu end = iri.get(iri.size() - 1);
        assertEquals(IriType.IRI_END, type(end));
        IriContents c = ((Payload.Iri) end.payload()).payloads().get(0).contents();
        IriContents.IpmmIriOriginal o = assertInstanceOf(IriContents.IpmmIriOriginal.class, c);
        assertEquals(0, o.message().toByteArray().length, "no SIP message");
        long cin = iri.get(0).header().cin();
        for (int i = 0; i < iri.size(); i++) {
            assertEquals(cin, iri.get(i).header().cin(), "one CIN for the call");
            assertEquals(i, iri.get(i).header().sequenceNumber(), "no gap, no duplicate");
        }
        assertTrue(PduJsonHolder.json(end).contains("originalIPMMMessage"));
        return iri.stream().map(SipCallTest::type).toList();
    }

    /** Keeps the JSON rendering (kubeli decode) covered for the new alternative. */
    static final class PduJsonHolder {
        static String json(PsPdu p) {
            return io.kubeli.etsi.PduJson.toJson(p);
        }
    }

    @Test
    void mediaTimeoutEndsTheCallWithIriEnd() throws Exception {
        intercepts(86_400);
        answeredCall("timeout@h");
        later(30);
        assertEquals(1, rtp(), "media keeps the call up");
        later(61);
        assertEquals(0, calls.activeCalls());
        assertEquals(0, rtp(), "after the timeout: nothing");
        assertEquals(List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_END), assertEndsWithoutMessage());
        sip(PROXY, ALICE, req("BYE", "timeout@h", 2, "sip:alice@" + ALICE, B, "b", A, "a", null));
        assertEquals(4, iri().size(), "a late BYE of the expired call: an IRI-Report, no second end");
        assertEquals(IriType.IRI_REPORT, SipCallTest.type(iri().get(3)));
    }

    @Test
    void warrantWindowEndEndsTheCallWithIriEnd() throws Exception {
        intercepts(20);
        answeredCall("window@h");
        later(10);
        assertEquals(2, iri().size());
        later(15);
        assertEquals(List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_END), assertEndsWithoutMessage());
        sip(PROXY, ALICE, req("BYE", "window@h", 2, "sip:alice@" + ALICE, B, "b", A, "a", null));
        sip(ALICE, PROXY, resp(200, "BYE", "window@h", 2, B, "b", A, "a", null));
        later(1);
        assertEquals(3, iri().size(), "nothing after the window");
    }

    @Test
    void interceptRemovalEndsTheCallWithIriEnd() throws Exception {
        intercepts(86_400);
        answeredCall("removed@h");
        intercepts(0); // the Intercept is deleted
        assertEquals(0, rtp(), "no content after the removal");
        assertEquals(List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_END), assertEndsWithoutMessage());
        sip(PROXY, ALICE, req("BYE", "removed@h", 2, "sip:alice@" + ALICE, B, "b", A, "a", null));
        assertEquals(3, iri().size());
    }

    @Test
    void collectorShutdownEndsTheCallWithIriEnd() throws Exception {
        intercepts(86_400);
        answeredCall("shutdown@h");
        manager.endAll();
        assertEquals(List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_END), assertEndsWithoutMessage());
    }

    @Test
    void aByeNeverAnsweredEndsAfterTheLingerTime() throws Exception {
        intercepts(86_400);
        answeredCall("lost-200@h");
        sip(PROXY, ALICE, req("BYE", "lost-200@h", 2, "sip:alice@" + ALICE, B, "b", A, "a", null));
        assertEquals(0, rtp(), "BYE stops the media at once");
        later(40);
        assertEquals(
                List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_CONTINUE, IriType.IRI_END),
                assertEndsWithoutMessage());
    }

    @Test
    void aCallEndedByItsByeGetsNoSecondEnd() throws Exception {
        intercepts(86_400);
        answeredCall("normal@h");
        sip(PROXY, ALICE, req("BYE", "normal@h", 2, "sip:alice@" + ALICE, B, "b", A, "a", null));
        sip(ALICE, PROXY, resp(200, "BYE", "normal@h", 2, B, "b", A, "a", null));
        later(40);
        manager.endAll();
        List<PsPdu> iri = iri();
        assertEquals(
                List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_CONTINUE, IriType.IRI_END),
                iri.stream().map(SipCallTest::type).toList());
        assertInstanceOf(
                IriContents.IpmmIri.class,
                ((Payload.Iri) iri.get(3).payload()).payloads().get(0).contents(),
                "the 200 to BYE carries the end");
    }
}
