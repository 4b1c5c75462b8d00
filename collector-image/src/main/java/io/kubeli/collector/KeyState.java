package io.kubeli.collector;

/**
 * Per-(Intercept identity, LIID, CIN) state that outlives target-table snapshots: the sequence counters and record counts.
 * {@code nextCcSeq} is owned by exactly one encoder thread ({@link #encoderIndex}); {@code nextIriSeq} by the
 * control thread. Other threads only read the volatile counts for metrics.
 */
public final class KeyState {
    private final String interceptName;
    private final String agency;
    private final String liid;
    private final long cin;
    private final int encoderIndex;
    long nextCcSeq;
    long nextIriSeq;
    volatile long ccRecords;
    volatile long iriRecords;

    KeyState(String interceptName, String agency, String liid, long cin, int encoderIndex) {
        this.interceptName = interceptName;
        this.agency = agency;
        this.liid = liid;
        this.cin = cin;
        this.encoderIndex = encoderIndex;
    }

    /** Name of the Intercept resource (safe for logs and metric labels). */
    public String interceptName() {
        return interceptName;
    }

    /** Name of the Agency resource. */
    public String agency() {
        return agency;
    }

    public String liid() {
        return liid;
    }

    public long cin() {
        return cin;
    }

    /** The encoder thread that owns the CC counter. */
    public int encoderIndex() {
        return encoderIndex;
    }

    /** CC records encoded by this process (sequence numbers continue across restarts; this count does not). */
    public long ccRecords() {
        return ccRecords;
    }

    /** IRI records encoded so far. */
    public long iriRecords() {
        return iriRecords;
    }

    /** Next CC sequence number (for tests and status). */
    public long nextCcSeq() {
        return nextCcSeq;
    }

    @Override
    public String toString() {
        return "KeyState[" + interceptName + ", cin " + cin + "]"; // no target identity
    }
}
