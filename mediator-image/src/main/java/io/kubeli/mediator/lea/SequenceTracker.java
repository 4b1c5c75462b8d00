package io.kubeli.mediator.lea;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Tracks which sequence numbers of one LIID/CIN/stream were seen: counts duplicates and finds gaps in O(gaps) memory. */
final class SequenceTracker {
    private long first = -1;
    private long next = -1; // every seq in [first, next) has been seen
    private final TreeMap<Long, Long> ahead = new TreeMap<>(); // seen ranges [start, end] beyond next
    private long received, duplicates, outOfOrder, last = -1;

    /** Records one sequence number; returns true when it was new. */
    synchronized boolean accept(long seq) {
        received++;
        if (first < 0) {
            first = seq;
            next = seq + 1;
            last = seq;
            return true;
        }
        if (seq < last) outOfOrder++;
        last = seq;
        if (seq < next || containsAhead(seq) || seq < first) {
            duplicates++;
            return false;
        }
        if (seq == next) {
            next++;
            Map.Entry<Long, Long> e = ahead.firstEntry();
            if (e != null && e.getKey() == next) {
                next = e.getValue() + 1;
                ahead.pollFirstEntry();
            }
            return true;
        }
        Map.Entry<Long, Long> below = ahead.floorEntry(seq);
        if (below != null && below.getValue() == seq - 1) {
            long start = below.getKey();
            Long nextStart = ahead.containsKey(seq + 1) ? seq + 1 : null;
            long endv = nextStart != null ? ahead.remove(nextStart) : seq;
            ahead.put(start, endv);
        } else if (ahead.containsKey(seq + 1)) {
            ahead.put(seq, ahead.remove(seq + 1));
        } else {
            ahead.put(seq, seq);
        }
        return true;
    }

    private boolean containsAhead(long seq) {
        Map.Entry<Long, Long> e = ahead.floorEntry(seq);
        return e != null && e.getValue() >= seq;
    }

    /** Snapshot for the summary: missing ranges [from, to] inclusive, at most {@code maxRanges} listed. */
    synchronized Snapshot snapshot(int maxRanges) {
        List<long[]> gaps = new ArrayList<>();
        long missing = 0, cursor = next, highest = next - 1;
        for (var e : ahead.entrySet()) {
            missing += e.getKey() - cursor;
            if (gaps.size() < maxRanges) gaps.add(new long[] {cursor, e.getKey() - 1});
            cursor = e.getValue() + 1;
            highest = e.getValue();
        }
        return new Snapshot(received, received - duplicates, duplicates, outOfOrder, missing, gaps, first, highest);
    }

    /** Counts at one moment. */
    record Snapshot(
            long received,
            long unique,
            long duplicates,
            long outOfOrder,
            long missing,
            List<long[]> gaps,
            long firstSeq,
            long highestSeq) {}
}
