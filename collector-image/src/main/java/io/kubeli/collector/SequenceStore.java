package io.kubeli.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a key's ETSI sequence numbers start in this process. With the mediator link they continue right after
 * the highest number that may have left the previous process (the link client's write-ahead journal: sent or
 * spooled), so after a crash the agency sees a gap only where records were really lost (and counted), and numbers
 * of records that died in memory are reused. Without persistence every key starts at 0 (file output).
 */
public final class SequenceStore {
    /** The first number of a stream of a key (0 for a new one). */
    @FunctionalInterface
    public interface Start {
        long next(KeyState key, Stream stream);
    }

    private final Start start;

    private SequenceStore(Start start) {
        this.start = start;
    }

    /** No persistence: every key starts at 0. */
    public static SequenceStore none() {
        return new SequenceStore((k, s) -> 0);
    }

    /**
     * Numbers from {@code start}, never below those a block-reserving collector of an older version left in
     * {@code legacyFile} ({@code LIID<TAB>CIN<TAB>nextCc<TAB>nextIri}), if present: an upgrade never reuses one.
     */
    public static SequenceStore from(Start start, Path legacyFile) {
        Map<String, long[]> legacy = new HashMap<>();
        if (legacyFile != null && Files.exists(legacyFile)) {
            try {
                for (String line : Files.readAllLines(legacyFile, StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t");
                    if (f.length == 4) {
                        legacy.put(f[0] + '\u0000' + f[1], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                    }
                }
            } catch (IOException | NumberFormatException e) {
                throw new IllegalArgumentException(
                        "cannot read the sequence state " + legacyFile + ": " + e.getMessage());
            }
        }
        return new SequenceStore((k, s) -> {
            long[] v = legacy.get(k.liid() + '\u0000' + k.cin());
            long old = v == null ? 0 : s == Stream.CC ? v[0] : v[1];
            return Math.max(old, start.next(k, s));
        });
    }

    /** Retired keys remembered: a call or session whose key comes back continues its numbers (bounded, LRU). */
    static final int REMEMBERED = 65_536;

    private final Map<String, long[]> retired = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> e) {
            return size() > REMEMBERED;
        }
    };

    /** Sets a new key's starting numbers. */
    synchronized void init(KeyState k) {
        long[] r = retired.remove(id(k));
        k.nextCcSeq = Math.max(start.next(k, Stream.CC), r == null ? 0 : r[0]);
        k.nextIriSeq = Math.max(start.next(k, Stream.IRI), r == null ? 0 : r[1]);
    }

    /** A key leaves memory: its next numbers are remembered (bounded) for when it comes back. */
    synchronized void retire(KeyState k) {
        retired.put(id(k), new long[] {k.nextCcSeq, k.nextIriSeq});
    }

    synchronized int remembered() {
        return retired.size();
    }

    private static String id(KeyState k) {
        return k.interceptName() + '\u0000' + k.liid() + '\u0000' + k.cin();
    }
}
