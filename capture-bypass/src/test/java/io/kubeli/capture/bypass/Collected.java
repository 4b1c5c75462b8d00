package io.kubeli.capture.bypass;

import io.kubeli.capture.ConsumerFactory;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** Test consumer: copies every delivered packet (optionally only those matching a predicate) per thread. */
final class Collected implements ConsumerFactory {
    /** One copied packet. */
    record Pkt(int thread, byte[] data, int wireLength, long ts) {}

    final List<Pkt> packets = new ArrayList<>();
    final AtomicLong count = new AtomicLong();
    private final Predicate<byte[]> keep;

    Collected(Predicate<byte[]> keep) {
        this.keep = keep;
    }

    Collected() {
        this(p -> true);
    }

    @Override
    public PacketConsumer create(int threadIndex) {
        return new PacketConsumer() {
            @Override
            public void onBatch(PacketBatch b) {
                for (int i = 0; i < b.size(); i++) {
                    byte[] d = b.copyPacket(i);
                    if (keep.test(d)) {
                        synchronized (packets) {
                            packets.add(new Pkt(b.threadIndex(), d, b.wireLength(i), b.timestampNanos(i)));
                        }
                        count.incrementAndGet();
                    }
                }
            }
        };
    }

    /** Waits (bounded) until {@code n} packets arrived; returns the count. */
    long await(long n, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (count.get() < n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return count.get();
    }

    List<Pkt> snapshot() {
        synchronized (packets) {
            return List.copyOf(packets);
        }
    }

    /** True for test UDP frames from 198.18.4.2 to 198.18.4.1 port 9. */
    static boolean isTestUdp(byte[] f) {
        return f.length >= 42
                && f[12] == 0x08
                && f[13] == 0
                && f[23] == 17
                && (f[26] & 0xff) == 198
                && f[27] == 18
                && f[28] == 4
                && f[29] == 2
                && f[36] == 0
                && f[37] == 9;
    }
}
