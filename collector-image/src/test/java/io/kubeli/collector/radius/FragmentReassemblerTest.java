package io.kubeli.collector.radius;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Bounds of the RADIUS fragment reassembler: slots, size, timeout, order. */
class FragmentReassemblerTest {
    private final FragmentReassembler r = new FragmentReassembler();
    private final MemorySegment data = MemorySegment.ofArray(new byte[8192]);

    private int offer(long id, int off, boolean more, int len, long ts) {
        return r.offer(4, 0, 1, 0, 2, id, off, more, data, 0, len, ts);
    }

    @Test
    void completesInAnyOrderAfterTheFirstFragment() {
        assertEquals(-1, offer(1, 0, true, 16, 0));
        assertEquals(-1, offer(1, 32, false, 10, 0));
        int s = offer(1, 16, true, 16, 0);
        assertTrue(s >= 0);
        assertEquals(42, r.length(s));
    }

    @Test
    void aDatagramLongerThanRadiusAllowsIsDropped() {
        assertEquals(-1, offer(2, 0, true, 4096, 0));
        assertEquals(-1, offer(2, 4096, false, 100, 0));
        assertEquals(1, r.dropped());
        assertFalse(r.pending(4, 0, 1, 0, 2, 2));
    }

    @Test
    void aNonFinalFragmentOfOddLengthIsDropped() {
        assertEquals(-1, offer(3, 0, true, 13, 0));
        assertEquals(1, r.dropped());
    }

    /** 10^5 datagrams that never complete: at most SLOTS in progress, the oldest given up, nothing grows. */
    @Test
    void neverMoreThanItsSlots() {
        for (int i = 0; i < 100_000; i++) {
            offer(1000 + i, 0, true, 8, i);
        }
        assertEquals(100_000 - FragmentReassembler.SLOTS, r.dropped());
        assertTrue(r.pending(4, 0, 1, 0, 2, 1000 + 99_999));
        assertFalse(r.pending(4, 0, 1, 0, 2, 1000));
    }

    @Test
    void staleDatagramsTimeOut() {
        for (int i = 0; i < FragmentReassembler.SLOTS; i++) {
            offer(i, 0, true, 8, 0);
        }
        offer(999, 0, true, 8, 6_000_000_000L);
        assertEquals(1, r.dropped(), "a stale one made room");
    }
}
