package io.kubeli.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live capture on a veth pair with pcap: and afpacket: — exact frames, filters, stats, prompt stop. */
class LiveCaptureIT {
    private static final int N = 2000;
    private static final int PPS = 10_000;
    /**
     * Rings that hold the whole 2000-frame replay even when the capture thread gets no CPU at all while it runs
     * (a loaded machine): 16 one-MiB blocks per thread, each retired after 50 ms (~500 frames at 10 kpps).
     */
    private static final String AF_RING = "afpacket:%s?blocks=16&timeoutMs=50";
    /** libpcap: a 32 MiB buffer (its blocks retire after the 100 ms read timeout). */
    private static final String PCAP_RING = "pcap:%s?buffer=32m";

    private static VethPair veth;
    private static List<byte[]> sent;
    private static Path pcap;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        String[] why = new String[1];
        veth = VethPair.tryCreate(why);
        Assumptions.assumeTrue(veth != null, () -> "skipped: " + why[0]);
        sent = Frames.mix(N, 42);
        List<CaptureFiles.Rec> recs = new ArrayList<>();
        for (byte[] f : sent) {
            recs.add(new CaptureFiles.Rec(1_700_000_000_000_000_000L, f));
        }
        pcap = CaptureFiles.write(dir, "mix.pcap", CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs));
    }

    @AfterAll
    static void tearDown() {
        if (veth != null) {
            veth.close();
        }
    }

    /** Our frames only (the test's source MAC); the kernel's own frames are ignored. */
    private static List<Collected.Pkt> ours(Collected c) {
        List<Collected.Pkt> out = new ArrayList<>();
        for (Collected.Pkt p : c.packets) {
            if (p.data().length >= 12 && Arrays.equals(p.data(), 6, 12, Frames.SRC_MAC, 0, 6)) {
                out.add(p);
            }
        }
        return out;
    }

    /** One run: the delivered frames, the stats at stop, the rate used and the sent frames found missing. */
    private record Run(Collected c, CaptureStats st, int pps, int missing) {
        boolean exact() {
            return st.drops() == 0;
        }
    }

    private static byte[] data(Collected.Pkt p) {
        return p.data();
    }

    /**
     * Replays {@code file} into {@code uri}; waits until every expected frame arrived or was counted as dropped;
     * asserts the accounting (nothing unsent, missing &lt;= counted drops, exact when no drop was counted). When
     * drops were counted (a loaded machine) it runs once more at a fifth of the rate and returns that run.
     */
    private static Run capture(
            String uri, CaptureOptions opts, Path file, List<byte[]> expected, Function<Collected.Pkt, byte[]> key)
            throws Exception {
        Run r = captureAt(uri, opts, file, expected, key, PPS);
        if (!r.exact()) {
            LossAccounting.note(uri, r.missing(), r.st().drops(), PPS);
            r = captureAt(uri, opts, file, expected, key, PPS / 5);
        }
        return r;
    }

    private static Run capture(String uri, CaptureOptions opts, List<byte[]> expected) throws Exception {
        return capture(uri, opts, pcap, expected, LiveCaptureIT::data);
    }

    private static Run captureAt(
            String uri,
            CaptureOptions opts,
            Path file,
            List<byte[]> expected,
            Function<Collected.Pkt, byte[]> key,
            int pps)
            throws Exception {
        return captureAt(uri, opts, file, expected, key, pps, 0);
    }

    /** As above; {@code stallMs > 0}: each thread's consumer stalls that long on its first batch (a fault). */
    private static Run captureAt(
            String uri,
            CaptureOptions opts,
            Path file,
            List<byte[]> expected,
            Function<Collected.Pkt, byte[]> key,
            int pps,
            long stallMs)
            throws Exception {
        Collected c = new Collected();
        CaptureStats st;
        try (CaptureSource s = CaptureSources.open(uri, opts)) {
            s.start(stallMs == 0 ? c : i -> Stalling.consumer(c.create(i), stallMs));
            Thread.sleep(200);
            veth.replay(file, pps);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (ours(c).size() + s.stats().drops() < expected.size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(300); // anything extra would show up now
            long t0 = System.nanoTime();
            s.stop();
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "stop() took too long");
            st = s.stats();
            assertEquals(c.packets.size(), st.packets(), "stats.packets vs delivered");
            assertEquals(c.packets.stream().mapToLong(Collected.Pkt::wireLength).sum(), st.bytes());
            assertEquals(0, st.errors());
            assertTrue(s.failure().isEmpty(), () -> "failure: " + s.failure());
            assertEquals(s.threads(), c.ended.get(), "onEnd once per thread");
        }
        List<byte[]> got = new ArrayList<>();
        for (Collected.Pkt p : ours(c)) {
            got.add(key.apply(p));
        }
        int missing = LossAccounting.assertAccounted(uri + " at " + pps + " pps", expected, got, st.drops());
        return new Run(c, st, pps, missing);
    }

    /** Per-frame properties of what was delivered; the exact set was checked by the accounting. */
    private static void assertFrames(Run r) {
        for (Collected.Pkt p : ours(r.c())) {
            assertEquals(p.data().length, p.wireLength());
            assertEquals(LinkTypes.ETHERNET, p.linkType());
            assertTrue(
                    Math.abs(p.tsNanos() - System.currentTimeMillis() * 1_000_000L) < 600_000_000_000L,
                    "capture timestamp is epoch ns");
        }
        if (!r.exact()) {
            System.err.println("LiveCaptureIT: exactness not checkable, " + r.st().drops() + " drops counted twice");
        }
    }

    @Test
    void aStalledConsumerOverflowsASmallRingAndEveryLostFrameIsCounted() throws Exception {
        // the fault the busy-machine rule is about, made certain: tiny rings, a consumer that stops for 1.5 s
        for (String uri : List.of(
                "afpacket:" + veth.captureIf + "?blocks=2&blockSize=65536&timeoutMs=5",
                "pcap:" + veth.captureIf + "?buffer=256k&timeoutMs=5")) {
            Run r = captureAt(uri, CaptureOptions.defaults(), pcap, sent, LiveCaptureIT::data, PPS, 1500);
            assertTrue(r.st().socketDrops() > 0, uri + ": a stalled consumer on a small ring must drop");
            assertTrue(
                    r.missing() > 0 && r.missing() <= r.st().drops(),
                    uri + ": " + r.missing() + " missing, " + r.st().drops() + " counted");
        }
    }

    @Test
    void pcapCapturesExactlyTheSentFrames() throws Exception {
        assertFrames(capture(PCAP_RING.formatted(veth.captureIf), CaptureOptions.defaults(), sent));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"hash", "ip"})
    void afpacketTwoThreadsFanoutCapturesExactlyWithFlowAffinity(String fanout) throws Exception {
        Run r = capture(
                AF_RING.formatted(veth.captureIf) + "&threads=2&fanout=" + fanout, CaptureOptions.defaults(), sent);
        assertFrames(r);
        Map<String, Set<Integer>> threadsByFlow = new HashMap<>();
        Set<Integer> used = new HashSet<>();
        for (Collected.Pkt p : ours(r.c())) {
            threadsByFlow.computeIfAbsent(flow(p.data()), k -> new HashSet<>()).add(p.thread());
            used.add(p.thread());
        }
        for (Map.Entry<String, Set<Integer>> e : threadsByFlow.entrySet()) {
            assertEquals(1, e.getValue().size(), "a flow was split across threads");
        }
        assertEquals(Set.of(0, 1), used, "hash fanout used both threads");
    }

    @Test
    void filtersDeliverOnlyMatchingFrames() throws Exception {
        checkFilter("udp port 53", LiveCaptureIT::isUdp53);
    }

    @Test
    void vlanFilterMatchesTagsTheKernelMovedToMetadata() throws Exception {
        checkFilter("vlan", f -> (f[12] & 0xff) == 0x81 && f[13] == 0);
    }

    private static void checkFilter(String filter, java.util.function.Predicate<byte[]> matches) throws Exception {
        List<byte[]> expected = new ArrayList<>();
        for (byte[] f : sent) {
            if (matches.test(f)) {
                expected.add(f);
            }
        }
        assertTrue(!expected.isEmpty() && expected.size() < sent.size());
        for (String uri :
                List.of(AF_RING.formatted(veth.captureIf) + "&threads=2", PCAP_RING.formatted(veth.captureIf))) {
            Run r = capture(uri, CaptureOptions.defaults().withFilter(filter), expected);
            for (Collected.Pkt p : r.c().packets) {
                assertTrue(matches.test(p.data()), uri + " delivered a frame outside filter '" + filter + "'");
            }
            assertFrames(r);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ip", "hash"})
    void afpacketFanoutKeepsAllFragmentsOfADatagramOnOneThread(String fanout) throws Exception {
        List<byte[]> frags = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            frags.addAll(Frames.fragments(10 + d % 7, 100 + d % 5, 2000 + d, 53, 1200, 7000 + d, 3));
        }
        List<CaptureFiles.Rec> recs = new ArrayList<>();
        for (byte[] f : frags) {
            recs.add(new CaptureFiles.Rec(0, f));
        }
        Path file =
                CaptureFiles.write(dir, "frags.pcap", CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs));
        String uri = AF_RING.formatted(veth.captureIf) + "&threads=2&fanout=" + fanout;
        Run r;
        if (fanout.equals("ip")) {
            // the address-pair program keeps the fragments as they were on the wire
            r = capture(uri, null, file, frags, LiveCaptureIT::data);
        } else {
            // FLAG_DEFRAG: the kernel reassembles for the fan-out decision and delivers the whole datagram, so
            // the frames delivered are the 40 datagrams (keyed by IP id here)
            List<byte[]> ids = new ArrayList<>();
            for (int d = 0; d < 40; d++) {
                ids.add(new byte[] {(byte) ((7000 + d) >> 8), (byte) (7000 + d)});
            }
            r = capture(uri, null, file, ids, p -> Arrays.copyOfRange(p.data(), 18, 20));
        }
        Map<Integer, Set<Integer>> threadsById = new HashMap<>();
        for (Collected.Pkt p : ours(r.c())) {
            byte[] f = p.data();
            int id = (f[18] & 0xff) << 8 | (f[19] & 0xff);
            threadsById.computeIfAbsent(id, k -> new HashSet<>()).add(p.thread());
        }
        if (r.exact()) {
            assertEquals(40, threadsById.size(), "every datagram seen");
        }
        threadsById.values().forEach(t -> assertEquals(1, t.size(), "fragments of one datagram split across threads"));
    }

    @Test
    void snaplenTruncatesAndIsCounted() throws Exception {
        List<byte[]> want = new ArrayList<>();
        long longer = 0;
        for (byte[] f : sent) {
            want.add(withWire(Arrays.copyOf(f, Math.min(64, f.length)), f.length));
            longer += f.length > 64 ? 1 : 0;
        }
        for (String uri :
                List.of(AF_RING.formatted(veth.captureIf) + "&snaplen=64", PCAP_RING.formatted(veth.captureIf))) {
            // frames that differ in their first 64 bytes or wire length show up as unsent ones
            Run r = capture(
                    uri,
                    CaptureOptions.defaults().withSnaplen(64),
                    pcap,
                    want,
                    p -> withWire(p.data(), p.wireLength()));
            long delivered = ours(r.c()).size();
            assertTrue(r.st().truncated() >= longer - r.missing(), uri + ": truncated count");
            assertTrue(delivered > 0, uri + ": nothing delivered");
        }
    }

    private static byte[] withWire(byte[] head, int wire) {
        byte[] k = Arrays.copyOf(head, head.length + 4);
        java.nio.ByteBuffer.wrap(k, head.length, 4).putInt(wire);
        return k;
    }

    @Test
    void stopIsPromptOnAnIdleLink() {
        for (String uri : List.of("afpacket:" + veth.captureIf + "?blocks=2", "pcap:" + veth.captureIf)) {
            try (CaptureSource s = CaptureSources.open(uri, null)) {
                Collected c = new Collected();
                s.start(c);
                long t0 = System.nanoTime();
                s.stop();
                assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), uri + ": stop() took too long");
                assertEquals(1, c.ended.get());
            }
        }
    }

    @Test
    void badInterfaceAndFilterGiveClearErrors() {
        CaptureException e = org.junit.jupiter.api.Assertions.assertThrows(
                CaptureException.class, () -> CaptureSources.open("afpacket:kcapnope0", null));
        assertTrue(e.getMessage().contains("no such interface"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(
                CaptureUriException.class,
                () -> CaptureSources.open(
                        "afpacket:" + veth.captureIf, CaptureOptions.defaults().withFilter("udp prot 5")));
        assertTrue(e.getMessage().contains("bad BPF filter"), e.getMessage());
    }

    private static int l3(byte[] f) {
        return (f[12] & 0xff) == 0x81 ? 18 : 14;
    }

    private static boolean isUdp53(byte[] f) {
        int o = l3(f);
        boolean v6 = (f[o] & 0xf0) == 0x60;
        int proto = v6 ? f[o + 6] : f[o + 9];
        int l4 = o + (v6 ? 40 : 20);
        int sp = (f[l4] & 0xff) << 8 | (f[l4 + 1] & 0xff);
        int dp = (f[l4 + 2] & 0xff) << 8 | (f[l4 + 3] & 0xff);
        return proto == 17 && (sp == 53 || dp == 53);
    }

    private static String flow(byte[] f) {
        int o = l3(f);
        boolean v6 = (f[o] & 0xf0) == 0x60;
        int l4 = o + (v6 ? 40 : 20);
        byte[] addrs = v6 ? Arrays.copyOfRange(f, o + 8, o + 40) : Arrays.copyOfRange(f, o + 12, o + 20);
        return HexFormat.of().formatHex(addrs) + "/" + HexFormat.of().formatHex(Arrays.copyOfRange(f, l4, l4 + 4)) + "/"
                + (v6 ? f[o + 6] : f[o + 9]);
    }
}
