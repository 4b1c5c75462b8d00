package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.PacketBatch;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Idle threads block instead of polling: an encoder without records and a capture thread facing a full ring park
 * on their {@link Wakeup} (woken by the other side), and no record is lost or reordered on the way.
 */
class IdleThreadsTest {
    private static final long T0 = 1_780_000_000_000_000_000L;
    private static final byte[] FRAME = ether(0x0800, ipv4("198.18.2.1", "198.18.2.9", 17, udp(1, 2, new byte[4])));

    private static TargetTable table() {
        return new TargetTable.Builder()
                .add(
                        IpPrefix.parse("198.18.2.1"),
                        TargetTableTest.entry(new Object(), "IDLE", 1, Long.MIN_VALUE, Long.MAX_VALUE))
                .build();
    }

    private static int process(CaptureWorker w, TargetTable t, long ts) {
        return w.process(t, MemorySegment.ofArray(FRAME), 0, FRAME.length, LinkTypes.ETHERNET, ts);
    }

    /** The thread named {@code name} parked on {@code blocker}, waiting up to 10 s for it to get there. */
    private static Thread parkedOn(String name, Object blocker) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(name) && LockSupport.getBlocker(t) == blocker) {
                    return t;
                }
            }
            Thread.sleep(10);
        }
        return fail(name + " never blocked on its wake-up (it polls instead)");
    }

    private static void awaitRecords(CollectingSink sink, int n) throws InterruptedException {
        for (int i = 0; i < 1000 && sink.snapshot().size() < n; i++) {
            Thread.sleep(10);
        }
        assertEquals(n, sink.snapshot().size());
    }

    @Test
    void anIdleEncoderBlocksAndParksRarelyThenTakesTheNextRecordWhenWoken() throws Exception {
        CollectingSink sink = new CollectingSink();
        CollectorPipeline p = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        TargetTable t = table();
        p.setTable(t);
        CaptureWorker w = p.newWorker();
        p.start();
        assertEquals(1, process(w, t, T0));
        awaitRecords(sink, 1);
        Wakeup wake = p.encoderWakeup(0);
        Thread enc = parkedOn("encoder-0", wake);
        long parks = wake.parks();
        Thread.sleep(300);
        // before: a 20 µs then 1 ms polling park (hundreds per 300 ms); now one block, bounded at 1 s
        assertTrue(wake.parks() - parks <= 2, "an idle encoder parked " + (wake.parks() - parks) + " times in 300 ms");
        assertEquals(Thread.State.TIMED_WAITING, enc.getState());
        // a producer's wake-up ends the block: the record arrives (the bound alone would take up to 1 s)
        assertEquals(1, process(w, t, T0 + 1));
        awaitRecords(sink, 2);
        w.onEnd();
        p.drain();
        assertFalse(enc.isAlive(), "drain wakes a blocked encoder and it exits");
        assertEquals(
                List.of(0L, 1L),
                sink.snapshot().stream().map(CollectingSink.Rec::seq).toList());
    }

    /** A batch of {@code size} copies of FRAME in a batch of capacity {@code capacity}; one in eight a target. */
    private static PacketBatch batch(int size, int capacity, long ts) {
        byte[] other = ether(0x0800, ipv4("198.18.2.7", "198.18.2.9", 17, udp(1, 2, new byte[4])));
        MemorySegment seg = MemorySegment.ofArray(new byte[size * 64]);
        PacketBatch b = new PacketBatch(0, capacity);
        b.reset(seg);
        for (int i = 0; i < size; i++) {
            byte[] f = i % 8 == 0 ? FRAME : other;
            MemorySegment.copy(MemorySegment.ofArray(f), 0, seg, i * 64L, f.length);
            b.add(i * 64L, f.length, f.length, ts + i, LinkTypes.ETHERNET);
        }
        return b;
    }

    @Test
    void aSaturatedSourceWakesItsEncoderPerBurstOfRecordsNotPerBatchAndNeverLeavesOneWaiting() throws Exception {
        CollectingSink sink = new CollectingSink();
        CollectorPipeline p = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        TargetTable t = table();
        p.setTable(t);
        CaptureWorker w = p.newWorker();
        p.start();
        long ts = T0;
        for (int k = 0; k < 7; k++) { // full batches: 7 x 2 records, fewer than WAKE_RECORDS
            w.onBatch(batch(16, 16, ts));
            ts += 16;
        }
        assertEquals(0, w.wakeRounds, "a saturated source defers the wake-up");
        w.onBatch(batch(8, 16, ts)); // a partial batch: the source may go quiet now
        ts += 8;
        assertEquals(1, w.wakeRounds);
        awaitRecords(sink, 15);
        for (int k = 0; k < 40; k++) { // 80 records in full batches: woken once per 64
            w.onBatch(batch(16, 16, ts));
            ts += 16;
        }
        assertEquals(2, w.wakeRounds);
        w.onIdle(); // a live source's quiet poll: the rest goes out too
        assertEquals(3, w.wakeRounds);
        awaitRecords(sink, 95);
        w.onEnd();
        p.drain();
        List<CollectingSink.Rec> got = sink.snapshot();
        for (int i = 0; i < got.size(); i++) {
            assertEquals(i, got.get(i).seq(), "in capture order");
        }
    }

    @Test
    void aCaptureThreadFacingAFullRingBlocksUntilTheEncoderFreesSlotsAndLosesNothing() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        CollectingSink sink = new CollectingSink() {
            @Override
            public void write(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len) {
                try {
                    assertTrue(open.await(30, TimeUnit.SECONDS)); // a slow sink: the encoder stops draining
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                super.write(key, stream, seq, pdu, off, len);
            }
        };
        CollectorPipeline p = new CollectorPipeline(new CollectorPipeline.Settings(1, 4), sink);
        TargetTable t = table();
        p.setTable(t);
        CaptureWorker w = p.newWorker();
        SpscRing ring = w.ring(0);
        p.start();
        int n = 50;
        Thread producer = Thread.ofPlatform().name("capture-test").start(() -> {
            for (int i = 0; i < n; i++) {
                process(w, t, T0 + i);
            }
            w.onEnd();
        });
        Thread blocked = parkedOn("capture-test", ring.producer);
        assertEquals(Thread.State.TIMED_WAITING, blocked.getState());
        open.countDown();
        producer.join(30_000);
        assertFalse(producer.isAlive());
        p.drain();
        List<CollectingSink.Rec> got = sink.snapshot();
        assertEquals(n, got.size(), "every record, none lost while the ring was full");
        for (int i = 0; i < n; i++) {
            assertEquals(i, got.get(i).seq(), "in capture order");
        }
        assertTrue(p.stats().ringFullWaits() > 0);
    }
}
