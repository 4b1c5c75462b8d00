package io.kubeli.capture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live capture on a veth pair with pcap: and afpacket: — exact frames, filters, stats, prompt stop. */
class LiveCaptureIT {
    private static final int N = 2000;
    private static final int PPS = 10_000;
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

    private static Map<String, Integer> multiset(List<byte[]> frames) {
        Map<String, Integer> m = new TreeMap<>();
        for (byte[] f : frames) {
            m.merge(HexFormat.of().formatHex(f), 1, Integer::sum);
        }
        return m;
    }

    private static Collected capture(String uri, CaptureOptions opts, int expected) throws Exception {
        Collected c = new Collected();
        try (CaptureSource s = CaptureSources.open(uri, opts)) {
            s.start(c);
            Thread.sleep(200);
            veth.replay(pcap, PPS);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (ours(c).size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(300); // anything extra would show up now
            long t0 = System.nanoTime();
            s.stop();
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "stop() took too long");
            CaptureStats st = s.stats();
            assertEquals(c.packets.size(), st.packets(), "stats.packets vs delivered");
            assertEquals(c.packets.stream().mapToLong(Collected.Pkt::wireLength).sum(), st.bytes());
            assertEquals(0, st.socketDrops(), "socket drops at " + PPS + " pps");
            assertEquals(0, st.errors());
            assertTrue(s.failure().isEmpty(), () -> "failure: " + s.failure());
            assertEquals(s.threads(), c.ended.get(), "onEnd once per thread");
        }
        return c;
    }

    private static void assertExactly(List<byte[]> expected, Collected c) {
        List<Collected.Pkt> got = ours(c);
        List<byte[]> data = new ArrayList<>();
        for (Collected.Pkt p : got) {
            data.add(p.data());
            assertEquals(p.data().length, p.wireLength());
            assertEquals(LinkTypes.ETHERNET, p.linkType());
            assertTrue(Math.abs(p.tsNanos() - System.currentTimeMillis() * 1_000_000L) < 600_000_000_000L,
                    "capture timestamp is epoch ns");
        }
        assertEquals(expected.size(), got.size(), "frame count");
        assertEquals(multiset(expected), multiset(data), "frames differ in content");
    }

    @Test
    void pcapCapturesExactlyTheSentFrames() throws Exception {
        Collected c = capture("pcap:" + veth.captureIf + "?buffer=8m", CaptureOptions.defaults(), N);
        assertExactly(sent, c);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"hash", "ip"})
    void afpacketTwoThreadsFanoutCapturesExactlyWithFlowAffinity(String fanout) throws Exception {
        Collected c = capture("afpacket:" + veth.captureIf + "?threads=2&fanout=" + fanout + "&blocks=8&timeoutMs=5",
                CaptureOptions.defaults(), N);
        assertExactly(sent, c);
        Map<String, Set<Integer>> threadsByFlow = new HashMap<>();
        Set<Integer> used = new HashSet<>();
        for (Collected.Pkt p : ours(c)) {
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
        for (String uri : List.of("afpacket:" + veth.captureIf + "?threads=2&blocks=4",
                "pcap:" + veth.captureIf)) {
            Collected c = capture(uri, CaptureOptions.defaults().withFilter(filter), expected.size());
            for (Collected.Pkt p : c.packets) {
                assertTrue(matches.test(p.data()), uri + " delivered a frame outside filter '" + filter + "'");
            }
            assertExactly(expected, c);
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
        Path file = CaptureFiles.write(dir, "frags.pcap", CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs));
        Collected c = new Collected();
        try (CaptureSource s = CaptureSources.open("afpacket:" + veth.captureIf + "?threads=2&fanout=" + fanout
                + "&blocks=4", null)) {
            s.start(c);
            Thread.sleep(200);
            veth.replay(file, PPS);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ours(c).size() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(300);
            s.stop();
        }
        Map<Integer, Set<Integer>> threadsById = new HashMap<>();
        int frames = 0;
        for (Collected.Pkt p : ours(c)) {
            byte[] f = p.data();
            int id = (f[18] & 0xff) << 8 | (f[19] & 0xff);
            threadsById.computeIfAbsent(id, k -> new HashSet<>()).add(p.thread());
            frames++;
        }
        assertEquals(40, threadsById.size(), "every datagram seen");
        threadsById.values().forEach(t -> assertEquals(1, t.size(), "fragments of one datagram split across threads"));
        if (fanout.equals("ip")) {
            assertExactly(frags, c); // the address-pair program keeps the fragments as they were on the wire
        } else {
            // FLAG_DEFRAG: the kernel reassembles for the fan-out decision and delivers the whole datagram
            assertEquals(40, frames, "hash+DEFRAG delivers one reassembled frame per datagram");
        }
    }

    @Test
    void snaplenTruncatesAndIsCounted() throws Exception {
        for (String uri : List.of("afpacket:" + veth.captureIf + "?blocks=4&snaplen=64", "pcap:" + veth.captureIf)) {
            Collected c = new Collected();
            try (CaptureSource s = CaptureSources.open(uri, CaptureOptions.defaults().withSnaplen(64))) {
                s.start(c);
                Thread.sleep(200);
                veth.replay(pcap, PPS);
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (ours(c).size() < N && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                s.stop();
                Map<String, Integer> want = new TreeMap<>();
                long longer = 0;
                for (byte[] f : sent) {
                    want.merge(HexFormat.of().formatHex(f, 0, Math.min(64, f.length)) + "/" + f.length, 1, Integer::sum);
                    longer += f.length > 64 ? 1 : 0;
                }
                Map<String, Integer> got = new TreeMap<>();
                for (Collected.Pkt p : ours(c)) {
                    got.merge(HexFormat.of().formatHex(p.data()) + "/" + p.wireLength(), 1, Integer::sum);
                }
                Map<String, Integer> missing = new TreeMap<>(want);
                got.forEach((k, n) -> missing.merge(k, -n, Integer::sum));
                missing.values().removeIf(n -> n == 0);
                assertTrue(missing.isEmpty(), () -> uri + ": " + missing.size()
                        + " frames differ in their first 64 bytes or wire length, e.g. " + missing.keySet().iterator().next());
                assertTrue(s.stats().truncated() >= longer, uri + ": truncated count");
            }
        }
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
        CaptureException e = org.junit.jupiter.api.Assertions.assertThrows(CaptureException.class,
                () -> CaptureSources.open("afpacket:kcapnope0", null));
        assertTrue(e.getMessage().contains("no such interface"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(CaptureUriException.class,
                () -> CaptureSources.open("afpacket:" + veth.captureIf, CaptureOptions.defaults().withFilter("udp prot 5")));
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
        return HexFormat.of().formatHex(addrs) + "/" + HexFormat.of().formatHex(Arrays.copyOfRange(f, l4, l4 + 4))
                + "/" + (v6 ? f[o + 6] : f[o + 9]);
    }
}
