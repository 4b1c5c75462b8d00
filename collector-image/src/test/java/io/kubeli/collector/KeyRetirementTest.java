package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static io.kubeli.collector.SipCallTest.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded key state: every SIP call and RADIUS session has its own key (CIN), and a key leaves the manager once its
 * call or session ended and its encoder has nothing of it pending, numbers and record counts preserved.
 */
class KeyRetirementTest {
    static final Instant NOW = Instant.now();

    @TempDir
    Path tmp;

    /** Counts records (10^5 calls would not fit a collecting sink); remembers the last IRI number per key. */
    static final class CountingSink implements PduSink {
        final AtomicLong cc = new AtomicLong();
        final AtomicLong iri = new AtomicLong();
        volatile long lastIriSeq = -1;

        @Override
        public void write(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len) {
            (stream == Stream.CC ? cc : iri).incrementAndGet();
            if (stream == Stream.IRI) {
                lastIriSeq = seq;
            }
        }

        @Override
        public void flush() {}

        @Override
        public SinkStats stats() {
            return new SinkStats(cc.get() + iri.get(), 0, 0, 0, 0);
        }

        @Override
        public void close() {}
    }

    private final MutableClock clock = new MutableClock(NOW);
    private final CountingSink sink = new CountingSink();
    private final CollectorPipeline pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
    private final InterceptManager manager =
            new InterceptManager(pipeline, "NE", clock, InterceptManager.Rules.defaults());
    private long ts = NOW.getEpochSecond() * 1_000_000_000L;

    private CaptureWorker sipSetup(String target) throws Exception {
        boolean[] ports = RadiusTap.ports(List.of(5060));
        SipIntercepts calls = manager.enableSip(new SipIntercepts.Limits(100_000, 60_000_000_000L), ports);
        pipeline.setSip(new SipTap(ports, calls, manager));
        CaptureWorker w = pipeline.newWorker();
        Path dir = Files.createDirectories(tmp.resolve("i"));
        Files.writeString(
                dir.resolve("a.yaml"),
                WarrantIsolationTest.agency("lea1")
                        + PcapEndToEndTest.interceptYaml(
                                        "s0",
                                        "LS0",
                                        NOW.minusSeconds(60).toString(),
                                        NOW.plusSeconds(86_400).toString(),
                                        "both",
                                        "  - {sipUri: \"" + target + "\"}")
                                .replace("metadata: {name: s0}", "metadata: {name: s0, namespace: li}"));
        manager.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
        return w;
    }

    private int sip(CaptureWorker w, String src, String dst, String msg) {
        byte[] f = ether(0x0800, ipv4(src, dst, 17, udp(5060, 5060, msg.getBytes(StandardCharsets.ISO_8859_1))));
        ts += 1_000;
        return w.process(pipeline.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, ts);
    }

    private int rtp(CaptureWorker w, String src, int sport, String dst, int dport) {
        byte[] f = ether(0x0800, ipv4(src, dst, 17, udp(sport, dport, new byte[] {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0})));
        ts += 1_000;
        return w.process(pipeline.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, ts);
    }

    private void call(CaptureWorker w, String c) {
        sip(w, ALICE, PROXY, req("INVITE", c, 1, B, A, "a", B, null, null));
        sip(w, PROXY, ALICE, resp(200, "INVITE", c, 1, A, "a", B, "b", null));
        sip(w, PROXY, ALICE, req("BYE", c, 2, "sip:alice@" + ALICE, B, "b", A, "a", null));
        sip(w, ALICE, PROXY, resp(200, "BYE", c, 2, B, "b", A, "a", null));
    }

    /** Advances the clock by {@code seconds} and ticks (the ticker runs every second in a collector). */
    private void later(int seconds) {
        clock.now = clock.now.plusSeconds(seconds);
        ts += seconds * 1_000_000_000L;
        manager.tick();
    }

