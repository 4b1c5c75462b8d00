package io.kubeli.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/** Persisted committed positions of a {@link SegmentLog}'s named readers: files {@code cursors/NAME} (index + CRC32C). */
final class CursorStore {
    private static final Logger LOG = Logger.getLogger(CursorStore.class.getName());
    private final Path dir;
    private final boolean force;
    final Map<String, Long> values = new ConcurrentHashMap<>();
    private final Map<String, Boolean> dirty = new ConcurrentHashMap<>();

    CursorStore(Path dir, boolean force) throws IOException {
        this.dir = dir;
        this.force = force;
        PrivateFiles.createDirectories(dir);
    }

    void put(String name, long index) {
        values.put(name, index);
        dirty.put(name, Boolean.TRUE);
    }

    void remove(String name) throws IOException {
        values.remove(name);
        dirty.remove(name);
        Files.deleteIfExists(dir.resolve(name));
    }

    /** Smallest committed index over all cursors, or Long.MAX_VALUE when there are none. */
    long min() {
        long min = Long.MAX_VALUE;
        for (long c : values.values()) {
            min = Math.min(min, c);
        }
        return min;
    }

    /** Writes changed cursors ({@link PrivateFiles#replace}, forced when the log's fsync is on). */
    synchronized void persist() throws IOException {
        for (String name : List.copyOf(dirty.keySet())) {
            dirty.remove(name);
            Long v = values.get(name);
            if (v == null) {
                continue;
            }
            byte[] b = new byte[12];
            ByteBuffer.wrap(b).putLong(v);
            CRC32C c = new CRC32C();
            c.update(b, 0, 8);
            ByteBuffer.wrap(b).putInt(8, (int) c.getValue());
            try {
                PrivateFiles.replace(dir.resolve(name), b, force);
            } catch (IOException e) {
                dirty.put(name, Boolean.TRUE); // written again at the next persist
                throw e;
            }
        }
    }

    /** Loads all cursor files; an unreadable one restarts at {@code firstIndex} (logged). */
    void load(long firstIndex, String logName) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                    continue;
                }
                byte[] b = Files.readAllBytes(p);
                CRC32C c = new CRC32C();
                c.update(b, 0, Math.min(8, b.length));
                if (b.length != 12 || (int) c.getValue() != ByteBuffer.wrap(b).getInt(8)) {
                    LOG.warning("segment log " + logName + ": cursor " + name
                            + " unreadable, restarting it at the oldest record");
                    values.put(name, firstIndex);
                } else {
                    values.put(name, ByteBuffer.wrap(b).getLong());
                }
            }
        }
    }
}
