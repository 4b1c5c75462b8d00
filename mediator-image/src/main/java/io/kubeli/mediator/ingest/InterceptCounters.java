package io.kubeli.mediator.ingest;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Delivery figures of one Intercept (for its status and metrics). */
public final class InterceptCounters {
    public final AtomicLong cc = new AtomicLong(), iri = new AtomicLong(), held = new AtomicLong(), filtered = new AtomicLong(),
            heldApart = new AtomicLong();
    /** IRI-Begin and IRI-End records sent to the agency (every collector pod sends one pair per CIN). */
    public final AtomicLong iriBegins = new AtomicLong(), iriEnds = new AtomicLong();
    private volatile long firstMillis = -1, lastMillis = -1;

    /** Counts one record sent to the agency for the first time (hot path: a clock read, no allocation). */
    public void delivered(boolean isCc) {
        (isCc ? cc : iri).incrementAndGet();
        long now = System.currentTimeMillis();
        if (firstMillis < 0) firstMillis = now;
        lastMillis = now;
    }

    /** Counts an IRI record's type (iRIType 1 = begin, 2 = end). */
    public void iriType(int type) {
        if (type == 1) iriBegins.incrementAndGet();
        else if (type == 2) iriEnds.incrementAndGet();
    }

    /** Every IRI-Begin sent so far has its IRI-End: the intercept's final IRI is out (when at least one was). */
    public boolean finalIriSent() {
        long e = iriEnds.get();
        return e > 0 && e >= iriBegins.get();
    }

    public Instant first() { return firstMillis < 0 ? null : Instant.ofEpochMilli(firstMillis); }

    public Instant last() { return lastMillis < 0 ? null : Instant.ofEpochMilli(lastMillis); }
}
