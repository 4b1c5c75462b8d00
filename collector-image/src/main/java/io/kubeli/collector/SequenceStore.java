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
                throw new IllegalArgumentException("cannot read the sequence state " + legacyFile + ": " + e.getMessage());
            }
        }
        return new SequenceStore((k, s) -> {
            long[] v = legacy.get(k.liid() + '\u0000' + k.cin());
            long old = v == null ? 0 : s == Stream.CC ? v[0] : v[1];
            return Math.max(old, start.next(k, s));
        });
    }

    /** Sets a new key's starting numbers. */
    synchronized void init(KeyState k) {
        k.nextCcSeq = start.next(k, Stream.CC);
        k.nextIriSeq = start.next(k, Stream.IRI);
    }
}
