package io.kubeli.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.capture.CaptureFiles.Iface;
import io.kubeli.capture.CaptureFiles.Rec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pcapfile: classic pcap (both magics, both byte orders, link types) and pcapng, and bad files. */
class PcapFileSourceTest {
    private static final long T0 = 1_764_000_000_123_456_789L;

    @TempDir
    Path dir;

    private static List<Rec> recs(int n, boolean raw) {
        List<Rec> out = new ArrayList<>();
        List<byte[]> frames = Frames.mix(n, 7);
        for (int i = 0; i < n; i++) {
            byte[] f = frames.get(i);
            if (raw) {
                int off = (f[12] & 0xff) == 0x81 ? 18 : 14;
                f = Arrays.copyOfRange(f, off, f.length);
            }
            out.add(new Rec(T0 + i * 1_000_000_007L, f));
        }
        return out;
    }

    private Collected read(Path file, String query) throws Exception {
        Collected c = new Collected();
        try (CaptureSource s = CaptureSources.open("pcapfile:" + file + query, CaptureOptions.defaults())) {
            assertTrue(s.isFinite());
            assertEquals(1, s.threads());
            s.start(c);
            assertTrue(s.awaitEnd(Duration.ofSeconds(30)), "file read did not end");
            CaptureStats st = s.stats();
            assertEquals(c.packets.size(), st.packets());
            assertEquals(c.packets.stream().mapToLong(Collected.Pkt::wireLength).sum(), st.bytes());
            assertEquals(0, st.errors());
        }
        assertEquals(1, c.ended.get());
        return c;
    }

