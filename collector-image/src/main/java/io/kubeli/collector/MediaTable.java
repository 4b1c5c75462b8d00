package io.kubeli.collector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The media endpoints of followed SIP calls, changed one key in place: (IP version, address, UDP port) of a target
 * endpoint -> the target entries of the calls using it. One writer (under the {@link InterceptManager}'s lock) adds
 * or removes one call's keys at a cost of O(that call) (amortised: a rehash now and then), whatever the number of
 * calls; capture threads read without locks or allocation, and see a change on their next packet (volatile writes).
 *
 * <p>Open addressing with linear probing. A removed key leaves a tombstone (its value null) that is reused only by
 * the same key, so a reader never sees a slot change key under it; the table is rehashed into a new array (published
 * whole) when tombstones and keys fill half of it. Two bitmaps (16-bit hash of the address; UDP port) let a packet
 * that no endpoint can match skip the probes: non-target traffic costs a bit test per address. At most {@link #MAX_SHARE} calls share one key: a further call's claim displaces the oldest (counted).
 */
public final class MediaTable {
    /** Calls that may claim one (address, port) at once. */
    static final int MAX_SHARE = 4;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle REFS = MethodHandles.arrayElementVarHandle(TargetEntry[][].class);
    private static final int MIN_CAPACITY = 16;

    /** One generation of slots: keys as (tag, hi, lo) triples, tag = version << 16 | port (0 = free). */
    private static final class Slots {
        final long[] keys;
        final TargetEntry[][] values;
        final int mask;
        int used; // keys and tombstones (writer only)

        Slots(int capacity) {
            keys = new long[capacity * 3];
            values = new TargetEntry[capacity][];
            mask = capacity - 1;
        }
    }

    private volatile Slots slots = new Slots(MIN_CAPACITY);
    /** Bit per UDP port / address hash: set while some key uses it (set before the key appears, cleared after). */
    private final long[] portBits = new long[1024];

    private final int[] portUse = new int[65536]; // writer only
    private final long[] addrBits = new long[1024];
    private final int[] addrUse = new int[65536]; // writer only
    private volatile int live; // written by the writer only; read by metrics
    private long writes; // slots written, rehash copies included (writer only): the cost of the changes
    private volatile long displaced;

    /** False when no endpoint has this address (a bit test; true may be a hash collision); any capture thread. */
    public boolean mayHold(long hi, long lo) {
        int a = addrHash(hi, lo);
        return ((long) LONGS.getVolatile(addrBits, a >>> 6) & (1L << a)) != 0;
    }

    /**
     * Target entries of the call(s) whose endpoint is (address, port), or null; any capture thread. Callers test
     * {@link #mayHold} first (so packets of addresses without endpoints do not even read their ports).
     */
    public TargetEntry[] lookup(int version, long hi, long lo, int port) {
        if (((long) LONGS.getVolatile(portBits, port >>> 6) & (1L << port)) == 0) {
            return null;
        }
        Slots s = slots;
        long tag = (long) version << 16 | port;
        long[] k = s.keys;
        int i = mix(tag, hi, lo) & s.mask;
        long t;
        while ((t = (long) LONGS.getAcquire(k, 3 * i)) != 0) {
            if (t == tag && k[3 * i + 1] == hi && k[3 * i + 2] == lo) {
                return (TargetEntry[]) REFS.getVolatile(s.values, i);
            }
            i = (i + 1) & s.mask;
        }
        return null;
    }

    /**
     * Sets {@code call}'s entries at this endpoint (replacing its earlier ones there, keeping other calls'). Writer
     * only. The entries' intercept objects must be {@link SipMedia.Leg}s of {@code call}.
     */
    void put(int version, long hi, long lo, int port, SipMedia call, TargetEntry[] entries) {
        Slots s = slots;
        int i = find(s, version, hi, lo, port);
        TargetEntry[] old = i < 0 ? null : s.values[i];
        TargetEntry[] merged = merge(old, call, entries);
        if (old == null) {
            use(portBits, portUse, port, +1);
            use(addrBits, addrUse, addrHash(hi, lo), +1);
            live++;
        }
        if (i < 0) {
            if ((s.used + 1) * 2 > s.values.length) {
                s = rehash(live);
            }
            insert(s, version, hi, lo, port, merged);
        } else {
            REFS.setVolatile(s.values, i, merged);
            writes++;
        }
    }

    /** Removes {@code call}'s entries at this endpoint (other calls' stay). Writer only. */
    void remove(int version, long hi, long lo, int port, SipMedia call) {
        Slots s = slots;
        int i = find(s, version, hi, lo, port);
        if (i < 0 || s.values[i] == null) {
            return;
        }
        TargetEntry[] rest = without(s.values[i], call);
        REFS.setVolatile(s.values, i, rest);
        writes++;
        if (rest == null) {
            live--;
            use(portBits, portUse, port, -1);
            use(addrBits, addrUse, addrHash(hi, lo), -1);
        }
    }

    /** Live keys (writer's view). */
    int size() {
        return live;
    }

    /** Slots in the current array (less than 8 x the live keys of the last rehash, at least 16). */
    int capacity() {
        return slots.values.length;
    }

    /** Slots written so far, rehash copies included. */
    long writes() {
        return writes;
    }

    /** Claims that displaced an older call's claim on a shared endpoint. */
    long displaced() {
        return displaced;
    }

    private static void use(long[] bits, int[] use, int at, int d) {
        int n = use[at] += d;
        long bit = 1L << at;
        long w = (long) LONGS.getVolatile(bits, at >>> 6);
        if (n == 1 && d > 0) {
            LONGS.setVolatile(bits, at >>> 6, w | bit);
        } else if (n == 0) {
            LONGS.setVolatile(bits, at >>> 6, w & ~bit);
        }
    }

    private static int addrHash(long hi, long lo) {
        long h = (hi * 0xC2B2AE3D27D4EB4FL) ^ (lo * 0x9E3779B97F4A7C15L);
        return (int) (h >>> 48);
    }

    /** The slot holding the key (live or tombstone), or -1. */
    private static int find(Slots s, int version, long hi, long lo, int port) {
        long tag = (long) version << 16 | port;
        int i = mix(tag, hi, lo) & s.mask;
        long t;
        while ((t = s.keys[3 * i]) != 0) {
            if (t == tag && s.keys[3 * i + 1] == hi && s.keys[3 * i + 2] == lo) {
                return i;
            }
            i = (i + 1) & s.mask;
        }
        return -1;
    }

    /** Writes a new key into the first free slot: address first, the tag (which makes it visible) then the value. */
    private void insert(Slots s, int version, long hi, long lo, int port, TargetEntry[] v) {
        long tag = (long) version << 16 | port;
        int i = mix(tag, hi, lo) & s.mask;
        while (s.keys[3 * i] != 0) {
            i = (i + 1) & s.mask;
        }
        s.keys[3 * i + 1] = hi;
        s.keys[3 * i + 2] = lo;
        REFS.setVolatile(s.values, i, v);
        LONGS.setVolatile(s.keys, 3 * i, tag);
        s.used++;
        writes++;
    }

    /** A new array without tombstones, room for twice the live keys and more; published whole. */
    private Slots rehash(int liveKeys) {
        Slots old = slots;
        int c = MIN_CAPACITY;
        while (c < (liveKeys + 1) * 4) {
            c <<= 1;
        }
        Slots n = new Slots(c);
        for (int i = 0; i < old.values.length; i++) {
            TargetEntry[] v = old.values[i];
            if (v != null) {
                int j = mix(old.keys[3 * i], old.keys[3 * i + 1], old.keys[3 * i + 2]) & n.mask;
                while (n.keys[3 * j] != 0) {
                    j = (j + 1) & n.mask;
                }
                n.keys[3 * j] = old.keys[3 * i];
                n.keys[3 * j + 1] = old.keys[3 * i + 1];
                n.keys[3 * j + 2] = old.keys[3 * i + 2];
                n.values[j] = v;
                n.used++;
                writes++;
            }
        }
        slots = n; // volatile: readers take the whole new generation
        return n;
    }

    /** {@code old} without the call's entries, its new ones appended; the oldest other call goes beyond MAX_SHARE. */
    private TargetEntry[] merge(TargetEntry[] old, SipMedia call, TargetEntry[] add) {
        TargetEntry[] kept = old == null ? null : without(old, call);
        int calls = 0;
        SipMedia last = null;
        if (kept != null) {
            for (TargetEntry e : kept) {
                SipMedia m = ((SipMedia.Leg) e.intercept()).call();
                calls += m != last ? 1 : 0; // a call's entries are contiguous
                last = m;
            }
        }
        int from = 0;
        while (kept != null && calls >= MAX_SHARE) {
            SipMedia oldest = ((SipMedia.Leg) kept[from].intercept()).call();
            while (from < kept.length && ((SipMedia.Leg) kept[from].intercept()).call() == oldest) {
                from++;
            }
            calls--;
            displaced++;
        }
        int n = kept == null ? 0 : kept.length - from;
        TargetEntry[] out = new TargetEntry[n + add.length];
        if (n > 0) {
            System.arraycopy(kept, from, out, 0, n);
        }
        System.arraycopy(add, 0, out, n, add.length);
        return out;
    }

    private static TargetEntry[] without(TargetEntry[] v, SipMedia call) {
        int n = 0;
        for (TargetEntry e : v) {
            n += ((SipMedia.Leg) e.intercept()).call() == call ? 0 : 1;
        }
        if (n == v.length) {
            return v;
        }
        if (n == 0) {
            return null;
        }
        TargetEntry[] out = new TargetEntry[n];
        int j = 0;
        for (TargetEntry e : v) {
            if (((SipMedia.Leg) e.intercept()).call() != call) {
                out[j++] = e;
            }
        }
        return out;
    }

    private static int mix(long tag, long hi, long lo) {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ (lo * 0xC2B2AE3D27D4EB4FL) ^ (tag * 0x165667B19E3779F9L);
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public String toString() {
        return "MediaTable[" + live + " endpoints]"; // addresses identify targets: not shown
    }
}
