package io.kubeli.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.capture.CaptureFiles.Iface;
import io.kubeli.capture.CaptureFiles.Rec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A format error in a capture file: every packet before it is delivered, then the error with its offset. */
class PcapFileErrorTest {
    private static final long T0 = 1_764_000_000_000_000_000L;

    @TempDir
    Path dir;

    /** What a read that ends in a format error produced. */
    private record Outcome(List<Collected.Pkt> packets, CaptureFormatException error, CaptureStats stats) {}

    private static List<Rec> recs(int n) {
        List<byte[]> frames = Frames.mix(n, 13);
        List<Rec> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Rec(T0 + i * 1_000_000L, frames.get(i)));
        }
        return out;
    }

    private static byte[] classic(List<Rec> recs) {
        return CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs);
    }

    private static byte[] ng(List<Rec> recs) {
        return CaptureFiles.pcapng(ByteOrder.BIG_ENDIAN, List.of(new Iface(1, 9)), recs);
    }

    private static byte[] plus(byte[] a, int stray) {
        byte[] out = Arrays.copyOf(a, a.length + stray);
        for (int i = a.length; i < out.length; i++) {
            out[i] = (byte) (0x5a + i);
        }
        return out;
    }

    private Outcome readBad(byte[] content, String query) throws Exception {
        Path f = CaptureFiles.write(dir, "bad-" + content.length + ".pcap", content);
        Collected c = new Collected();
        try (CaptureSource s = CaptureSources.open("pcapfile:" + f + query, CaptureOptions.defaults())) {
            s.start(c);
            CaptureFormatException e =
                    assertThrows(CaptureFormatException.class, () -> s.awaitEnd(Duration.ofSeconds(30)));
            assertEquals(1, c.ended.get());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
            assertEquals(e, s.failure().orElseThrow());
            return new Outcome(new ArrayList<>(c.packets), e, s.stats());
        }
    }

    private static void assertDelivered(List<Rec> expected, Outcome o) {
        assertEquals(
                expected.size(),
                o.packets().size(),
                "packets delivered before the error: " + o.error().getMessage());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).data(), o.packets().get(i).data(), "packet " + i);
        }
        assertEquals(expected.size(), o.stats().packets());
        assertEquals(expected.size(), o.error().delivered());
        assertTrue(
                o.error().getMessage().contains("the " + expected.size() + " packets before it were delivered"),
                o.error().getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "?batch=1", "?batch=7", "?batch=446", "?batch=4096"})
    void bundledSizedCapturePlusThreeStrayBytesDeliversEveryPacket(String query) throws Exception {
        List<Rec> recs = recs(446);
        byte[] good = classic(recs);
        Outcome o = readBad(plus(good, 3), query);
        assertDelivered(recs, o);
        assertEquals(good.length, o.error().offset());
        assertTrue(
                o.error().getMessage().contains("truncated record header (3 of 16 bytes) at offset " + good.length),
                o.error().getMessage());

        byte[] goodNg = ng(recs);
        o = readBad(plus(goodNg, 3), query);
        assertDelivered(recs, o);
        assertEquals(goodNg.length, o.error().offset());
        assertTrue(
                o.error().getMessage().contains("truncated block header"),
                o.error().getMessage());
    }

    @Test
    void theBundledDemoCapturePlusStrayBytesDeliversAsManyAsTheIntactFile() throws Exception {
        Path demo = Path.of("..", "system", "demo", "traffic.pcap");
        Assumptions.assumeTrue(Files.isRegularFile(demo), "no bundled demo capture at " + demo.toAbsolutePath());
        byte[] good = Files.readAllBytes(demo);
        Collected whole = new Collected();
        try (CaptureSource s = CaptureSources.open("pcapfile:" + demo, CaptureOptions.defaults())) {
            s.start(whole);
            assertTrue(s.awaitEnd(Duration.ofSeconds(60)));
        }
        Outcome o = readBad(plus(good, 3), "");
        assertEquals(whole.packets.size(), o.packets().size());
        assertEquals(good.length, o.error().offset());
    }

    @Test
    void fiveFramesPlusFiveStrayBytesDeliversFive() throws Exception {
        List<Rec> recs = recs(5);
        assertDelivered(recs, readBad(plus(classic(recs), 5), ""));
        assertDelivered(recs, readBad(plus(ng(recs), 5), ""));
        // a batch ending exactly at the last good record: the error comes alone with the next fill
        assertDelivered(recs, readBad(plus(classic(recs), 5), "?batch=5"));
    }

    @Test
    void truncatedLastRecordDeliversTheOthers() throws Exception {
        List<Rec> recs = recs(20);
        byte[] good = classic(recs);
        int lastStart = good.length - 16 - recs.get(19).data().length;
        Outcome o = readBad(Arrays.copyOf(good, good.length - 4), "");
        assertDelivered(recs.subList(0, 19), o);
        assertEquals(lastStart, o.error().offset());
        assertTrue(
                o.error().getMessage().contains("truncated packet record"),
                o.error().getMessage());

        byte[] goodNg = ng(recs);
        int lastBlock = goodNg.length - (32 + ((recs.get(19).data().length + 3) & ~3));
        o = readBad(Arrays.copyOf(goodNg, goodNg.length - 4), "");
        assertDelivered(recs.subList(0, 19), o);
        assertEquals(lastBlock, o.error().offset());
        assertTrue(
                o.error().getMessage().contains("truncated block (length"),
                o.error().getMessage());
    }

    @Test
    void bogusRecordInTheMiddleDeliversThePacketsBeforeIt() throws Exception {
        List<Rec> recs = recs(30);
        byte[] bad = classic(recs);
        long off = 24;
        for (int i = 0; i < 12; i++) {
            off += 16 + recs.get(i).data().length;
        }
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt((int) off + 8, 0x7fff0000); // record 12's length
        Outcome o = readBad(bad, "");
        assertDelivered(recs.subList(0, 12), o);
        assertEquals(off, o.error().offset());
        assertTrue(
                o.error().getMessage().contains("implausible captured length"),
                o.error().getMessage());

        byte[] badNg = ng(recs);
        ByteBuffer b = ByteBuffer.wrap(badNg).order(ByteOrder.BIG_ENDIAN);
        long block = 0;
        int epbs = 0;
        while (epbs < 12) { // walk to the 13th EPB
            int type = b.getInt((int) block);
            if (type == 6) {
                epbs++;
            }
            block += b.getInt((int) block + 4);
        }
        while (b.getInt((int) block) != 6) {
            block += b.getInt((int) block + 4);
        }
        b.putInt((int) block + 4, 13); // a bogus block length
        o = readBad(badNg, "?batch=100");
        assertDelivered(recs.subList(0, 12), o);
        assertEquals(block, o.error().offset());
        assertTrue(
                o.error().getMessage().contains("bad block length 13"),
                o.error().getMessage());
    }

    @Test
    void anErrorBeforeAnyPacketStillEndsWithTheError() throws Exception {
        byte[] ng = ng(recs(3));
        // the interface block's length is bogus: nothing good was read, the error comes at once
        ByteBuffer.wrap(ng).order(ByteOrder.BIG_ENDIAN).putInt(28 + 4, 7);
        Outcome o = readBad(ng, "");
        assertEquals(0, o.packets().size());
        assertEquals(0, o.error().delivered());
        assertEquals(28, o.error().offset());
    }
}
