package io.kubeli.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifecycle rules shared by all sources: consumer exceptions counted, stop from a consumer, single start. */
class AbstractCaptureSourceTest {
    @TempDir
    Path dir;

    private Path file(int n) throws Exception {
        List<CaptureFiles.Rec> recs = new ArrayList<>();
        for (byte[] f : Frames.mix(n, 5)) {
            recs.add(new CaptureFiles.Rec(1_000_000_000L, f));
        }
        return CaptureFiles.write(dir, "f.pcap", CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs));
    }

    @Test
    void consumerExceptionsAreCountedAndCaptureGoesOn() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        try (CaptureSource s = CaptureSources.open("pcapfile:" + file(100) + "?batch=10", null)) {
            s.start(i -> new PacketConsumer() {
                @Override
                public void onBatch(PacketBatch b) {
                    if (batches.incrementAndGet() % 2 == 0) {
                        throw new IllegalStateException("boom");
                    }
                }

                @Override
                public void onEnd() {
                    ended.incrementAndGet();
                }
            });
            assertTrue(s.awaitEnd(Duration.ofSeconds(10)));
            assertEquals(10, batches.get());
            assertEquals(5, s.stats().errors());
            assertEquals(100, s.stats().packets());
            assertEquals(1, ended.get());
            assertTrue(s.failure().isEmpty());
            assertThrows(CaptureException.class, () -> s.start(i -> b -> {}), "second start");
        }
    }

    @Test
    void stopFromInsideAConsumerEndsTheThread() throws Exception {
        AtomicReference<CaptureSource> ref = new AtomicReference<>();
        AtomicInteger seen = new AtomicInteger();
        try (CaptureSource s = CaptureSources.open("pcapfile:" + file(50) + "?batch=5&loop=1000", null)) {
            ref.set(s);
            s.start(i -> b -> {
                if (seen.addAndGet(b.size()) >= 20) {
                    ref.get().stop();
                }
            });
            assertTrue(s.awaitEnd(Duration.ofSeconds(10)));
            assertEquals(20, seen.get());
        }
    }

    @Test
    void batchViewsAndBoundsChecks() {
        PacketBatch b = new PacketBatch(3, 1);
        java.lang.foreign.MemorySegment m = java.lang.foreign.MemorySegment.ofArray(new byte[64]);
        b.reset(m);
        for (int i = 0; i < 40; i++) {
            b.add(i, 8, 10, i * 1000L, LinkTypes.ETHERNET);
        }
        assertEquals(40, b.size());
        assertEquals(3, b.threadIndex());
        assertEquals(400, b.wireBytes());
        assertEquals(8, b.copyPacket(39).length);
        assertThrows(IndexOutOfBoundsException.class, () -> b.offset(40));
        b.reset(m);
        assertEquals(0, b.size());
        assertFalse(LinkTypes.isRawIp(LinkTypes.LINUX_SLL));
    }
}
