package io.kubeli.mediator.store;

import io.kubeli.link.FsyncPolicy;
import io.kubeli.link.LogReader;
import io.kubeli.link.SegmentLog;
import io.kubeli.link.SegmentLogConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link DeliveryLog} on the link module's {@link SegmentLog} (checksummed segments, torn-tail recovery, size bound,
 * persisted named cursors): appends are collected and written as one all-or-nothing batch by {@link #sync()} (or
 * {@link #stage()} then {@link #publish()}/{@link #discard()}); a failed write leaves nothing behind; the
 * single reader "delivery" is the confirmed-delivery cursor. Reads happen on one thread at a time (the sender; before
 * it starts, the start-up scans).
 */
public final class LinkSegmentLog implements DeliveryLog {
    /** Room for a stored record's routing header (three names; StoredRecord) on top of the largest PDU. */
    static final int MAX_ENTRY_HEADER = 64 * 1024;

    private static final int OVERHEAD = 16; // record header + slack per record when judging whether a batch fits

    private final SegmentLog log;
    private final LogReader reader;
    private final Pending pending = new Pending();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long pendingBytes;
    private boolean staged;

    public LinkSegmentLog(Path dir, long segmentBytes, long capacity, FsyncPolicy fsync) throws IOException {
        // an entry is a PDU (at most DecodeLimits.MAX_PDU_SIZE, refused on ingest beyond) plus its routing header
        SegmentLogConfig cfg = SegmentLogConfig.of(dir)
                .withSegmentBytes(segmentBytes)
                .withMaxBytes(capacity)
                .withFsync(fsync)
                .withMaxRecordBytes(
                        (int) Math.min(io.kubeli.etsi.DecodeLimits.MAX_PDU_SIZE + MAX_ENTRY_HEADER, segmentBytes / 2));
        log = SegmentLog.open(cfg);
        reader = log.reader("delivery");
    }

    /** Appended records back to back in one growing array (no byte[] per record); reused batch after batch. */
    private static final class Pending implements SegmentLog.Slab {
        private byte[] data = new byte[64 * 1024];
        private int[] lengths = new int[1024];
        private int count, used;

        void add(byte[] b, int off, int len) {
            if (used + len > data.length) data = Arrays.copyOf(data, Math.max(used + len, data.length * 2));
            if (count == lengths.length) lengths = Arrays.copyOf(lengths, count * 2);
            System.arraycopy(b, off, data, used, len);
            used += len;
            lengths[count++] = len;
        }

        void clear() {
            count = 0;
            used = 0;
            // a store batch (a few MB) keeps its array; only an exceptional one (a release of many held records)
            // gives its memory back, so the normal batch never regrows it (that doubled the garbage)
            if (data.length > 32 << 20) data = new byte[64 * 1024];
            if (lengths.length > 1 << 18) lengths = new int[1024];
        }

        boolean isEmpty() {
            return count == 0;
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public byte[] data() {
            return data;
        }

        @Override
        public int length(int i) {
            return lengths[i];
        }
    }

    @Override
    public long append(byte[] b, int off, int len) {
        pending.add(b, off, len);
        pendingBytes += len + OVERHEAD;
        return log.nextIndex() + pending.count() - 1;
    }

    @Override
    public void sync() throws IOException {
        stage();
        publish();
    }

    @Override
    public void stage() throws IOException {
        if (pending.isEmpty()) return;
        try {
            log.stage(pending); // PER_BATCH: forced before it returns; visible at publish()
            staged = true;
        } finally {
            pending.clear();
            pendingBytes = 0;
        }
    }

    @Override
    public void publish() {
        if (!staged) return;
        staged = false;
        log.publish();
        for (Runnable r : listeners) r.run();
    }

    @Override
    public void discard() {
        pending.clear();
        pendingBytes = 0;
        if (!staged) return;
        staged = false;
        log.discard();
    }

    @Override
    public boolean storageFailed() {
        return log.storageFailed();
    }

    @Override
    public long truncateFrom(long index) throws IOException {
        return log.truncateFrom(index);
    }

    /** Counters of the underlying segment log (storage failures, quarantined bytes). */
    public io.kubeli.link.SegmentLogStats stats() {
        return log.stats();
    }

    @Override
    public long end() {
        return log.durableIndex();
    }

    @Override
    public long start() {
        return log.firstIndex();
    }

    @Override
    public int read(long from, int max, int maxBytes, Visitor v) throws IOException {
        if (reader.position() != from) reader.seek(from);
        return reader.forEach(max, maxBytes, v::record); // in place: no copy per record
    }

    @Override
    public void commit(long index) throws IOException {
        if (index <= reader.committed()) return;
        reader.commit(index);
        log.deleteConsumed();
    }

    @Override
    public long committed() {
        return reader.committed();
    }

    @Override
    public long bytes() {
        return log.sizeBytes();
    }

    @Override
    public boolean fits(long more) {
        return log.sizeBytes() + pendingBytes + more <= log.config().maxBytes();
    }

    @Override
    public long capacity() {
        return log.config().maxBytes();
    }

    @Override
    public void onSync(Runnable r) {
        listeners.add(r);
    }

    @Override
    public void close() throws IOException {
        sync();
        reader.close();
        log.close();
    }
}
