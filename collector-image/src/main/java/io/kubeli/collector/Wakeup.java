package io.kubeli.collector;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets one thread block (not spin) until another has work for it. The waiter announces itself, checks for work once
 * more, then parks; the other side publishes work, then wakes. A fence on each side (Dekker) means one of them
 * always sees the other, so no wake-up is lost; while nobody waits a wake costs a fence and one read.
 */
final class Wakeup {
    private volatile Thread waiting;
    private volatile long parks;

    /** Waiter: announces the wait; then check for work once more and {@link #park} or {@link #cancel}. */
    void prepare() {
        waiting = Thread.currentThread();
        VarHandle.fullFence();
    }

    /** Waiter: blocks until woken or {@code maxNanos} passed (a bound, not a poll: idle threads see few of them). */
    void park(long maxNanos) {
        parks++; // only the waiter writes it
        LockSupport.parkNanos(this, maxNanos);
        waiting = null;
    }

    /** Waiter: work turned up after {@link #prepare}; no wait. */
    void cancel() {
        waiting = null;
    }

    /** Other side, after publishing work: unparks the waiter if there is one. */
    void wake() {
        VarHandle.fullFence();
        Thread t = waiting;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Times the waiter parked (for tests: an idle thread parks rarely). */
    long parks() {
        return parks;
    }
}
