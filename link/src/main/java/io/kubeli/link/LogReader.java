package io.kubeli.link;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A named read cursor over a {@link SegmentLog}: reads durable records in order; {@link #commit} marks records
 * consumed (persisted at the log's next sync or close; after a crash a reader may see committed records again).
 * Not thread-safe: one thread per reader.
 */
public final class LogReader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LogReader.class.getName());
    private final SegmentLog log;
    private final String name;
    private long position;
    private long committed;
    private SegmentLog.Segment seg;
    private FileChannel ch;
    private RecordCursor cursor;
    private long cursorIndex;
    private boolean closed;

    LogReader(SegmentLog log, String name, long committed) {
        this.log = log;
        this.name = name;
        this.committed = committed;
        this.position = committed;
    }

    /** The reader's name. */
    public String name() {
        return name;
    }

    /** Index of the next record {@link #next} returns. */
    public long position() {
        return position;
    }

    /** All records below this index are consumed. */
    public long committed() {
        return committed;
    }

    /** Durable records not yet read. */
    public long available() {
        return Math.max(0, log.durableIndex() - position);
    }

    /** Moves the read position (e.g. back to {@link #committed()} to read unconfirmed records again). */
    public void seek(long index) {
        position = Math.max(index, 0);
    }

    /** After {@link SegmentLog#truncateFrom}: neither the position nor the committed index stays past the cut. */
    void moveBackTo(long index) throws IOException {
        committed = Math.min(committed, index);
        position = Math.min(position, index);
        dropSegment();
    }

    /** Moves the read position back to the committed one. */
    public void rewind() {
        seek(committed);
    }

    /** Marks every record below {@code nextIndex} consumed (never moves backwards). */
    public void commit(long nextIndex) {
        if (nextIndex > committed) {
            committed = Math.min(nextIndex, log.nextIndex());
            log.commitCursor(name, committed);
        }
    }

    /** The next durable record, or null when none is available. */
    public LogEntry next() throws IOException {
        LogEntry[] got = {null};
        forEach(1, 1, (idx, b, off, len) -> got[0] = new LogEntry(idx, Arrays.copyOfRange(b, off, off + len)));
        return got[0];
    }

    /** Receives records in place from {@link #forEach}: {@code buf} is reused once the call returns. */
    @FunctionalInterface
    public interface Visitor {
        void record(long index, byte[] buf, int off, int len) throws IOException;
    }

    /**
     * Visits up to {@code max} durable records in order (and stops once {@code maxBytes} of data were visited),
     * in place, without copying them; returns how many. Records of one segment are read as a run (the segment's end
     * is looked up once per run, not per record).
     */
    public int forEach(int max, int maxBytes, Visitor v) throws IOException {
        if (closed) {
            throw new IllegalStateException("reader " + name + " closed");
        }
        int n = 0;
        long bytes = 0;
        while (n < max && bytes < maxBytes) {
            long durable = log.durableIndex();
            if (position < log.firstIndex()) {
                position = log.firstIndex();
            }
            if (position >= durable) {
                break;
            }
            if (!locate()) {
                continue;
            }
            Long nextBase = log.segments.higherKey(seg.base);
            long runEnd = nextBase != null ? Math.min(nextBase, durable) : durable;
            while (position < runEnd && n < max && bytes < maxBytes) {
                int len = cursor.next(seg.size);
                if (len < 0) {
                    skipCorrupt(nextBase, durable);
                    break;
                }
                long idx = position++;
                cursorIndex = position;
                v.record(idx, cursor.array(), cursor.payloadOffset, len);
                bytes += len;
                n++;
            }
        }
        return n;
    }

    // corrupt (or unexpectedly missing) record: skip the rest of this segment, counted and logged
    private void skipCorrupt(Long nextBase, long durable) throws IOException {
        long end = nextBase != null ? nextBase : durable;
        long skipped = end - position;
        log.corruptSkipped.addAndGet(skipped);
        LOG.severe("segment log reader " + name + ": checksum failure in " + seg.path.getFileName() + " at record "
                + position + ", skipping " + skipped + " records of that segment");
        log.quarantineSegment(seg, cursor.pos);
        position = end;
        dropSegment();
    }

    /** Waits up to {@code timeout} for the next durable record; null on timeout. */
    public LogEntry poll(Duration timeout) throws IOException, InterruptedException {
        LogEntry e = next();
        if (e != null) {
            return e;
        }
        long nanos = timeout.toNanos();
        log.lock.lock();
        try {
            while (position >= log.durableIndex() && nanos > 0 && !log.isClosed()) {
                nanos = log.changed.awaitNanos(nanos);
            }
        } finally {
            log.lock.unlock();
        }
        return next();
    }

    /** Opens the segment holding {@link #position} and moves the file cursor to it; false if it vanished. */
    private boolean locate() throws IOException {
        if (seg != null && position == cursorIndex && position >= seg.base) {
            Long nextBase = log.segments.higherKey(seg.base);
            if (nextBase == null || position < nextBase) {
                return true;
            }
        }
        dropSegment();
        Map.Entry<Long, SegmentLog.Segment> e = log.segments.floorEntry(position);
        if (e == null) {
            position = log.firstIndex();
            return false;
        }
        seg = e.getValue();
        try {
            ch = FileChannel.open(seg.path, StandardOpenOption.READ);
        } catch (NoSuchFileException gone) {
            seg = null;
            position = Math.max(position, log.firstIndex());
            return false;
        }
        cursor = new RecordCursor(ch, SegmentLog.SEGMENT_HEADER, log.cfg.maxRecordBytes(), 256 * 1024);
        cursorIndex = seg.base;
        while (cursorIndex < position) {
            if (cursor.next(seg.size) < 0) {
                break;
            }
            cursorIndex++;
        }
        if (cursorIndex != position) {
            position = cursorIndex; // corrupt record while seeking: next() handles it
        }
        return true;
    }

    private void dropSegment() throws IOException {
        if (ch != null) {
            ch.close();
        }
        ch = null;
        seg = null;
        cursor = null;
    }

    /** Closes the reader (its committed position stays persisted). */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            dropSegment();
            log.readerClosed(name);
        }
    }
}
