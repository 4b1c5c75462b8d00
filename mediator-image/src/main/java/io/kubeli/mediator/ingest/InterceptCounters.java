package io.kubeli.mediator.ingest;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Delivery figures of one Intercept (for its status and metrics). */
public final class InterceptCounters {
    public final AtomicLong cc = new AtomicLong(),
            iri = new AtomicLong(),
            held = new AtomicLong(),
            filtered = new AtomicLong(),
            heldApart = new AtomicLong();
    /** IRI-Begin and IRI-End records sent to the agency (every collector pod sends one pair per CIN). */
    public final AtomicLong iriBegins = new AtomicLong(), iriEnds = new AtomicLong();

    private volatile long firstMillis = -1, lastMillis = -1;

    /** Counts one record sent to the agency for the first time (hot path: a clock read, no allocation). */
    public void delivered(boolean isCc) {
        delivered(isCc, 1);
    }

    /** Counts {@code n} records sent to the agency for the first time (a run counted at once by the sender). */
    public void delivered(boolean isCc, long n) {
        (isCc ? cc : iri).addAndGet(n);
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

    /** Open sessions tracked per intercept at most; beyond it Begins are counted in {@link #sessionsUntracked} only. */
    public static final int MAX_OPEN_SESSIONS = 65_536;
    /** IPIRI Begins not tracked because {@link #MAX_OPEN_SESSIONS} CINs were open (a misbehaving collector). */
    public final AtomicLong sessionsUntracked = new AtomicLong();
    // CINs with a stored IPIRI IRI-Begin and no IRI-End yet (IRI is rare: a set behind a lock is cheap enough)
    private final java.util.Set<Long> openCins = new java.util.HashSet<>();
    private long sessionsChangedMillis = -1;
    private int carried = -1, unmatchedEnds; // sessions open in status before this process (-1: not read yet)

    /** A stored IPIRI IRI-Begin (type 1) or IRI-End (type 2) of {@code cin}; repeats change nothing. */
    public synchronized void session(long cin, int type, long nowMillis) {
        boolean changed;
        if (type == 1) {
            if (openCins.size() >= MAX_OPEN_SESSIONS && !openCins.contains(cin)) {
                sessionsUntracked.incrementAndGet();
                return;
            }
            changed = openCins.add(cin);
        } else if (type != 2) {
            return;
        } else if (openCins.remove(cin)) {
            changed = true;
        } else if (carried > 0) { // the End of a session begun before this process started
            carried--;
            changed = true;
        } else {
            if (carried < 0) unmatchedEnds++;
            changed = false;
        }
        if (changed) sessionsChangedMillis = nowMillis;
    }

    /**
     * Continues from the count a previous process left in status (first call only): those sessions' CINs are not
     * known here, so an End of an unknown CIN closes one of them (also the Ends that arrived before this call).
     */
    public synchronized void carrySessions(int inStatus) {
        if (carried >= 0) return;
        carried = Math.max(0, inStatus - unmatchedEnds);
    }

    /** Sessions open now (IPIRI Begin stored, End not yet). */
    public synchronized int activeSessions() {
        return openCins.size() + Math.max(0, carried);
    }

    /** When {@link #activeSessions()} last changed in this process, or null when it did not. */
    public synchronized Instant sessionsSince() {
        return sessionsChangedMillis < 0 ? null : Instant.ofEpochMilli(sessionsChangedMillis);
    }

    // calls (sipUri): CINs with a stored IPMMIRI IRI-Begin and no IRI-End yet, and the Begins of new CINs
    private final java.util.Set<Long> openCalls = new java.util.HashSet<>();
    private long callsBegun, callsChangedMillis = -1;
    private int carriedCalls = -1, unmatchedCallEnds;
    private long carriedTotal;
    /** IPMMIRI Begins not tracked because {@link #MAX_OPEN_SESSIONS} calls were open. */
    public final AtomicLong callsUntracked = new AtomicLong();

    /** A stored IPMMIRI IRI-Begin (type 1) or IRI-End (type 2) of {@code cin}; repeats change nothing. */
    public synchronized void call(long cin, int type, long nowMillis) {
        boolean changed;
        if (type == 1) {
            if (openCalls.size() >= MAX_OPEN_SESSIONS && !openCalls.contains(cin)) {
                callsUntracked.incrementAndGet();
                return;
            }
            changed = openCalls.add(cin);
            if (changed) callsBegun++;
        } else if (type != 2) {
            return;
        } else if (openCalls.remove(cin)) {
            changed = true;
        } else if (carriedCalls > 0) { // the End of a call begun before this process started
            carriedCalls--;
            changed = true;
        } else {
            if (carriedCalls < 0) unmatchedCallEnds++;
            changed = false;
        }
        if (changed) callsChangedMillis = nowMillis;
    }

    /** Continues from the figures a previous process left in status (first call only), as {@link #carrySessions}. */
    public synchronized void carryCalls(int activeInStatus, long totalInStatus) {
        if (carriedCalls >= 0) return;
        carriedCalls = Math.max(0, activeInStatus - unmatchedCallEnds);
        carriedTotal = Math.max(0, totalInStatus);
    }

    /** Calls open now (IPMMIRI Begin stored, End not yet). */
    public synchronized int activeCalls() {
        return openCalls.size() + Math.max(0, carriedCalls);
    }

    /** Calls begun so far (new CINs with a stored IPMMIRI Begin), previous processes included once carried. */
    public synchronized long totalCalls() {
        return carriedTotal + callsBegun;
    }

    /** When the call figures last changed in this process, or null when they did not. */
    public synchronized Instant callsSince() {
        return callsChangedMillis < 0 ? null : Instant.ofEpochMilli(callsChangedMillis);
    }

    public Instant first() {
        return firstMillis < 0 ? null : Instant.ofEpochMilli(firstMillis);
    }

    public Instant last() {
        return lastMillis < 0 ? null : Instant.ofEpochMilli(lastMillis);
    }
}
