package io.kubeli.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Keeps ETSI sequence numbers across collector restarts (mediator output): a block of numbers is reserved on disk
 * before an owner uses it, and the exact next numbers are written at a clean shutdown. After a clean restart the
 * numbers continue without a gap; after a crash they continue after the last reservation (a gap, never a reuse).
 * File format: one line per key, {@code LIID<TAB>CIN<TAB>nextCc<TAB>nextIri}, replaced atomically.
 */
public final class SequenceStore {
    private static final Logger LOG = Logger.getLogger(SequenceStore.class.getName());
    /** Numbers reserved per key and stream at a time. */
    static final long BLOCK = 1 << 16;

    private final Path file;
    private final Map<String, long[]> saved = new HashMap<>();

    private SequenceStore(Path file) {
        this.file = file;
    }

    /** No persistence: every key starts at 0 and never reserves. */
    public static SequenceStore none() {
        return new SequenceStore(null);
    }

    /** Loads (or starts) the store in {@code file}; throws when it exists but cannot be read. */
    public static SequenceStore open(Path file) {
        SequenceStore s = new SequenceStore(file);
        if (Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t");
                    if (f.length == 4) {
                        s.saved.put(f[0] + '\u0000' + f[1], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                    }
                }
            } catch (IOException | NumberFormatException e) {
                throw new IllegalArgumentException("cannot read the sequence state " + file + ": " + e.getMessage());
            }
        }
        return s;
    }

    boolean persistent() {
        return file != null;
    }

    /** Sets a new key's starting numbers and (when persistent) reserves its first blocks. */
    synchronized void init(KeyState k) {
        long[] v = saved.get(id(k));
        if (v != null) {
            k.nextCcSeq = v[0];
            k.nextIriSeq = v[1];
        }
        if (file == null) {
            k.ccLimit = Long.MAX_VALUE;
            k.iriLimit = Long.MAX_VALUE;
            return;
        }
        k.ccLimit = k.nextCcSeq + BLOCK;
        k.iriLimit = k.nextIriSeq + BLOCK;
        saved.put(id(k), new long[] {k.ccLimit, k.iriLimit});
        write();
    }

    /** Called by the owner of a stream when its number reaches the reserved limit: reserves the next block. */
    synchronized void reserve(KeyState k, Stream s) {
        long[] v = saved.computeIfAbsent(id(k), x -> new long[2]);
        if (s == Stream.CC) {
            k.ccLimit = k.nextCcSeq + BLOCK;
            v[0] = k.ccLimit;
        } else {
            k.iriLimit = k.nextIriSeq + BLOCK;
            v[1] = k.iriLimit;
        }
        write();
    }

    /** At a clean shutdown (all owners stopped): records the exact next numbers. */
    synchronized void saveExact(Collection<KeyState> keys) {
        if (file == null) {
            return;
        }
        for (KeyState k : keys) {
            saved.put(id(k), new long[] {k.nextCcSeq, k.nextIriSeq});
        }
        write();
    }

    private static String id(KeyState k) {
        return k.liid() + '\u0000' + k.cin();
    }

    private void write() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, long[]> e : saved.entrySet()) {
            sb.append(e.getKey().replace('\u0000', '\t')).append('\t').append(e.getValue()[0]).append('\t')
                    .append(e.getValue()[1]).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.severe("cannot persist sequence numbers to " + file + ": " + e.getMessage());
            throw new UncheckedIOException(e);
        }
    }
}