    @Test
    void hundredThousandEndedCallsLeaveKeysAndMetricsBounded() throws Exception {
        CaptureWorker w = sipSetup("sip:alice@example.org");
        pipeline.start();
        CollectorMetrics metrics = new CollectorMetrics(pipeline, () -> io.kubeli.capture.CaptureStats.ZERO, manager);
        int n = 100_000;
        int maxKeys = 0;
        for (int i = 0; i < n; i++) {
            call(w, "bounded-" + i + "@h");
            if (i % 1000 == 999) {
                later(1);
                maxKeys = Math.max(maxKeys, manager.keys().size());
                if (i % 10_000 == 9999) {
                    later(33); // the linger of ended calls (retransmissions) passes
                }
            }
        }
        for (int i = 0; i < 5; i++) {
            later(40);
            Thread.sleep(20);
        }
        assertEquals(4L * n, sink.iri.get(), "IRI-Begin, two IRI-Continue and IRI-End of every call");
        assertTrue(maxKeys <= 12_000, "keys stay bounded by the calls of the linger time: " + maxKeys);
        for (int i = 0; i < 200 && !manager.keys().isEmpty(); i++) {
            Thread.sleep(10);
            later(1);
        }
        assertEquals(0, manager.keys().size(), "every ended call's key retired");
        assertEquals(4.0 * n, manager.records("li/s0", Stream.IRI), "counts survive retirement");
        String scrape = metrics.scrape();
        assertTrue(
                scrape.contains("stream=\"iri\"} 400000.0"),
                scrape.lines().filter(l -> l.contains("records")).toList().toString());
        long seriesLines = scrape.lines().filter(l -> !l.startsWith("#")).count();
        assertTrue(seriesLines < 200, "metric series are per intercept, not per call: " + seriesLines);
        // a Call-ID that comes back after its key retired continues its numbers (no duplicate sequence number)
        // (a recent one: the 65,536 remembered retired keys; calls whose Call-IDs collide take other CINs, so 10^5
        // calls use more than 65,536 CINs and the oldest are forgotten)
        call(w, "bounded-99999@h");
        later(1);
        assertTrue(
                sink.lastIriSeq >= 7 && sink.lastIriSeq % 4 == 3,
                "numbers continue after those of the earlier" + " call(s) with this CIN: " + sink.lastIriSeq);
        w.onEnd();
        pipeline.drain();
        metrics.close();
    }

    @Test
    void hundredThousandStoppedRadiusSessionsLeaveKeysBounded() throws Exception {
        io.kubeli.collector.radius.RadiusTracker tracker = new io.kubeli.collector.radius.RadiusTracker(
                new io.kubeli.collector.radius.RadiusTracker.Limits(1000, 60_000_000_000L));
        manager.enableRadius(tracker, "user", null);
        pipeline.setRadius(new RadiusTap(RadiusTap.ports(List.of(1812, 1813)), tracker, manager));
        CaptureWorker w = pipeline.newWorker();
        Path dir = Files.createDirectories(tmp.resolve("r"));
        Files.writeString(
                dir.resolve("a.yaml"),
                WarrantIsolationTest.agency("lea1")
                        + PcapEndToEndTest.interceptYaml(
                                        "r0",
                                        "LR0",
                                        NOW.minusSeconds(60).toString(),
                                        NOW.plusSeconds(86_400).toString(),
                                        "both",
                                        "  - {radiusUser: alice}")
                                .replace("metadata: {name: r0}", "metadata: {name: r0, namespace: li}"));
        manager.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
        pipeline.start();
        int n = 100_000;
        int maxKeys = 0;
        for (int i = 0; i < n; i++) {
            acct(
                    w,
                    io.kubeli.collector.radius.Rad.acct(2 * i, 1, "alice", "S-" + i, "198.18.0.1")
                            .ip(8, "198.18.7.7")
                            .bytes());
            acct(
                    w,
                    io.kubeli.collector.radius.Rad.acct(2 * i + 1, 2, "alice", "S-" + i, "198.18.0.1")
                            .ip(8, "198.18.7.7")
                            .integer(49, 1)
                            .bytes());
            if (i % 1000 == 999) {
                later(1);
                maxKeys = Math.max(maxKeys, manager.keys().size());
            }
        }
        assertEquals(2L * n, sink.iri.get(), "IRI-Begin and IRI-End of every session");
        assertTrue(maxKeys <= 3000, "keys of stopped sessions retire: " + maxKeys);
        for (int i = 0; i < 200 && !manager.keys().isEmpty(); i++) {
            Thread.sleep(10);
            later(1);
        }
        assertEquals(0, manager.keys().size());
        assertEquals(2.0 * n, manager.records("li/r0", Stream.IRI));
        w.onEnd();
        pipeline.drain();
    }

