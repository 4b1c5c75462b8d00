package io.kubeli.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * Durable append-only log in a directory: fixed-size segments of length+CRC32C records, batched fsync,
 * torn-tail recovery, named persisted read cursors, deletion of consumed segments and a total size bound.
 * Thread-safe: appends are serialized; readers run concurrently and only see durable records.
 * A failed write or force truncates the log back to the last good record, throws, and puts the log in the
 * "storage failed" state until a later write succeeds (see {@link #storageFailed()}); nothing partial is ever visible.
 * Files are created 0600 in 0700 directories.
 */
public final class SegmentLog implements AutoCloseable {
    static final int SEGMENT_HEADER = 16;
    static final int RECORD_HEADER = RecordCursor.RecordHeader.BYTES;
    static final int MAGIC = 0x4B4C5347; // "KLSG"
    static final int FORMAT = 1;
    private static final Logger LOG = Logger.getLogger(SegmentLog.class.getName());

    /** Writes items of type T straight into the log's buffer (no intermediate byte[]). */
    public interface Encoder<T> {
        /** Exact number of bytes {@link #write} produces for the item. */
        int size(T item);

        /** Writes the item at the buffer's position. */
        void write(T item, ByteBuffer out);
    }

    private static final Encoder<byte[]> BYTES = new Encoder<>() {
        @Override
        public int size(byte[] item) {
            return item.length;
        }

        @Override
        public void write(byte[] item, ByteBuffer out) {
            out.put(item);
        }
    };

    /** Records laid out back to back in one array ({@link #stage(Slab)}): no byte[] per record. */
    public interface Slab {
        /** Number of records. */
        int count();

        /** The array holding the records, back to back from offset 0 in order. */
        byte[] data();

        /** Length of record {@code i}. */
        int length(int i);
    }

    /** What one write stores: sizes known up front, then each record written at the buffer's position. */
    private interface Batch {
        int count();

        int size(int i);

        void write(int i, ByteBuffer out);
    }

    private static <T> Batch batch(List<T> items, Encoder<T> enc) {
        return new Batch() {
            @Override
            public int count() {
                return items.size();
            }

            @Override
            public int size(int i) {
                return enc.size(items.get(i));
            }

            @Override
            public void write(int i, ByteBuffer out) {
                enc.write(items.get(i), out);
            }
        };
    }

    private static Batch batch(Slab slab) {
        return new Batch() {
            private int off; // records are written once, in order

            @Override
            public int count() {
                return slab.count();
            }

            @Override
            public int size(int i) {
                return slab.length(i);
            }

            @Override
            public void write(int i, ByteBuffer out) {
                int n = slab.length(i);
                out.put(slab.data(), off, n);
                off += n;
            }
        };
    }

    /** Where the log ended before a batch: a failed or discarded batch is truncated back to it. */
    private record Mark(long base, long size, long nextIndex, long totalBytes) {}

    /** One segment file. */
    static final class Segment {
        final long base;
        final Path path;
        volatile long size;

        Segment(long base, Path path, long size) {
            this.base = base;
            this.path = path;
            this.size = size;
        }
    }

    final SegmentLogConfig cfg;
    private final Path dir;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private Segment active;
    private FileChannel activeCh;
    private volatile long nextIndex;
    private volatile long durableIndex;
    private volatile long totalBytes;
    private int bufferedRecords;
    private long pendingSync;
    // heap, not direct: records are assembled and checksummed here one by one, which costs less on an array than
    // through a direct buffer's checked accesses (profiled: more than the one block copy FileChannel.write adds)
    private ByteBuffer wbuf = ByteBuffer.allocate(1 << 20);
    private final CRC32C crc = new CRC32C();
    private final CursorStore cursors;
    private final Map<String, LogReader> openReaders = new ConcurrentHashMap<>();
    private final Thread syncThread;
    private volatile boolean closed;
    private boolean syncRequested;
    private long appendedRecords;
    private long appendedBytes;
    private volatile long syncs;
    private long fullRejections;
    private long recoveredTruncated;
    final java.util.concurrent.atomic.AtomicLong corruptSkipped = new java.util.concurrent.atomic.AtomicLong();
    private Mark staged; // a written batch not yet visible (stage/publish/discard)
    private Mark repair; // a rollback that failed: retried before the next write
    private long batchStart = -1; // index of the first record of the batch being written, -1 outside a write
    private volatile boolean storageFailed;
    private volatile long storageFailures;
    private volatile String lastError = "";
    private final Quarantine quarantine;

    private SegmentLog(SegmentLogConfig cfg) throws IOException {
        this.cfg = cfg;
        this.dir = cfg.directory();
        PrivateFiles.createDirectories(dir);
        this.quarantine = new Quarantine(dir);
        this.cursors = new CursorStore(dir.resolve("cursors"), cfg.fsync().mode() != FsyncPolicy.Mode.NONE);
        recover();
        cursors.load(firstIndex(), dir.getFileName().toString());
        syncThread = Thread.ofPlatform()
                .daemon()
                .name("segment-log-sync-" + dir.getFileName())
                .start(this::syncLoop);
    }

    /** Opens (creating or recovering) the log in {@code cfg.directory()}. */
    public static SegmentLog open(SegmentLogConfig cfg) throws IOException {
        return new SegmentLog(cfg);
    }

    /** The configuration. */
    public SegmentLogConfig config() {
        return cfg;
    }

    /** Appends one record; returns its index. */
    public long append(byte[] data) throws IOException {
        return appendAll(List.of(data), BYTES);
    }

    /** Appends a batch of records (all or none); returns the index of the last one. */
    public long appendAll(List<byte[]> records) throws IOException {
        return appendAll(records, BYTES);
    }

    /**
     * Appends a batch of items encoded by {@code enc} (all or none: {@link LogFullException} when the batch does not
     * fit in maxBytes); returns the index of the last one. With PER_BATCH fsync the batch is durable on return;
     * otherwise use {@link #awaitDurable}.
     */
    public <T> long appendAll(List<T> items, Encoder<T> enc) throws IOException {
        return write(batch(items, enc), true);
    }

    /**
     * Writes and forces a batch without making it visible: {@link #publish()} makes it visible (no I/O, cannot fail),
     * {@link #discard()} truncates it away. Lets a caller store into several logs all-or-nothing. One staged batch
     * at a time; returns the index of the last record.
     */
    public <T> long stage(List<T> items, Encoder<T> enc) throws IOException {
        return write(batch(items, enc), false);
    }

    /** {@link #stage} for raw records. */
    public long stage(List<byte[]> records) throws IOException {
        return write(batch(records, BYTES), false);
    }

    /** {@link #stage} for records laid out back to back in one array (copied once, into the write buffer). */
    public long stage(Slab slab) throws IOException {
        return write(batch(slab), false);
    }

    /**
     * Cuts every record from {@code index} on: the recovered tail of a store that never completed (a crash between
     * writing several logs of one batch; never acknowledged, so its sender sends it again). For start-up, before
     * anyone acts on those records; open readers and persisted cursors beyond it move back to it. Returns how many
     * records were cut.
     */
    public long truncateFrom(long index) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (staged != null || bufferedRecords > 0) {
                throw new IllegalStateException("segment log " + dir.getFileName() + ": truncation during a write");
            }
            if (index >= nextIndex) {
                return 0;
            }
            if (index < firstIndex()) {
                throw new IllegalArgumentException(
                        "segment log " + dir.getFileName() + ": record " + index + " is no longer retained");
            }
            long removed = nextIndex - index;
            Segment seg = segments.floorEntry(index).getValue();
            long off;
            try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ)) {
                RecordCursor rc = new RecordCursor(ch, SEGMENT_HEADER, cfg.maxRecordBytes(), 256 * 1024);
                for (long i = seg.base; i < index; i++) {
                    if (rc.next(seg.size) < 0) {
                        throw new IOException(
                                "segment log " + dir.getFileName() + ": unreadable record before " + index);
                    }
                }
                off = rc.pos;
            }
            for (Long b : List.copyOf(segments.tailMap(seg.base, false).keySet())) {
                Segment later = segments.remove(b);
                if (later == active) {
                    activeCh.close();
                }
                Files.deleteIfExists(later.path);
                totalBytes -= later.size;
            }
            if (seg != active || !activeCh.isOpen()) {
                if (activeCh.isOpen()) {
                    activeCh.close();
                }
                activeCh = PrivateFiles.open(seg.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                active = seg;
            }
            activeCh.truncate(off);
            activeCh.force(true);
            forceDirectory();
            totalBytes -= seg.size - off;
            seg.size = off;
            nextIndex = index;
            durableIndex = index;
            for (LogReader r : openReaders.values()) {
                r.moveBackTo(index);
            }
            for (var c : cursors.values.entrySet()) {
                if (c.getValue() > index) {
                    cursors.put(c.getKey(), index);
                }
            }
            cursors.persist();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Makes the staged batch visible to readers. */
    public void publish() {
        lock.lock();
        try {
            if (staged != null) {
                staged = null;
                markDurable(nextIndex);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Truncates the staged batch away (another log of the same all-or-nothing store failed). */
    public void discard() {
        lock.lock();
        try {
            if (staged != null) {
                rollback(staged);
                staged = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private long write(Batch items, boolean visible) throws IOException {
        if (items.count() == 0) {
            return nextIndex - 1;
        }
        lock.lock();
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (staged != null) {
                throw new IllegalStateException(
                        "segment log " + dir.getFileName() + ": a staged batch is neither published nor discarded");
            }
            if (repair != null) {
                rollback(repair);
                if (repair != null) {
                    throw new IOException("segment log " + dir.getFileName() + " storage failed: " + lastError);
                }
            }
            long extra = 0;
            long cur = active.size;
            int[] sizes = new int[items.count()];
            for (int i = 0; i < sizes.length; i++) {
                int s = items.size(i);
                if (s < 0 || s > cfg.maxRecordBytes()) {
                    throw new IllegalArgumentException(
                            "record of " + s + " bytes exceeds maxRecordBytes " + cfg.maxRecordBytes());
                }
                sizes[i] = s;
                long rec = RECORD_HEADER + s;
                if (cur + rec > cfg.segmentBytes()) {
                    extra += SEGMENT_HEADER;
                    cur = SEGMENT_HEADER;
                }
                cur += rec;
                extra += rec;
            }
            if (totalBytes + extra > cfg.maxBytes()) {
                fullRejections++;
                throw new LogFullException("segment log " + dir.getFileName() + " full: " + totalBytes + " of "
                        + cfg.maxBytes() + " bytes");
            }
            Mark mark = new Mark(active.base, active.size, nextIndex, totalBytes);
            batchStart = nextIndex;
            try {
                writeBatch(items, sizes, visible);
            } catch (IOException e) {
                failed(e);
                rollback(mark);
                throw new IOException(
                        "segment log " + dir.getFileName() + ": write failed, nothing of the batch kept: "
                                + e.getMessage(),
                        e);
            } catch (RuntimeException e) {
                rollback(mark);
                throw e;
            } finally {
                batchStart = -1;
            }
            if (!visible) {
                staged = mark;
            }
            if (storageFailed) {
                storageFailed = false;
                LOG.info("segment log " + dir.getFileName() + ": writes succeed again after " + storageFailures
                        + " storage failures");
            }
            return nextIndex - 1;
        } finally {
            lock.unlock();
        }
    }

    private void writeBatch(Batch items, int[] sizes, boolean visible) throws IOException {
        for (int i = 0; i < sizes.length; i++) {
            int rec = RECORD_HEADER + sizes[i];
            if (active.size + wbuf.position() + rec > cfg.segmentBytes()) {
                roll();
            }
            if (rec > wbuf.remaining()) {
                flushBuffer();
                if (rec > wbuf.capacity()) {
                    wbuf = ByteBuffer.allocate(rec);
                }
            }
            int p = wbuf.position();
            wbuf.putInt(sizes[i]).putInt(0);
            items.write(i, wbuf);
            if (wbuf.position() != p + rec) {
                throw new IllegalStateException(
                        "encoder wrote " + (wbuf.position() - p - RECORD_HEADER) + " bytes, announced " + sizes[i]);
            }
            crc.reset();
            crc.update(wbuf.array(), p, 4);
            crc.update(wbuf.array(), p + RECORD_HEADER, sizes[i]);
            wbuf.putInt(p + 4, (int) crc.getValue());
            bufferedRecords++;
            appendedBytes += sizes[i];
        }
        flushBuffer();
        FsyncPolicy.Mode mode = cfg.fsync().mode();
        if (mode == FsyncPolicy.Mode.PER_BATCH || (!visible && mode == FsyncPolicy.Mode.GROUPED)) {
            activeCh.force(false);
            syncs++;
        }
        appendedRecords += sizes.length;
        if (visible && mode != FsyncPolicy.Mode.GROUPED) {
            markDurable(nextIndex);
        } else if (visible) {
            pendingSync += sizes.length;
            if (pendingSync >= cfg.fsync().maxRecords()) {
                syncRequested = true;
                changed.signalAll();
            }
        }
    }

    private void failed(IOException e) {
        storageFailures++;
        lastError = String.valueOf(e.getMessage());
        if (!storageFailed) {
            storageFailed = true;
            LOG.warning("segment log " + dir.getFileName() + ": storage failed (" + lastError
                    + "); nothing is acknowledged until a write succeeds");
        }
    }

    /** Truncates back to {@code m} (dropping segments created since); on failure keeps it for the next write. */
    private void rollback(Mark m) {
        wbuf.clear();
        bufferedRecords = 0;
        try {
            for (Long b : List.copyOf(segments.tailMap(m.base(), false).keySet())) {
                Segment s = segments.remove(b);
                if (s == active) {
                    activeCh.close();
                }
                Files.deleteIfExists(s.path);
            }
            Segment seg = segments.get(m.base());
            if (seg != active || !activeCh.isOpen()) {
                if (activeCh.isOpen()) {
                    activeCh.close();
                }
                activeCh = PrivateFiles.open(seg.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                active = seg;
            }
            activeCh.truncate(m.size());
            seg.size = m.size();
            nextIndex = m.nextIndex();
            totalBytes = m.totalBytes();
            repair = null;
        } catch (IOException e) {
            repair = m;
            lastError = "cannot truncate back to the last good record: " + e.getMessage();
            storageFailed = true;
            LOG.warning("segment log " + dir.getFileName() + ": " + lastError + " (retried before the next write)");
        }
    }

    /** Whether the last write or force failed (cleared by the next successful write). */
    public boolean storageFailed() {
        return storageFailed;
    }

    /** Writes or forces that failed since open. */
    public long storageFailures() {
        return storageFailures;
    }

    /** Text of the last storage error ("" when none). */
    public String lastError() {
        return lastError;
    }

    private void markDurable(long index) {
        if (index > durableIndex) {
            durableIndex = index;
            changed.signalAll();
        }
    }

    private void flushBuffer() throws IOException {
        wbuf.flip();
        long at = active.size;
        while (wbuf.hasRemaining()) {
            at += activeCh.write(wbuf, at);
        }
        totalBytes += at - active.size;
        active.size = at;
        nextIndex += bufferedRecords;
        bufferedRecords = 0;
        wbuf.clear();
    }

    private void roll() throws IOException {
        flushBuffer();
        if (cfg.fsync().mode() != FsyncPolicy.Mode.NONE) {
            activeCh.force(false);
            syncs++;
            // records of the batch being written become visible only when the whole batch is written
            markDurable(batchStart >= 0 ? batchStart : nextIndex);
        }
        activeCh.close();
        createSegment(nextIndex);
    }

    private void createSegment(long base) throws IOException {
        Path p = dir.resolve(String.format("%020d.seg", base));
        FileChannel ch = PrivateFiles.open(
                p,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ByteBuffer h = ByteBuffer.allocate(SEGMENT_HEADER)
                    .putInt(MAGIC)
                    .putInt(FORMAT)
                    .putLong(base)
                    .flip();
            while (h.hasRemaining()) {
                ch.write(h, h.position());
            }
            if (cfg.fsync().mode() != FsyncPolicy.Mode.NONE) {
                ch.force(true);
                forceDirectory();
            }
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(p);
            throw e;
        }
        activeCh = ch;
        active = new Segment(base, p, SEGMENT_HEADER);
        segments.put(base, active);
        totalBytes += SEGMENT_HEADER;
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.log(Level.FINE, "directory fsync not supported", e);
        }
    }

    /** Forces all appended records to disk now and persists dirty cursors. */
    public void sync() throws IOException {
        long target;
        FileChannel ch;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            target =
                    staged != null ? staged.nextIndex() : nextIndex; // a staged batch becomes visible by publish() only
            ch = activeCh;
            pendingSync = 0;
            syncRequested = false;
        } finally {
            lock.unlock();
        }
        if (target > durableIndex) {
            try {
                try {
                    ch.force(false);
                } catch (ClosedChannelException e) {
                    // rolled meanwhile: roll() forced that segment; force the new one
                    lock.lock();
                    try {
                        activeCh.force(false);
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (IOException e) {
                lock.lock();
                try {
                    failed(e);
                } finally {
                    lock.unlock();
                }
                throw e;
            }
            lock.lock();
            try {
                syncs++;
                markDurable(Math.min(target, nextIndex)); // a rollback meanwhile may have cut the tail
            } finally {
                lock.unlock();
            }
        }
        cursors.persist();
    }

    /** Waits until the record at {@code index} is durable; false on timeout. */
    public boolean awaitDurable(long index, Duration timeout) throws InterruptedException {
        if (durableIndex > index) {
            return true;
        }
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (durableIndex <= index && !closed) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return durableIndex > index;
        } finally {
            lock.unlock();
        }
    }

    private void syncLoop() {
        long delay = cfg.fsync().mode() == FsyncPolicy.Mode.GROUPED
                ? cfg.fsync().maxDelay().toNanos()
                : TimeUnit.MILLISECONDS.toNanos(100);
        boolean warned = false; // one line per failing period (a full disk fails every 100 ms), not one per attempt
        while (!closed) {
            try {
                lock.lock();
                try {
                    long n = delay;
                    while (!syncRequested && !closed && n > 0) {
                        n = changed.awaitNanos(n);
                    }
                } finally {
                    lock.unlock();
                }
                if (!closed) {
                    sync();
                    deleteConsumed();
                    if (warned) {
                        warned = false;
                        LOG.info("segment log " + dir.getFileName() + " syncs again");
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | UncheckedIOException e) {
                if (!closed && !warned) {
                    warned = true;
                    LOG.warning("segment log " + dir.getFileName() + " sync failed (retried): " + e.getMessage());
                }
            }
        }
    }

    /** Index of the oldest retained record. */
    public long firstIndex() {
        return segments.firstKey();
    }

    /** Index the next append gets. */
    public long nextIndex() {
        return nextIndex;
    }

    /** Records below this index are durable and visible to readers. */
    public long durableIndex() {
        return durableIndex;
    }

    /** Bytes used by all segment files. */
    public long sizeBytes() {
        return totalBytes;
    }

    /** Whether a record of {@code maxRecordBytes} might no longer fit (consumers should stop accepting). */
    public boolean isFull() {
        return totalBytes + SEGMENT_HEADER + RECORD_HEADER + Math.min(cfg.maxRecordBytes(), 64 * 1024) > cfg.maxBytes();
    }

    /** Counters and usage snapshot. */
    public SegmentLogStats stats() {
        lock.lock();
        try {
            return new SegmentLogStats(
                    firstIndex(),
                    nextIndex,
                    durableIndex,
                    totalBytes,
                    cfg.maxBytes(),
                    segments.size(),
                    appendedRecords,
                    appendedBytes,
                    syncs,
                    fullRejections,
                    recoveredTruncated,
                    corruptSkipped.get(),
                    storageFailed,
                    storageFailures,
                    quarantine.bytes.get(),
                    quarantine.parts.get());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens the named reader (one open reader per name); a new name starts at the oldest retained record.
     * Its committed position is persisted and holds back segment deletion.
     */
    public LogReader reader(String name) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("reader name must match [A-Za-z0-9._-]{1,100}: " + name);
        }
        lock.lock();
        try {
            if (openReaders.containsKey(name)) {
                throw new IllegalStateException("reader " + name + " is already open");
            }
            long committed = Math.max(cursors.values.getOrDefault(name, firstIndex()), firstIndex());
            committed = Math.min(committed, nextIndex);
            cursors.put(name, committed);
            LogReader r = new LogReader(this, name, committed);
            openReaders.put(name, r);
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** Removes a reader's persisted cursor (it no longer holds back deletion). */
    public void removeReader(String name) throws IOException {
        LogReader r = openReaders.get(name);
        if (r != null) {
            r.close();
        }
        cursors.remove(name);
    }

    void readerClosed(String name) {
        openReaders.remove(name);
    }

    void commitCursor(String name, long index) {
        cursors.put(name, index);
    }

    /** Deletes segments every cursor has consumed; called periodically and after commits. */
    public void deleteConsumed() throws IOException {
        lock.lock();
        try {
            long min = cursors.min();
            if (min == Long.MAX_VALUE || closed) {
                return;
            }
            while (segments.size() > 1) {
                Map.Entry<Long, Segment> first = segments.firstEntry();
                Long nextBase = segments.higherKey(first.getKey());
                if (nextBase == null || nextBase > min) {
                    break;
                }
                Files.deleteIfExists(first.getValue().path);
                segments.remove(first.getKey());
                totalBytes -= first.getValue().size;
            }
        } finally {
            lock.unlock();
        }
    }

    private void recover() throws IOException {
        SegmentRecovery.Result r = SegmentRecovery.scan(dir, cfg.maxRecordBytes(), quarantine);
        for (Segment seg : r.segments()) {
            segments.put(seg.base, seg);
        }
        totalBytes = r.totalBytes();
        recoveredTruncated = r.truncated();
        nextIndex = r.nextIndex();
        durableIndex = nextIndex;
        if (r.activeCh() != null) {
            active = r.segments().getLast();
            activeCh = r.activeCh();
        } else {
            createSegment(nextIndex);
        }
    }

    /** Closes readers, forces pending records, persists cursors and stops the sync thread. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        for (LogReader r : List.copyOf(openReaders.values())) {
            r.close();
        }
        sync();
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            syncThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cursors.persist();
        activeCh.close();
    }

    /** Keeps an unreadable segment aside (readers skipping a corrupt part call this; best effort, logged). */
    void quarantineSegment(Segment s, long from) {
        try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
            quarantine.keep(ch, s.path.getFileName().toString(), from, s.size, "checksum failure while reading");
        } catch (IOException e) {
            LOG.warning("segment log " + dir.getFileName() + ": " + e.getMessage());
        }
    }

    boolean isClosed() {
        return closed;
    }
}
