package io.kubeli.collector.sip;

/**
 * Per-capture-thread TCP reassembly for SIP: the unparsed tail of a flow (a message split across segments) waits
 * here for the next in-order segment. Bounded: {@link #FLOWS} flows (the least recently used is dropped), at most
 * {@link SipParser#MAX_MESSAGE} octets each, idle flows forgotten after {@link #IDLE_NANOS}; a gap (lost segment)
 * drops the flow's tail. Every drop is counted. Not thread-safe: one instance per capture thread.
 */
public final class TcpStreams {
    public static final int FLOWS = 256;
    public static final long IDLE_NANOS = 30_000_000_000L;

    private final long[][] key = new long[FLOWS][];
    private final long[] next = new long[FLOWS];
    private final long[] last = new long[FLOWS];
    private final byte[][] data = new byte[FLOWS][];
    private final int[] length = new int[FLOWS];
    private final byte[] work = new byte[2 * SipParser.MAX_MESSAGE + 2];
    private int workLength;
    private long workNext;
    public long gaps;
    public long overflows;
    public long evicted;
    public long reassembled;

    /**
     * Joins a segment (payload {@code seg[off..off+n)}, sequence number {@code seq}) to its flow's waiting tail;
     * returns the bytes to parse, in {@link #work()} from 0 to {@link #workLength()}.
     */
    public void join(long[] flow, long seq, byte[] seg, int off, int n, long ts) {
        int slot = find(flow);
        workLength = 0;
        workNext = (seq + n) & 0xFFFF_FFFFL;
        if (slot >= 0) {
            long gap = (seq - next[slot]) & 0xFFFF_FFFFL;
            if (gap == 0) {
                System.arraycopy(data[slot], 0, work, 0, length[slot]);
                workLength = length[slot];
                reassembled++;
            } else if (gap < 0x8000_0000L) {
                gaps++; // a segment was lost: the waiting tail can never complete
            } else {
                long dup = 0x1_0000_0000L - gap; // a retransmission overlapping what we have: keep only the new part
                workNext = dup >= n ? next[slot] : workNext;
                System.arraycopy(data[slot], 0, work, 0, length[slot]);
                workLength = length[slot];
                if (dup >= n) {
                    n = 0;
                } else {
                    off += (int) dup;
                    n -= (int) dup;
                }
            }
            key[slot] = null;
            data[slot] = null;
        }
        System.arraycopy(seg, off, work, workLength, n);
        workLength += n;
        expire(ts);
    }

    public byte[] work() {
        return work;
    }

    public int workLength() {
        return workLength;
    }

    /** The sequence number expected after the joined bytes. */
    public long workNext() {
        return workNext;
    }

    /** Keeps {@code work[from..workLength)} as the flow's tail until the segment after {@code nextSeq}. */
    public void keep(long[] flow, int from, long ts) {
        long nextSeq = workNext;
        int n = workLength - from;
        if (n <= 0) {
            return;
        }
        if (n > SipParser.MAX_MESSAGE) {
            overflows++;
            return;
        }
        int slot = -1;
        long oldest = Long.MAX_VALUE;
        int lru = 0;
        for (int i = 0; i < FLOWS; i++) {
            if (key[i] == null) {
                slot = i;
                break;
            }
            if (last[i] < oldest) {
                oldest = last[i];
                lru = i;
            }
        }
        if (slot < 0) {
            slot = lru;
            evicted++;
        }
        key[slot] = flow.clone();
        data[slot] = java.util.Arrays.copyOfRange(work, from, workLength);
        length[slot] = n;
        next[slot] = nextSeq & 0xFFFF_FFFFL;
        last[slot] = ts;
    }

    /** Flows with a waiting tail (tests). */
    public int waiting() {
        int n = 0;
        for (long[] k : key) {
            n += k == null ? 0 : 1;
        }
        return n;
    }

    private int find(long[] flow) {
        for (int i = 0; i < FLOWS; i++) {
            if (key[i] != null && java.util.Arrays.equals(key[i], flow)) {
                return i;
            }
        }
        return -1;
    }

    private void expire(long ts) {
        for (int i = 0; i < FLOWS; i++) {
            if (key[i] != null && ts - last[i] > IDLE_NANOS) {
                key[i] = null;
                data[i] = null;
                evicted++;
            }
        }
    }
}
