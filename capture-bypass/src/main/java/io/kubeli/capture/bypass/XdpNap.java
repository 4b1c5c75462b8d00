package io.kubeli.capture.bypass;

/**
 * How long an XDP capture thread waits after emptying its RX ring with a partial batch: each wait costs a
 * park and a wake-up whatever it brings, so under a steady stream the wait grows (doubling) until a wake-up
 * brings a sixteenth of the ring or {@code maxNanos} is reached, halves when a quarter of the ring arrived
 * during one wait (headroom for a rising rate), and starts again short after the ring stayed empty for a
 * whole wait (a stream starting at line rate meets today's short wait, not the longest).
 */
final class XdpNap {
    /** First wait after an idle ring, and the wait used before coalescing existed. */
    static final long START_NANOS = 100_000;

    static final long MIN_NANOS = 10_000;

    private final long maxNanos;
    private final int growBelow;
    private final int shrinkAt;
    private long nanos;

    /** {@code ringSize} RX slots; {@code maxNanos} the longest wait (latency bound). */
    XdpNap(int ringSize, long maxNanos) {
        if (maxNanos < MIN_NANOS) {
            throw new IllegalArgumentException("xdp: the longest wait must be at least " + MIN_NANOS + " ns");
        }
        this.maxNanos = maxNanos;
        this.growBelow = Math.max(1, ringSize / 16);
        this.shrinkAt = Math.max(2, ringSize / 4);
        this.nanos = Math.min(START_NANOS, maxNanos);
    }

    /** The wait to take now. */
    long nanos() {
        return nanos;
    }

    /** After a wait: {@code got} packets were taken from the ring until it was empty again. */
    void after(int got) {
        if (got == 0) {
            idle();
        } else if (got >= shrinkAt) {
            nanos = Math.max(MIN_NANOS, nanos / 2);
        } else if (got < growBelow) {
            nanos = Math.min(maxNanos, nanos * 2);
        }
    }

    /** The ring stayed empty: the next stream starts with the short wait. */
    void idle() {
        nanos = Math.min(START_NANOS, maxNanos);
    }
}
