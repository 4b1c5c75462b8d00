package io.kubeli.collector;

import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.IpccTemplate;

/**
 * One (intercept, target) pair of a snapshot: the window in capture-time nanoseconds, what to deliver, the
 * sequence key and the pre-encoded IPCC header. {@code intercept} is shared by all entries of one intercept
 * in a snapshot, so "one record per (intercept, packet)" is an identity comparison.
 */
public record TargetEntry(Object intercept, KeyState key, long fromNanos, long untilNanos, boolean cc, boolean iri,
        HeaderParams header, IpccTemplate template) {

    /** Whether a packet captured at {@code tsNanos} lies in the warrant window (from &lt;= t &lt; until). */
    public boolean inWindow(long tsNanos) {
        return tsNanos >= fromNanos && tsNanos < untilNanos;
    }

    @Override
    public String toString() {
        return "TargetEntry[" + key + "]";
    }
}
