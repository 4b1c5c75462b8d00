package io.kubeli.mediator.ingest;

import io.kubeli.link.LogEntry;
import io.kubeli.link.LogReader;
import io.kubeli.link.SegmentLog;
import io.kubeli.link.SegmentLogConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commit point of a multi-log store. A batch is written and forced into every target log first (staged, not yet
 * visible); then one small marker here, naming the highest link sequence stored per collector, makes it committed;
 * only then are the records published and acknowledged. A crash before the marker leaves staged records on disk that
 * were never acknowledged: at start-up {@link StoreRecovery} cuts them, so no log keeps part of a batch whose other
 * part is missing (which would make the mediator claim records it never stored). Every {@value #FULL_EVERY} markers a
 * full-state marker is written and older segments are dropped, so the log stays small.
 */
public final class CommitLog implements AutoCloseable {
    static final int FULL_EVERY = 4096;
    private final SegmentLog log;
    private final LogReader trim;
    private final boolean fresh;
    private final Map<String, Long> latest = new HashMap<>();
    private int sinceFull;

    private CommitLog(SegmentLog log, boolean fresh) throws IOException {
        this.log = log;
        this.fresh = fresh;
        this.trim = log.reader("trim");
        LogReader r = log.reader("scan");
        try {
            r.seek(log.firstIndex());
            for (LogEntry e; (e = r.next()) != null; ) decode(e.data(), latest);
        } finally {
            log.removeReader("scan"); // a leftover cursor would hold back trimming
        }
    }

    /** Opens (creating) the commit log in {@code dir}; {@code fsync} forces each marker before it returns. */
    public static CommitLog open(Path dir, boolean fsync) throws IOException {
        boolean fresh = !Files.exists(dir);
        SegmentLogConfig cfg = SegmentLogConfig.of(dir)
                .withSegmentBytes(2 << 20)
                .withMaxBytes(1L << 30)
                .withMaxRecordBytes(1 << 20)
                .withFsync(fsync ? io.kubeli.link.FsyncPolicy.perBatch() : io.kubeli.link.FsyncPolicy.none());
        return new CommitLog(SegmentLog.open(cfg), fresh);
    }

    /** Whether the directory did not exist (a data directory written before commit markers: nothing can be judged). */
    public boolean fresh() {
        return fresh;
    }

    /** Highest committed link sequence of {@code collector}, -1 when none. */
    public synchronized long committed(String collector) {
        return latest.getOrDefault(collector, -1L);
    }

    /** Whether any marker names {@code collector}. */
    public synchronized boolean knows(String collector) {
        return latest.containsKey(collector);
    }

    /** Makes the staged batch whose highest link sequences are {@code highest} committed (durable on return). */
    public synchronized void commit(Map<String, Long> highest) throws IOException {
        log.append(encode(highest));
        highest.forEach((k, v) -> latest.merge(k, v, Math::max));
        if (++sinceFull >= FULL_EVERY) {
            long at = log.append(encode(latest));
            sinceFull = 0;
            trim.commit(at); // everything before the full state is covered by it
            log.deleteConsumed();
        }
    }

    static byte[] encode(Map<String, Long> m) {
        int size = 4;
        for (String k : m.keySet()) size += 2 + k.getBytes(StandardCharsets.UTF_8).length + 8;
        ByteBuffer b = ByteBuffer.allocate(size).putInt(m.size());
        m.forEach((k, v) -> {
            byte[] s = k.getBytes(StandardCharsets.UTF_8);
            b.putShort((short) s.length).put(s).putLong(v);
        });
        return b.array();
    }

    static void decode(byte[] d, Map<String, Long> into) {
        ByteBuffer b = ByteBuffer.wrap(d);
        int n = b.getInt();
        for (int i = 0; i < n; i++) {
            byte[] s = new byte[b.getShort() & 0xffff];
            b.get(s);
            into.merge(new String(s, StandardCharsets.UTF_8), b.getLong(), Math::max);
        }
    }

    /** Collectors named by any marker (for tests and recovery reports). */
    synchronized List<String> collectors() {
        return List.copyOf(latest.keySet());
    }

    @Override
    public void close() throws IOException {
        trim.close();
        log.close();
    }
}
