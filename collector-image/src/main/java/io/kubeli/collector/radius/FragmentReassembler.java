package io.kubeli.collector.radius;

/**
 * Reassembles fragmented UDP datagrams (IPv4 and IPv6) for one capture thread (fan-out by address pair keeps the
 * fragments of a datagram on one thread): RADIUS with the defaults, SIP with larger datagrams. Bounded and
 * allocation-free once its slots have been used: at most {@code slots} datagrams in progress, each at most
 * {@code max} octets (UDP header included), dropped after 5 s of capture time. A datagram is followed only from its
 * first fragment (the one with the UDP ports): a later fragment that arrives first is not known to be ours.
 * Overlapping, oversized or odd-length non-final fragments drop the datagram (counted).
 */
public final class FragmentReassembler {
    /** Datagrams reassembled at once at most. */
    public static final int SLOTS = 64;

    static final int MAX = 8 + RadiusParser.MAX_LENGTH;
    private static final long TIMEOUT_NANOS = 5_000_000_000L;

    private final int slots;
    private final int max;
    private final int[] version;
    private final long[] srcHi;
    private final long[] srcLo;
    private final long[] dstHi;
    private final long[] dstLo;
    private final long[] id;
    private final long[] started;
    private final int[] total; // -1 until the last fragment is seen
    private final byte[][] data; // allocated when a slot is first used
    private final long[][] have;
    private long dropped;
    private long completed;

    /** RADIUS: {@link #SLOTS} datagrams of at most 8 + 4096 octets. */
    public FragmentReassembler() {
        this(SLOTS, MAX);
    }

    /** {@code slots} datagrams in progress at most, each at most {@code max} octets (UDP header included). */
    public FragmentReassembler(int slots, int max) {
        if (slots < 1 || max < 8 || max > 65_535) {
            throw new IllegalArgumentException("slots >= 1 and 8 <= max <= 65535");
        }
        this.slots = slots;
        this.max = max;
        version = new int[slots];
        srcHi = new long[slots];
        srcLo = new long[slots];
        dstHi = new long[slots];
        dstLo = new long[slots];
        id = new long[slots];
        started = new long[slots];
        total = new int[slots];
        data = new byte[slots][];
        have = new long[slots][((max + 7) / 8 + 63) / 64];
    }

    /** Datagrams given up (overlap, too long, timeout, table full). */
    public long dropped() {
        return dropped;
    }

    public long completed() {
        return completed;
    }

    /** Whether a datagram with this key is being reassembled (for fragments after the first). */
    public boolean pending(int v, long sHi, long sLo, long dHi, long dLo, long fragId) {
        return find(v, sHi, sLo, dHi, dLo, fragId) >= 0;
    }

    /**
     * Adds one fragment's data ({@code len} octets at datagram offset {@code off}; the first fragment starts with
     * the UDP header). Returns the slot holding the complete datagram (read it with {@link #datagram}, then
     * {@link #release}), or -1 while incomplete or dropped.
     */
    public int offer(
            int v,
            long sHi,
            long sLo,
            long dHi,
            long dLo,
            long fragId,
            int off,
            boolean more,
            java.lang.foreign.MemorySegment seg,
            long at,
            int len,
            long ts) {
        int s = find(v, sHi, sLo, dHi, dLo, fragId);
        if (s < 0) {
            if (off != 0) {
                return -1; // not a datagram we follow
            }
            s = freeSlot(ts);
            version[s] = v;
            srcHi[s] = sHi;
            srcLo[s] = sLo;
            dstHi[s] = dHi;
            dstLo[s] = dLo;
            id[s] = fragId;
            started[s] = ts;
            total[s] = -1;
            if (data[s] == null) {
                data[s] = new byte[max];
            }
            java.util.Arrays.fill(have[s], 0);
        }
        if (len < 0 || off + len > max || (more && (len & 7) != 0) || overlaps(s, off, len)) {
            dropped++;
            version[s] = 0;
            return -1;
        }
        java.lang.foreign.MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, at, data[s], off, len);
        mark(s, off, len);
        if (!more) {
            total[s] = off + len;
        }
        if (total[s] >= 0 && complete(s)) {
            completed++;
            return s;
        }
        return -1;
    }

    /** The complete datagram of a slot returned by {@link #offer} (UDP header first). */
    public byte[] datagram(int slot) {
        return data[slot];
    }

    public int length(int slot) {
        return total[slot];
    }

    public void release(int slot) {
        version[slot] = 0;
    }

    private int find(int v, long sHi, long sLo, long dHi, long dLo, long fragId) {
        for (int i = 0; i < slots; i++) {
            if (version[i] == v
                    && id[i] == fragId
                    && srcLo[i] == sLo
                    && dstLo[i] == dLo
                    && srcHi[i] == sHi
                    && dstHi[i] == dHi) {
                return i;
            }
        }
        return -1;
    }

    private int freeSlot(long ts) {
        int oldest = 0;
        for (int i = 0; i < slots; i++) {
            if (version[i] == 0) {
                return i;
            }
            if (ts - started[i] > TIMEOUT_NANOS) {
                dropped++;
                version[i] = 0;
                return i;
            }
            if (started[i] < started[oldest]) {
                oldest = i;
            }
        }
        dropped++; // full: the oldest is given up
        return oldest;
    }

    private boolean overlaps(int s, int off, int len) {
        for (int b = off / 8; b < (off + len + 7) / 8; b++) {
            if ((have[s][b >>> 6] & (1L << (b & 63))) != 0) {
                return true;
            }
        }
        return false;
    }

    private void mark(int s, int off, int len) {
        for (int b = off / 8; b < (off + len + 7) / 8; b++) {
            have[s][b >>> 6] |= 1L << (b & 63);
        }
    }

    private boolean complete(int s) {
        int blocks = (total[s] + 7) / 8;
        for (int b = 0; b < blocks; b++) {
            if ((have[s][b >>> 6] & (1L << (b & 63))) == 0) {
                return false;
            }
        }
        return true;
    }
}
