package io.kubeli.capture;

import java.util.concurrent.locks.LockSupport;

/** A consumer that falls behind: it stalls on its first batch, so the capture ring fills (loss accounting tests). */
public final class Stalling {
    private Stalling() {}

    /** Wraps {@code inner}: stalls {@code stallMs} on the first batch, then passes everything on. */
    public static PacketConsumer consumer(PacketConsumer inner, long stallMs) {
        boolean[] stalled = new boolean[1];
        return new PacketConsumer() {
            @Override
            public void onBatch(PacketBatch b) {
                if (!stalled[0]) {
                    stalled[0] = true;
                    LockSupport.parkNanos(stallMs * 1_000_000L);
                }
                inner.onBatch(b);
            }

            @Override
            public void onEnd() {
                inner.onEnd();
            }
        };
    }
}
