package io.kubeli.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.capture.CaptureFiles.Rec;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pcapfile: pages already read leave the process's resident memory (a large capture must not count as RSS). */
class PcapFileMemoryTest {
    @TempDir
    Path dir;

    /** Resident kB of this process's mappings of {@code file} (/proc/self/smaps), -1 when not mapped. */
    static long residentKb(Path file) throws Exception {
        long kb = -1;
        boolean in = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                in = line.endsWith(file.toString());
            } else if (in && line.startsWith("Rss:")) {
                kb = Math.max(kb, 0) + Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kb;
    }

    @Test
    void pagesBehindTheReadPositionAreReleasedAndEveryPacketArrivesOverTwoLoops() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/smaps")), "needs /proc/self/smaps (Linux)");
        // 48 MiB of 1,400-byte frames: far above the release window (8 MiB)
        List<Rec> recs = new ArrayList<>();
        List<byte[]> mix = Frames.mix(64, 3);
        CRC32 expect = new CRC32();
        int n = 36_000;
        for (int i = 0; i < n; i++) {
            byte[] f = java.util.Arrays.copyOf(mix.get(i % mix.size()), 1400);
            f[f.length - 1] = (byte) i; // every frame differs: a re-read page shows as a wrong checksum
            recs.add(new Rec(1_764_000_000_000_000_000L + i * 1000L, f));
            expect.update(f);
        }
        Path file = dir.resolve("big.pcap");
        Files.write(file, CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs));
        long fileKb = Files.size(file) / 1024;
        AtomicLong peakKb = new AtomicLong(-1);
        AtomicLong packets = new AtomicLong();
        CRC32[] seen = {new CRC32(), new CRC32()};
        int[] pass = {0};
        ConsumerFactory f = t -> new PacketConsumer() {
            @Override
            public void onBatch(PacketBatch b) {
                for (int i = 0; i < b.size(); i++) {
                    byte[] d = b.copyPacket(i);
                    long k = packets.incrementAndGet();
                    seen[(int) ((k - 1) / n)].update(d);
                    if (k % 4000 == 0) {
                        try {
                            peakKb.accumulateAndGet(residentKb(file), Math::max);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
        };
        try (CaptureSource s = CaptureSources.open("pcapfile:" + file + "?loop=2", CaptureOptions.defaults())) {
            s.start(f);
            assertTrue(s.awaitEnd(Duration.ofSeconds(60)), "file read did not end");
            assertEquals(0, s.stats().errors());
        }
        assertEquals(2L * n, packets.get(), "every packet of both passes");
        assertEquals(expect.getValue(), seen[0].getValue(), "first pass: same bytes");
        assertEquals(expect.getValue(), seen[1].getValue(), "second pass (re-reads released pages): same bytes");
        assertTrue(peakKb.get() >= 0, "the mapping was seen");
        // before: the whole file became resident (about fileKb); now at most two release windows plus read-ahead
        assertTrue(
                peakKb.get() < 24 * 1024,
                "resident mapping peaked at " + peakKb.get() + " kB of a " + fileKb + " kB file");
    }
}
