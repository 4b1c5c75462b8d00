package io.kubeli.capture;

import java.util.concurrent.ConcurrentLinkedQueue;

/** Test consumer factory that copies every packet (with its thread) into a shared queue. */
public final class Collected implements ConsumerFactory {
    /** One received packet. */
    public record Pkt(int thread, long tsNanos, int wireLength, int linkType, byte[] data) {}

    public final ConcurrentLinkedQueue<Pkt> packets = new ConcurrentLinkedQueue<>();
    public final java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public PacketConsumer create(int threadIndex) {
        return new PacketConsumer() {
            @Override
            public void onBatch(PacketBatch b) {
                if (b.threadIndex() != threadIndex
                        || !Thread.currentThread().getName().equals("capture-" + threadIndex)) {
                    throw new AssertionError("batch delivered on the wrong thread");
                }
                for (int i = 0; i < b.size(); i++) {
                    packets.add(
                            new Pkt(threadIndex, b.timestampNanos(i), b.wireLength(i), b.linkType(i), b.copyPacket(i)));
                }
            }

            @Override
            public void onEnd() {
                ended.incrementAndGet();
            }
        };
    }
}
