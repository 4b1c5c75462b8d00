package io.kubeli.mediator.ingest;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Delivery figures of one Intercept (for its status and metrics). */
public final class InterceptCounters {
    public final AtomicLong cc = new AtomicLong(), iri = new AtomicLong(), held = new AtomicLong(), filtered = new AtomicLong();
    private volatile long firstMillis = -1, lastMillis = -1;

    /** Counts one record sent to the agency for the first time (hot path: a clock read, no allocation). */
    public void delivered(boolean isCc) {
        (isCc ? cc : iri).incrementAndGet();
        long now = System.currentTimeMillis();
        if (firstMillis < 0) firstMillis = now;
        lastMillis = now;
    }

    public Instant first() { return firstMillis < 0 ? null : Instant.ofEpochMilli(firstMillis); }

    public Instant last() { return lastMillis < 0 ? null : Instant.ofEpochMilli(lastMillis); }
}
