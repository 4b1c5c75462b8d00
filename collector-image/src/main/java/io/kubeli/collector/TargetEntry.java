package io.kubeli.collector;

import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.IpccTemplate;

/**
 * One (intercept, target) pair of a snapshot: the window in capture-time nanoseconds, what to deliver, the
 * sequence key and the pre-encoded IPCC header. {@code intercept} is shared by all entries of one intercept
 * in a snapshot, so "one record per (intercept, packet)" is an identity comparison.
 */
public record TargetEntry(
        Object intercept,
        KeyState key,
        long fromNanos,
        long untilNanos,
        boolean cc,
        boolean iri,
        HeaderParams header,
        IpccTemplate template,
        Seen seen) {

    /** Without IRI bookkeeping (tests, benchmarks). */
    public TargetEntry(
            Object intercept,
            KeyState key,
            long fromNanos,
            long untilNanos,
            boolean cc,
            boolean iri,
            HeaderParams header,
            IpccTemplate template) {
        this(intercept, key, fromNanos, untilNanos, cc, iri, header, template, new Seen());
    }

    /**
     * The capture time of the first packet seen inside the window (MIN_VALUE = none yet), written once by a capture
     * thread; file replays emit IRI on the capture clock from it. {@code ended}: IRI-End sent (control thread).
     */
    public static final class Seen {
        volatile long first = Long.MIN_VALUE;
        boolean ended;

        void mark(long ts) {
            if (first == Long.MIN_VALUE) {
                first = ts;
            }
        }
    }

    /** Whether a packet captured at {@code tsNanos} lies in the warrant window (from &lt;= t &lt; until). */
    public boolean inWindow(long tsNanos) {
        return tsNanos >= fromNanos && tsNanos < untilNanos;
    }

    @Override
    public String toString() {
        return "TargetEntry[" + key + "]";
    }
}
