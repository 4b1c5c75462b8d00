package io.kubeli.mediator.ingest;

import io.kubeli.mediator.store.DeliveryLog;
import io.kubeli.mediator.store.StoredRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Highest link sequence stored per collector. Durable two ways: every stored record carries its collector id and link
 * sequence (rescanned at start-up), and a snapshot file covers records whose segments were already reclaimed.
 */
public final class DedupState {
    private static final Logger LOG = Logger.getLogger(DedupState.class.getName());
    private final Path file;
    private final Map<String, Long> highest = new ConcurrentHashMap<>();
    private volatile boolean dirty;

    public DedupState(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            }
            for (String k : p.stringPropertyNames()) {
                try {
                    highest.put(k, Long.parseLong(p.getProperty(k)));
                } catch (NumberFormatException e) {
                    LOG.warning("dedup snapshot: ignoring a bad entry");
                }
            }
        }
    }

    /** Raises the state with every record still retained in {@code log} (the records newer than the snapshot). */
    public void rescan(DeliveryLog log) throws IOException {
        long pos = log.start();
        while (pos < log.end()) {
            int n = log.read(pos, 4096, 1 << 20, (idx, b, off, len) -> {
                StoredRecord e = StoredRecord.decode(b, off, len);
                update(e.collector(), e.linkSeq());
            });
            if (n == 0) break;
            pos += n;
        }
    }

    /** -1 when nothing was stored from this collector. */
    public long highest(String collector) {
        return highest.getOrDefault(collector, -1L);
    }

    /** A copy of the current values. */
    public Map<String, Long> copy() {
        return Map.copyOf(highest);
    }

    public void update(String collector, long seq) {
        highest.merge(collector, seq, Math::max);
        dirty = true;
    }

    /**
     * Writes the snapshot durably ({@link SnapshotFile}). One writer at a time (the periodic timer and the final write
     * at shutdown may overlap); cheap when nothing changed. A data directory that is gone (removed while stopping) is
     * not worth a warning: the records' own headers rebuild the state at the next start.
     */
    public synchronized void persist() {
        if (!dirty) return;
        dirty = false;
        Properties p = new Properties();
        highest.forEach((k, v) -> p.setProperty(k, Long.toString(v)));
        try {
            SnapshotFile.write(file, p, "highest link sequence stored per collector");
        } catch (java.nio.file.NoSuchFileException e) {
            LOG.fine("dedup snapshot not written: the data directory is gone");
        } catch (IOException e) {
            dirty = true;
            LOG.warning("cannot write the dedup snapshot (retried): " + e.getMessage());
        }
    }
}
