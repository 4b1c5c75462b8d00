package io.kubeli.collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Immutable longest-prefix-match table from IP addresses to the intercepts that target them. One open-addressing
 * hash per prefix length present, probed from the longest length down, so a lookup costs one probe per distinct
 * length in use (one for all-host targets), independent of the number of targets. The entries of a prefix
 * include those of every shorter covering prefix (per intercept the longest match wins), so the first hit is
 * the complete answer. Safe to read from any number of threads; swap whole tables to change it.
 */
public final class TargetTable {
    /** The empty table. */
    public static final TargetTable EMPTY = new Builder().build();

    private final int[] v4Lengths;
    private final IntTable[] v4;
    private final int[] v6Lengths;
    private final LongTable[] v6;
    private final int size;

    private TargetTable(int[] v4Lengths, IntTable[] v4, int[] v6Lengths, LongTable[] v6, int size) {
        this.v4Lengths = v4Lengths;
        this.v4 = v4;
        this.v6Lengths = v6Lengths;
        this.v6 = v6;
        this.size = size;
    }

    /** Number of distinct prefixes. */
    public int size() {
        return size;
    }

    /** True when no prefix is present. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Entries targeting this IPv4 address, or null. */
    public TargetEntry[] lookup4(int addr) {
        IntTable[] t = v4;
        for (int i = 0; i < t.length; i++) {
            TargetEntry[] e = t[i].get(addr & IpPrefix.mask4(v4Lengths[i]));
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Entries targeting this IPv6 address, or null. */
    public TargetEntry[] lookup6(long hi, long lo) {
        LongTable[] t = v6;
        for (int i = 0; i < t.length; i++) {
            int len = v6Lengths[i];
            TargetEntry[] e = t[i].get(hi & IpPrefix.maskHi(len), lo & IpPrefix.maskLo(len));
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** Collects (prefix, entry) pairs and builds a table. */
    public static final class Builder {
        private final Map<IpPrefix, List<TargetEntry>> prefixes = new LinkedHashMap<>();

        /** Adds one target prefix for an entry. */
        public Builder add(IpPrefix prefix, TargetEntry entry) {
            prefixes.computeIfAbsent(prefix, p -> new ArrayList<>()).add(entry);
            return this;
        }

        public TargetTable build() {
            TreeSet<Integer> len4 = new TreeSet<>(Comparator.reverseOrder());
            TreeSet<Integer> len6 = new TreeSet<>(Comparator.reverseOrder());
            for (IpPrefix p : prefixes.keySet()) {
                (p.version() == 4 ? len4 : len6).add(p.length());
            }
            int[] l4 = len4.stream().mapToInt(Integer::intValue).toArray();
            int[] l6 = len6.stream().mapToInt(Integer::intValue).toArray();
            Map<Integer, List<Map.Entry<IpPrefix, TargetEntry[]>>> byLen = new LinkedHashMap<>();
            for (Map.Entry<IpPrefix, List<TargetEntry>> e : prefixes.entrySet()) {
                IpPrefix p = e.getKey();
                TargetEntry[] merged = merge(p, p.version() == 4 ? l4 : l6);
                byLen.computeIfAbsent(p.version() * 1000 + p.length(), k -> new ArrayList<>())
                        .add(Map.entry(p, merged));
            }
            IntTable[] t4 = new IntTable[l4.length];
            for (int i = 0; i < l4.length; i++) {
                List<Map.Entry<IpPrefix, TargetEntry[]>> list = byLen.get(4000 + l4[i]);
                t4[i] = new IntTable(list.size());
                for (Map.Entry<IpPrefix, TargetEntry[]> e : list) {
                    t4[i].put(e.getKey().v4(), e.getValue());
                }
            }
            LongTable[] t6 = new LongTable[l6.length];
            for (int i = 0; i < l6.length; i++) {
                List<Map.Entry<IpPrefix, TargetEntry[]>> list = byLen.get(6000 + l6[i]);
                t6[i] = new LongTable(list.size());
                for (Map.Entry<IpPrefix, TargetEntry[]> e : list) {
                    t6[i].put(e.getKey().hi(), e.getKey().lo(), e.getValue());
                }
            }
            return new TargetTable(l4, t4, l6, t6, prefixes.size());
        }

        /** Own entries first, then those of shorter covering prefixes whose intercept is not yet present. */
        private TargetEntry[] merge(IpPrefix p, int[] lengthsDesc) {
            List<TargetEntry> out = new ArrayList<>();
            addNew(out, prefixes.get(p));
            for (int len : lengthsDesc) {
                if (len >= p.length()) {
                    continue;
                }
                IpPrefix cover = p.version() == 4
                        ? new IpPrefix(4, 0, (p.v4() & IpPrefix.mask4(len)) & 0xFFFFFFFFL, len, null)
                        : new IpPrefix(6, p.hi() & IpPrefix.maskHi(len), p.lo() & IpPrefix.maskLo(len), len, null);
                List<TargetEntry> covering = prefixes.get(cover);
                if (covering != null) {
                    addNew(out, covering);
                }
            }
            return out.toArray(TargetEntry[]::new);
        }

        private static void addNew(List<TargetEntry> out, List<TargetEntry> add) {
            for (TargetEntry e : add) {
                boolean present = false;
                for (TargetEntry o : out) {
                    present |= o.intercept() == e.intercept();
                }
                if (!present) {
                    out.add(e);
                }
            }
        }
    }

    private static int capacityFor(int n) {
        int c = 4;
        while (c < n * 2) {
            c <<= 1;
        }
        return c;
    }

    /**
     * Open addressing, linear probing, int keys stored as {@code 1 << 32 | key} (0 = free slot), so a probe reads
     * one array: a miss costs one memory access, and the value array is read only on a hit.
     */
    private static final class IntTable {
        private final long[] keys;
        private final TargetEntry[][] values;
        private final int mask;

        IntTable(int n) {
            int c = capacityFor(n);
            keys = new long[c];
            values = new TargetEntry[c][];
            mask = c - 1;
        }

        void put(int key, TargetEntry[] v) {
            long k = (1L << 32) | (key & 0xFFFFFFFFL);
            int i = mix(key) & mask;
            while (keys[i] != 0 && keys[i] != k) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            values[i] = v;
        }

        TargetEntry[] get(int key) {
            long k = (1L << 32) | (key & 0xFFFFFFFFL);
            int i = mix(key) & mask;
            long s;
            while ((s = keys[i]) != 0) {
                if (s == k) {
                    return values[i];
                }
                i = (i + 1) & mask;
            }
            return null;
        }

        private static int mix(int k) {
            int h = k * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }

    /** Open addressing, linear probing, 128-bit keys as two longs. */
    private static final class LongTable {
        private final long[] keys;
        private final TargetEntry[][] values;
        private final int mask;

        LongTable(int n) {
            int c = capacityFor(n);
            keys = new long[c * 2];
            values = new TargetEntry[c][];
            mask = c - 1;
        }

        void put(long hi, long lo, TargetEntry[] v) {
            int i = mix(hi, lo) & mask;
            while (values[i] != null && !(keys[2 * i] == hi && keys[2 * i + 1] == lo)) {
                i = (i + 1) & mask;
            }
            keys[2 * i] = hi;
            keys[2 * i + 1] = lo;
            values[i] = v;
        }

        TargetEntry[] get(long hi, long lo) {
            int i = mix(hi, lo) & mask;
            TargetEntry[] v;
            while ((v = values[i]) != null) {
                if (keys[2 * i] == hi && keys[2 * i + 1] == lo) {
                    return v;
                }
                i = (i + 1) & mask;
            }
            return null;
        }

        private static int mix(long hi, long lo) {
            long h = (hi * 0x9E3779B97F4A7C15L) ^ (lo * 0xC2B2AE3D27D4EB4FL);
            return (int) (h ^ (h >>> 32));
        }
    }

    @Override
    public String toString() {
        return "TargetTable[" + size + " prefixes, v4 lengths " + Arrays.toString(v4Lengths) + ", v6 lengths "
                + Arrays.toString(v6Lengths) + "]";
    }
}