    private static void assertSame(List<Rec> expected, Collected c, long tsUnitNanos, int linkType) {
        List<Collected.Pkt> got = new ArrayList<>(c.packets);
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            Rec e = expected.get(i);
            Collected.Pkt g = got.get(i);
            assertArrayEquals(e.data(), g.data(), "packet " + i);
            assertEquals(e.wireLength(), g.wireLength());
            assertEquals(e.tsNanos() / tsUnitNanos * tsUnitNanos, g.tsNanos(), "timestamp of packet " + i);
            assertEquals(linkType, g.linkType());
        }
    }

    @ParameterizedTest
    @CsvSource({
        "LITTLE_ENDIAN,false,1", "BIG_ENDIAN,false,1", "LITTLE_ENDIAN,true,1", "BIG_ENDIAN,true,1",
        "LITTLE_ENDIAN,false,101", "BIG_ENDIAN,true,101", "LITTLE_ENDIAN,true,113", "BIG_ENDIAN,false,12"
    })
    void classicPcapAllMagicsOrdersAndLinkTypes(String order, boolean nanos, int linkType) throws Exception {
        boolean raw = LinkTypes.isRawIp(linkType);
        List<Rec> recs = recs(300, raw);
        ByteOrder bo = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Path f = CaptureFiles.write(dir, "a.pcap", CaptureFiles.classic(bo, nanos, linkType, recs));
        assertSame(recs, read(f, "?batch=7"), nanos ? 1 : 1000, linkType);
    }

    @Test
    void truncatedSnaplenCountsTruncated() throws Exception {
        byte[] full = Frames.frame(false, false, -1, 1, 2, 3, 4, 100, 1);
        Rec r = new Rec(T0, full.length, Arrays.copyOf(full, 60), 0);
        Path f = CaptureFiles.write(dir, "t.pcap", CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, true, 1, List.of(r)));
        try (CaptureSource s = CaptureSources.open("pcapfile:" + f, null)) {
            Collected c = new Collected();
            s.start(c);
            assertTrue(s.awaitEnd(Duration.ofSeconds(10)));
            assertEquals(1, s.stats().truncated());
            assertEquals(full.length, c.packets.peek().wireLength());
            assertEquals(60, c.packets.peek().data().length);
        }
    }

    @Test
    void loopReplaysTheFile() throws Exception {
        List<Rec> recs = recs(50, false);
        Path f = CaptureFiles.write(dir, "l.pcap", CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs));
        assertEquals(150, read(f, "?loop=3").packets.size());
    }

    @ParameterizedTest
    @CsvSource({"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void pcapngMultipleInterfacesAndResolutions(String order) throws Exception {
        ByteOrder bo = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<Iface> ifaces = List.of(new Iface(1, -1), new Iface(101, 9), new Iface(113, 3), new Iface(1, 0x80 | 20));
        List<Rec> eth = recs(40, false);
        List<Rec> raw = recs(40, true);
        List<Rec> recs = new ArrayList<>();
        long[] units = {1000, 1, 1_000_000, 1};
        List<Long> unit = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int ifc = i % 4;
            Rec src = ifc == 1 ? raw.get(i) : eth.get(i);
            long ts = ifc == 3 ? (T0 / 1_000_000_000L) * 1_000_000_000L + 500_000_000L : src.tsNanos(); // 2^-20 exact
            recs.add(new Rec(ts, src.wireLength(), src.data(), ifc));
            unit.add(units[ifc]);
        }
        Path f = CaptureFiles.write(dir, "m.pcapng", CaptureFiles.pcapng(bo, ifaces, recs));
        List<Collected.Pkt> got = new ArrayList<>(read(f, "?batch=3").packets);
        assertEquals(40, got.size());
        for (int i = 0; i < 40; i++) {
            Rec e = recs.get(i);
            assertArrayEquals(e.data(), got.get(i).data());
            assertEquals(ifaces.get(e.iface()).linkType(), got.get(i).linkType());
            assertEquals(e.tsNanos() / unit.get(i) * unit.get(i), got.get(i).tsNanos(), "ts of " + i);
        }
    }

    @Test
    void pcapngSimplePacketBlocksAndSecondSection() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        CaptureFiles.section(b);
        int s = b.position();
        b.putInt(1).putInt(0).putShort((short) 1).putShort((short) 0).putInt(0);
        CaptureFiles.finish(b, s);
        byte[] p1 = Frames.frame(false, true, -1, 1, 2, 3, 4, 21, 1);
        CaptureFiles.simple(b, p1);
        CaptureFiles.section(b); // new section: interfaces reset
        s = b.position();
        b.putInt(1).putInt(0).putShort((short) 101).putShort((short) 0).putInt(0);
        CaptureFiles.finish(b, s);
        byte[] p2 = Frames.ip(true, false, 1, 2, 3, 4, 5, 2);
        CaptureFiles.simple(b, p2);
        Path f = CaptureFiles.write(dir, "s.pcapng", Arrays.copyOf(b.array(), b.position()));
        List<Collected.Pkt> got = new ArrayList<>(read(f, "").packets);
        assertEquals(2, got.size());
        assertArrayEquals(p1, got.get(0).data());
        assertEquals(1, got.get(0).linkType());
        assertArrayEquals(p2, got.get(1).data());
        assertEquals(101, got.get(1).linkType());
    }

    private CaptureException failure(byte[] content) throws Exception {
        Path f = CaptureFiles.write(dir, "bad.pcap", content);
        CaptureSource s;
        try {
            s = CaptureSources.open("pcapfile:" + f, null);
        } catch (CaptureException e) {
            return e;
        }
        try (s) {
            s.start(new Collected());
            return assertThrows(CaptureException.class, () -> s.awaitEnd(Duration.ofSeconds(10)));
        }
    }

    @Test
    void truncatedAndGarbageFilesGiveClearErrorsWithOffset() throws Exception {
        List<Rec> recs = recs(10, false);
        byte[] good = CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs);
        CaptureException e = failure(Arrays.copyOf(good, good.length - 5));
        assertTrue(
                e instanceof CaptureFormatException && e.getMessage().contains("truncated packet record"),
                e.getMessage());
        assertTrue(((CaptureFormatException) e).offset() > 24);

        e = failure(Arrays.copyOf(good, good.length - recs.get(9).data().length - 8));
        assertTrue(e.getMessage().contains("truncated record header"), e.getMessage());

        e = failure(Arrays.copyOf(good, 10));
        assertTrue(e.getMessage().contains("truncated pcap file header"), e.getMessage());

        e = failure("hello, this is not a capture file".getBytes());
        assertTrue(e.getMessage().contains("unknown capture file format"), e.getMessage());

        e = failure(new byte[0]);
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());

        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 0x7fff0000);
        e = failure(huge);
        assertTrue(
                e.getMessage().contains("implausible captured length")
                        && e.getMessage().contains("offset 24"),
                e.getMessage());

        byte[] ng = CaptureFiles.pcapng(ByteOrder.LITTLE_ENDIAN, List.of(new Iface(1, -1)), recs);
        e = failure(Arrays.copyOf(ng, ng.length - 3));
        assertTrue(e.getMessage().contains("truncated block"), e.getMessage());

        byte[] badLen = ng.clone();
        ByteBuffer.wrap(badLen).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 5);
        e = failure(badLen);
        assertTrue(
                e.getMessage().contains("bad block length 5") && e.getMessage().contains("offset 0"), e.getMessage());

        byte[] badIf = CaptureFiles.pcapng(
                ByteOrder.LITTLE_ENDIAN, List.of(new Iface(1, -1)), List.of(new Rec(T0, 60, new byte[60], 0)));
        ByteBuffer bb = ByteBuffer.wrap(badIf).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(badIf.length - 60 - 32 + 8, 3); // interface id of the EPB
        e = failure(badIf);
        assertTrue(e.getMessage().contains("undefined interface 3"), e.getMessage());
    }

    @Test
    void randomGarbageNeverHangs() throws Exception {
        java.util.Random r = new java.util.Random(1);
        byte[] good = CaptureFiles.classic(ByteOrder.BIG_ENDIAN, true, 1, recs(20, false));
        byte[] ng = CaptureFiles.pcapng(ByteOrder.LITTLE_ENDIAN, List.of(new Iface(1, 6)), recs(20, false));
        for (int round = 0; round < 200; round++) {
            byte[] base = (round & 1) == 0 ? good : ng;
            byte[] f = Arrays.copyOf(base, 1 + r.nextInt(base.length));
            for (int k = 0; k < 4; k++) {
                int pos = 4 + r.nextInt(Math.max(1, f.length - 4));
                if (pos < f.length) {
                    f[pos] = (byte) r.nextInt();
                }
            }
            Path p = CaptureFiles.write(dir, "g" + round + ".pcap", f);
            try (CaptureSource s = CaptureSources.open("pcapfile:" + p, null)) {
                s.start(new Collected());
                try {
                    assertTrue(s.awaitEnd(Duration.ofSeconds(10)), "hang on garbage round " + round);
                } catch (CaptureFormatException expected) {
                    // fine: a clear error
                }
            } catch (CaptureFormatException expected) {
                // header rejected at open
            }
        }
    }
}
