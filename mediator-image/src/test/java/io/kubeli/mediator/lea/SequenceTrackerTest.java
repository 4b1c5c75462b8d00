package io.kubeli.mediator.lea;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Gap and duplicate accounting of the receiver. */
class SequenceTrackerTest {
    @Test
    void contiguousWithResendsHasDuplicatesButNoGaps() {
        SequenceTracker t = new SequenceTracker();
        for (long i = 0; i < 10; i++) t.accept(i);
        for (long i = 6; i < 15; i++) t.accept(i); // resent 6..9 after a reconnect
        var s = t.snapshot(10);
        assertEquals(19, s.received());
        assertEquals(15, s.unique());
        assertEquals(4, s.duplicates());
        assertEquals(0, s.missing());
        assertEquals(14, s.highestSeq());
    }

    @Test
    void gapsAreListedAndFilledLater() {
        SequenceTracker t = new SequenceTracker();
        for (long i : new long[] {0, 1, 2, 5, 6, 9}) t.accept(i);
        var s = t.snapshot(10);
        assertEquals(4, s.missing());
        assertArrayEquals(new long[] {3, 4}, s.gaps().get(0));
        assertArrayEquals(new long[] {7, 8}, s.gaps().get(1));
        for (long i : new long[] {3, 4, 7, 8}) t.accept(i);
        assertEquals(0, t.snapshot(10).missing());
        assertEquals(10, t.snapshot(10).unique());
    }
}
