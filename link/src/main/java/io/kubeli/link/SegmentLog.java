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
import java.util.ArrayList;
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
 */
public final class SegmentLog implements AutoCloseable {
    static final int SEGMENT_HEADER = 16;
    static final int RECORD_HEADER = RecordCursor.RecordHeader.BYTES;
    private static final int MAGIC = 0x4B4C5347; // "KLSG"
    private static final int FORMAT = 1;
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

    private SegmentLog(SegmentLogConfig cfg) throws IOException {
        this.cfg = cfg;
        this.dir = cfg.directory();
        Files.createDirectories(dir);
        this.cursors = new CursorStore(dir.resolve("cursors"), cfg.fsync().mode() != FsyncPolicy.Mode.NONE);
        recover();
        cursors.load(firstIndex(), dir.getFileName().toString());
        syncThread = Thread.ofPlatform().daemon().name("segment-log-sync-" + dir.getFileName()).start(this::syncLoop);
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
        if (items.isEmpty()) {
            return nextIndex - 1;
        }
        lock.lock();
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            long extra = 0;
            long cur = active.size;
            int[] sizes = new int[items.size()];
            for (int i = 0; i < sizes.length; i++) {
                int s = enc.size(items.get(i));
                if (s < 0 || s > cfg.maxRecordBytes()) {
                    throw new IllegalArgumentException("record of " + s + " bytes exceeds maxRecordBytes " + cfg.maxRecordBytes());
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
                throw new LogFullException("segment log " + dir.getFileName() + " full: " + totalBytes + " of " + cfg.maxBytes() + " bytes");
            }
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
                enc.write(items.get(i), wbuf);
                if (wbuf.position() != p + rec) {
                    throw new IllegalStateException("encoder wrote " + (wbuf.position() - p - RECORD_HEADER) + " bytes, announced " + sizes[i]);
                }
                crc.reset();
                crc.update(wbuf.array(), p, 4);
                crc.update(wbuf.array(), p + RECORD_HEADER, sizes[i]);
                wbuf.putInt(p + 4, (int) crc.getValue());
                bufferedRecords++;
                appendedBytes += sizes[i];
            }
            flushBuffer();
            appendedRecords += sizes.length;
            switch (cfg.fsync().mode()) {
                case PER_BATCH -> {
                    activeCh.force(false);
                    syncs++;
                    markDurable(nextIndex);
                }
                case NONE -> markDurable(nextIndex);
                case GROUPED -> {
                    pendingSync += sizes.length;
                    if (pendingSync >= cfg.fsync().maxRecords()) {
                        syncRequested = true;
                        changed.signalAll();
                    }
                }
            }
            return nextIndex - 1;
        } finally {
            lock.unlock();
        }
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
            markDurable(nextIndex);
        }
        activeCh.close();
        createSegment(nextIndex);
    }

    private void createSegment(long base) throws IOException {
        Path p = dir.resolve(String.format("%020d.seg", base));
        activeCh = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        ByteBuffer h = ByteBuffer.allocate(SEGMENT_HEADER).putInt(MAGIC).putInt(FORMAT).putLong(base).flip();
        while (h.hasRemaining()) {
            activeCh.write(h, h.position());
        }
        active = new Segment(base, p, SEGMENT_HEADER);
        segments.put(base, active);
        totalBytes += SEGMENT_HEADER;
        if (cfg.fsync().mode() != FsyncPolicy.Mode.NONE) {
            activeCh.force(true);
            forceDirectory();
        }
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
            target = nextIndex;
            ch = activeCh;
            pendingSync = 0;
            syncRequested = false;
        } finally {
            lock.unlock();
        }
        if (target > durableIndex) {
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
            lock.lock();
            try {
                syncs++;
                markDurable(target);
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
        long delay = cfg.fsync().mode() == FsyncPolicy.Mode.GROUPED ? cfg.fsync().maxDelay().toNanos()
                : TimeUnit.MILLISECONDS.toNanos(100);
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
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | UncheckedIOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "segment log " + dir.getFileName() + " sync failed", e);
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
            return new SegmentLogStats(firstIndex(), nextIndex, durableIndex, totalBytes, cfg.maxBytes(), segments.size(),
                    appendedRecords, appendedBytes, syncs, fullRejections, recoveredTruncated, corruptSkipped.get());
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
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = new ArrayList<>(s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.seg")).sorted().toList());
        }
        if (files.isEmpty()) {
            createSegment(0);
            nextIndex = 0;
            durableIndex = 0;
            return;
        }
        for (int i = 0; i < files.size() - 1; i++) {
            Path p = files.get(i);
            long base = Long.parseLong(p.getFileName().toString().substring(0, 20));
            Segment s = new Segment(base, p, Files.size(p));
            segments.put(base, s);
            totalBytes += s.size;
        }
        Path last = files.getLast();
        long base = Long.parseLong(last.getFileName().toString().substring(0, 20));
        activeCh = FileChannel.open(last, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = activeCh.size();
        ByteBuffer h = ByteBuffer.allocate(SEGMENT_HEADER);
        activeCh.read(h, 0);
        h.flip();
        if (size < SEGMENT_HEADER || h.getInt(0) != MAGIC || h.getInt(4) != FORMAT || h.getLong(8) != base) {
            LOG.warning("segment log " + dir.getFileName() + ": segment " + last.getFileName() + " has a torn header, recreating it");
            activeCh.close();
            recoveredTruncated += size;
            createSegment(base);
            nextIndex = base;
            durableIndex = base;
            return;
        }
        RecordCursor rc = new RecordCursor(activeCh, SEGMENT_HEADER, cfg.maxRecordBytes(), 1 << 20);
        long count = 0;
        while (rc.next(size) >= 0) {
            count++;
        }
        if (rc.pos < size) {
            LOG.warning("segment log " + dir.getFileName() + ": truncating " + (size - rc.pos) + " bytes of torn or corrupt tail in "
                    + last.getFileName() + " after " + count + " records");
            recoveredTruncated += size - rc.pos;
            activeCh.truncate(rc.pos);
            activeCh.force(true);
        }
        active = new Segment(base, last, rc.pos);
        segments.put(base, active);
        totalBytes += rc.pos;
        nextIndex = base + count;
        durableIndex = nextIndex;
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

    boolean isClosed() {
        return closed;
    }
}
