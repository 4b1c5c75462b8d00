package io.kubeli.capture.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The XDP capture thread's wait after a partial batch: grows on a slow stream, never overruns the ring. */
class XdpNapTest {
    private static final int RING = 8192;

    @Test
    void aSteadySlowStreamGrowsTheWaitToTheBound() {
        XdpNap nap = new XdpNap(RING, 1_000_000);
        assertEquals(XdpNap.START_NANOS, nap.nanos(), "a stream starts with the short wait");
        for (int i = 0; i < 10; i++) {
            nap.after(60); // ~550 kpps: a few dozen packets per 100 µs
        }
        assertEquals(1_000_000, nap.nanos(), "bounded by coalesceUs");
    }

    @Test
    void aQuarterRingPerWaitShortensItWhateverTheBound() {
        // hostile rate: a burst at many Mpps fills a quarter of the ring during every wait
        XdpNap nap = new XdpNap(RING, 100_000_000);
        for (int i = 0; i < 20; i++) {
            nap.after(100);
        }
        long grown = nap.nanos();
        nap.after(RING / 4);
        assertEquals(grown / 2, nap.nanos());
        for (int i = 0; i < 40; i++) {
            nap.after(RING);
        }
        assertEquals(XdpNap.MIN_NANOS, nap.nanos(), "never below the floor, never stuck at the longest wait");
        // between a sixteenth and a quarter of the ring per wait: the wait holds
        long held = nap.nanos();
        nap.after(RING / 8);
        assertEquals(held, nap.nanos());
    }

    @Test
    void anIdleRingStartsTheNextStreamShort() {
        // fault: a quiet link grows nothing, and a stream arriving at line rate after a pause meets the short
        // wait (100 µs), not the longest one that a slow stream before the pause had reached
        XdpNap nap = new XdpNap(RING, 1_000_000);
        for (int i = 0; i < 10; i++) {
            nap.after(1);
        }
        assertEquals(1_000_000, nap.nanos());
        nap.after(0);
        assertEquals(XdpNap.START_NANOS, nap.nanos());
        nap.after(5);
        nap.idle();
        assertEquals(XdpNap.START_NANOS, nap.nanos());
    }

    @Test
    void aSmallRingBoundsTheWaitTooAndAShortBoundIsKept() {
        XdpNap small = new XdpNap(64, 1_000_000);
        small.after(16); // a quarter of 64 slots
        assertTrue(small.nanos() < XdpNap.START_NANOS);
        XdpNap shortBound = new XdpNap(RING, 20_000);
        assertEquals(20_000, shortBound.nanos(), "a bound below the start wait is the start wait");
        shortBound.after(1);
        assertEquals(20_000, shortBound.nanos());
        assertThrows(IllegalArgumentException.class, () -> new XdpNap(RING, 1_000));
    }
}