    private void acct(CaptureWorker w, byte[] radius) {
        byte[] f = ether(0x0800, ipv4("198.18.0.1", "198.18.0.2", 17, udp(40000, 1813, radius)));
        ts += 1_000;
        w.process(pipeline.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, ts);
    }

    @Test
    void aKeyWithCcStillInItsEncodersRingIsNotRetired() throws Exception {
        CaptureWorker w = sipSetup("sip:alice@example.org");
        String c = "pending@h";
        sip(w, ALICE, PROXY, req("INVITE", c, 1, B, A, "a", B, null, sdp(ALICE, 40000)));
        sip(w, PROXY, ALICE, resp(200, "INVITE", c, 1, A, "a", B, "b", sdp(BOB, 50000)));
        assertEquals(1, rtp(w, ALICE, 40000, BOB, 50000));
        assertEquals(1, rtp(w, BOB, 50000, ALICE, 40000));
        sip(w, PROXY, ALICE, req("BYE", c, 2, "sip:alice@" + ALICE, B, "b", A, "a", null));
        sip(w, ALICE, PROXY, resp(200, "BYE", c, 2, B, "b", A, "a", null));
        for (int i = 0; i < 10; i++) {
            later(40);
        }
        assertEquals(1, manager.keys().size(), "the encoders have not started: two CC records are pending");
        assertEquals(0, sink.cc.get());
        KeyState k = manager.keys().iterator().next();
        pipeline.start();
        for (int i = 0; i < 500 && !manager.keys().isEmpty(); i++) {
            Thread.sleep(10);
            later(1);
        }
        assertEquals(2, sink.cc.get(), "the pending records were encoded under the key");
        assertEquals(2, k.nextCcSeq());
        assertTrue(manager.keys().isEmpty(), "then the key retired");
        assertEquals(2.0, manager.records(null, Stream.CC));
        w.onEnd();
        pipeline.drain();
    }

    @Test
    void keysOfLiveCallsAndStaticTargetsAreNeverRetired() throws Exception {
        CaptureWorker w = sipSetup("sip:alice@example.org");
        pipeline.start();
        sip(w, ALICE, PROXY, req("INVITE", "live@h", 1, B, A, "a", B, null, sdp(ALICE, 40000)));
        for (int i = 0; i < 20; i++) {
            later(1);
            rtp(w, ALICE, 40000, BOB, 50000); // media keeps it from the media timeout
        }
        assertEquals(1, manager.keys().size(), "a call that is up keeps its key");
        w.onEnd();
        pipeline.drain();
    }

    @Test
    void theMemoryOfRetiredNumbersIsBoundedAndContinuesAReturningKey() {
        SequenceStore store = SequenceStore.none();
        for (int i = 0; i < SequenceStore.REMEMBERED + 5000; i++) {
            KeyState k = new KeyState("li/x", "lea1", "L", i, 0);
            k.nextCcSeq = 10;
            k.nextIriSeq = 3;
            store.retire(k);
        }
        assertEquals(SequenceStore.REMEMBERED, store.remembered(), "least recently retired forgotten first");
        KeyState back = new KeyState("li/x", "lea1", "L", SequenceStore.REMEMBERED + 4999, 0);
        store.init(back);
        assertEquals(10, back.nextCcSeq());
        assertEquals(3, back.nextIriSeq);
        KeyState other = new KeyState("li/y", "lea1", "L", SequenceStore.REMEMBERED + 4999, 0);
        store.init(other);
        assertEquals(0, other.nextCcSeq(), "another Intercept's key with the same LIID and CIN shares nothing");
    }
}
