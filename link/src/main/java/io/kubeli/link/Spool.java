package io.kubeli.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The link client's disk state: overflow spool log, persisted link-sequence reservation, saved memory queue. */
final class Spool implements AutoCloseable {
    /** A record with its link sequence, as stored in the spool. */
    record Item(long seq, LinkRecord record) {}

    static final SegmentLog.Encoder<Item> ENCODER = new SegmentLog.Encoder<>() {
        @Override
        public int size(Item item) {
            return 8 + item.record().encodedSize();
        }

        @Override
        public void write(Item item, ByteBuffer out) {
            out.putLong(item.seq());
            item.record().writeTo(out);
        }
    };

    private static final long RESERVE_BLOCK = 1 << 20;
    private final Path dir;
    final SegmentLog log;
    final LogReader reader;
    private long reservedUpTo;

    Spool(LinkClientConfig cfg) throws IOException {
        this.dir = cfg.spoolDir();
        createPrivateDirectories(dir);
        lock(dir);
        SegmentLog l = null;
        try {
            long seg = LinkClientConfig.spoolSegmentBytes(cfg.spoolMaxBytes());
            l = SegmentLog.open(SegmentLogConfig.of(dir.resolve("spool"))
                    .withSegmentBytes(seg)
                    .withMaxBytes(cfg.spoolMaxBytes())
                    .withFsync(cfg.spoolFsync())
                    .withMaxRecordBytes((int) Math.min(cfg.maxFrameBytes(), seg - 64)));
            this.log = l;
            this.reader = log.reader("link");
            this.reservedUpTo = readReservation();
        } catch (IOException | RuntimeException e) {
            if (l != null) {
                l.close();
            }
            unlock(dir);
            throw e;
        }
    }

    /** Creates {@code dir} (and missing parents) 0700 and tightens an existing one: it holds LIIDs and records. */
    static void createPrivateDirectories(Path dir) throws IOException {
        try {
            PrivateFiles.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("spool directory: " + e.getMessage(), e);
        }
    }

    private static void unlock(Path dir) throws IOException {
        FileChannel l = LOCKS.remove(dir.toAbsolutePath().normalize());
        if (l != null) {
            l.close(); // releases the lock
        }
    }

    /** One process per spool directory: a second one would reuse its link and ETSI numbers. */
    private static void lock(Path dir) throws IOException {
        Path f = dir.resolve("lock");
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        restrict(f);
        java.nio.channels.FileLock l;
        try {
            l = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ch.close();
            throw new IOException("spool directory " + dir + " is in use by another collector process");
        }
        LOCKS.put(dir.toAbsolutePath().normalize(), ch);
    }

    private static final java.util.Map<Path, FileChannel> LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Makes a file of the spool 0600. */
    static void restrict(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** Link sequences of durable records found at start (spool and saved queue), as sorted disjoint ranges. */
    static final class Durable {
        private final List<long[]> ranges = new ArrayList<>();

        void add(long seq) {
            long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && seq == last[1] + 1) {
                last[1] = seq;
            } else {
                ranges.add(new long[] {seq, seq});
            }
        }

        /** How many of them lie in [from, to]. */
        long countIn(long from, long to) {
            long n = 0;
            for (long[] r : ranges) {
                long a = Math.max(r[0], from);
                long b = Math.min(r[1], to);
                if (b >= a) {
                    n += b - a + 1;
                }
            }
            return n;
        }

        long max() {
            long m = -1;
            for (long[] r : ranges) {
                m = Math.max(m, r[1]);
            }
            return m;
        }
    }

    /** The link sequence of the oldest unacknowledged spool record, or -1 (moves the reader back to it). */
    long firstUnackedSeq() throws IOException {
        reader.rewind();
        LogEntry e = reader.next();
        reader.rewind();
        return e == null ? -1 : decode(e).seq();
    }

    static Item decode(LogEntry e) throws FrameException {
        ByteBuffer b = ByteBuffer.wrap(e.data());
        long seq = b.getLong();
        return new Item(seq, LinkRecord.readFrom(b));
    }

    /** The first link sequence never handed out before (safe after a crash). */
    long startSeq() {
        return reservedUpTo;
    }

    /** Ensures {@code seq} is covered by the persisted reservation (called before a sequence is used). */
    void reserve(long seq) throws IOException {
        if (seq >= reservedUpTo) {
            writeReservation(seq + RESERVE_BLOCK);
        }
    }

    /** Persists the exact next sequence (graceful close). */
    void saveNext(long nextSeq) throws IOException {
        writeReservation(nextSeq);
    }

    private long readReservation() throws IOException {
        Path p = dir.resolve("link.seq");
        PrivateFiles.removeTemporaries(p);
        if (!Files.exists(p)) {
            // no history (new or wiped spool directory): start at the wall clock in nanoseconds. A collector emits far
            // fewer than one record per nanosecond, so its sequences stay below the clock and a later fresh start
            // begins above anything the mediator stored for this collector id (the HELLO check covers clock skew).
            return System.currentTimeMillis() * 1_000_000L;
        }
        String s = Files.readString(p).strip();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException("corrupt link sequence file " + p + "; refusing to reuse link sequences");
        }
    }

    private void writeReservation(long v) throws IOException {
        // forced file and directory: a reservation lost to a power cut would hand out link sequences again
        PrivateFiles.replace(dir.resolve("link.seq"), (v + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        reservedUpTo = v;
    }

    /** Saves the memory queue (older than anything in the spool) for the next start. */
    void saveQueue(List<Item> items) throws IOException {
        Path q = dir.resolve("memq");
        deleteTree(q);
        if (items.isEmpty()) {
            return;
        }
        long bytes = 0;
        for (Item i : items) {
            bytes += ENCODER.size(i) + 64;
        }
        long seg = Math.max(1 << 20, Math.min(64L << 20, bytes + 4096));
        try (SegmentLog l = SegmentLog.open(SegmentLogConfig.of(q)
                .withSegmentBytes(seg)
                .withMaxBytes(Math.max(2 * seg, bytes * 2 + 8192))
                .withFsync(FsyncPolicy.perBatch())
                .withMaxRecordBytes((int) Math.min(Integer.MAX_VALUE - 64, seg - 64)))) {
            l.appendAll(items, ENCODER);
        }
    }

    /** Loads and removes a memory queue saved by {@link #saveQueue}. */
    List<Item> loadQueue() throws IOException {
        Path q = dir.resolve("memq");
        List<Item> out = new ArrayList<>();
        if (!Files.isDirectory(q)) {
            return out;
        }
        try (SegmentLog l = SegmentLog.open(
                        SegmentLogConfig.of(q).withSegmentBytes(64L << 20).withFsync(FsyncPolicy.none()));
                LogReader r = l.reader("load")) {
            for (LogEntry e; (e = r.next()) != null; ) {
                out.add(decode(e));
            }
        }
        deleteTree(q);
        return out;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            unlock(dir);
        }
    }
}
