package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SegmentLog: rotation, crash recovery, corruption, bounded size, cursors, group commit. */
class SegmentLogTest {
    @TempDir
    Path dir;

    private SegmentLogConfig cfg() {
        return SegmentLogConfig.of(dir)
                .withSegmentBytes(8192)
                .withMaxBytes(64 * 1024)
                .withFsync(FsyncPolicy.perBatch());
    }

    private static byte[] rec(int i, int size) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }

    private static List<byte[]> readAll(LogReader r) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (LogEntry e; (e = r.next()) != null; ) {
            out.add(e.data());
        }
        return out;
    }

    private Path lastSegment() throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg"))
                    .sorted()
                    .toList()
                    .getLast();
        }
    }

    @Test
    void appendReadAndRotate() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg())) {
            for (int i = 0; i < 100; i++) {
                assertEquals(i, log.append(rec(i, 200)));
            }
            assertTrue(log.stats().segments() > 2, "rotated");
            try (LogReader r = log.reader("a")) {
                List<byte[]> all = readAll(r);
                assertEquals(100, all.size());
                for (int i = 0; i < 100; i++) {
                    assertArrayEquals(rec(i, 200), all.get(i));
                }
            }
        }
        try (SegmentLog log = SegmentLog.open(cfg())) {
            assertEquals(100, log.nextIndex());
            assertEquals(100, log.append(rec(100, 5)));
        }
    }

    @Test
    void tornTailIsTruncated() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg())) {
            for (int i = 0; i < 10; i++) {
                log.append(rec(i, 100));
            }
        }
        Path last = lastSegment();
        long size = Files.size(last);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(size - 30); // half of the last record written
        }
        try (SegmentLog log = SegmentLog.open(cfg());
                LogReader r = log.reader("a")) {
            assertEquals(9, log.nextIndex());
            assertTrue(log.stats().recoveredTruncated() > 0);
            assertEquals(9, readAll(r).size());
            assertEquals(9, log.append(rec(99, 100)));
        }
    }

    @Test
    void garbageTailAndBadChecksumAreTruncated() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg())) {
            for (int i = 0; i < 5; i++) {
                log.append(rec(i, 100));
            }
        }
        Path last = lastSegment();
        long size = Files.size(last);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}), size - 5); // flip a payload byte of record 4
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3}), size); // garbage after it
        }
        try (SegmentLog log = SegmentLog.open(cfg());
                LogReader r = log.reader("a")) {
            assertEquals(4, log.nextIndex(), "record with the bad checksum and everything after it dropped");
            assertEquals(4, readAll(r).size());
        }
    }

    @Test
    void corruptOlderSegmentIsSkippedAndCounted() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg())) {
            for (int i = 0; i < 100; i++) {
                log.append(rec(i, 200));
            }
        }
        Path first;
        try (var s = Files.list(dir)) {
            first = s.filter(p -> p.toString().endsWith(".seg"))
                    .sorted()
                    .toList()
                    .getFirst();
        }
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55}), SegmentLog.SEGMENT_HEADER + 8 + 3 * 208 + 10);
        }
        try (SegmentLog log = SegmentLog.open(cfg());
                LogReader r = log.reader("a")) {
            List<byte[]> all = readAll(r);
            long skipped = log.stats().corruptSkipped();
            assertTrue(skipped > 0);
            assertEquals(100, all.size() + skipped);
            assertArrayEquals(rec(2, 200), all.get(2));
        }
    }

    @Test
    void boundedSizeAndDeletionOfConsumed() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg())) {
            LogReader r = log.reader("a");
            int n = 0;
            LogFullException full = null;
            while (n < 10_000) {
                try {
                    log.append(rec(n, 500));
                    n++;
                } catch (LogFullException e) {
                    full = e;
                    break;
                }
            }
            assertTrue(full != null, "log refused appends at its bound");
            assertTrue(log.isFull());
            assertTrue(log.sizeBytes() <= 64 * 1024);
            assertEquals(1, log.stats().fullRejections());
            List<byte[]> all = readAll(r);
            assertEquals(n, all.size());
            r.commit(r.position());
            log.deleteConsumed();
            assertFalse(log.isFull());
            assertTrue(log.sizeBytes() <= 8192 + 1024);
            log.append(rec(1, 500));
        }
    }

    @Test
    void cursorPersistsAcrossReopen() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg())) {
            for (int i = 0; i < 50; i++) {
                log.append(rec(i, 100));
            }
            LogReader r = log.reader("agency-1");
            for (int i = 0; i < 20; i++) {
                r.next();
            }
            r.commit(20);
            r.next(); // read but not committed
        }
        try (SegmentLog log = SegmentLog.open(cfg());
                LogReader r = log.reader("agency-1")) {
            assertEquals(20, r.committed());
            LogEntry e = r.next();
            assertEquals(20, e.index());
            assertArrayEquals(rec(20, 100), e.data());
            r.seek(45);
            assertEquals(45, r.next().index());
            r.rewind();
            assertEquals(20, r.next().index());
            assertThrows(IllegalStateException.class, () -> log.reader("agency-1"));
        }
    }

    @Test
    void groupCommitMakesRecordsDurableAndVisible() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg().withFsync(FsyncPolicy.grouped(1000, Duration.ofMillis(5))));
                LogReader r = log.reader("a")) {
            long idx = log.appendAll(List.of(rec(1, 10), rec(2, 10)));
            assertTrue(log.awaitDurable(idx, Duration.ofSeconds(10)));
            assertEquals(2, readAll(r).size());
            assertNull(r.next());
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(20);
                    log.append(rec(3, 10));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            LogEntry e = r.poll(Duration.ofSeconds(10));
            t.join();
            assertEquals(2, e.index());
        }
    }

    @Test
    void invalidConfigHasClearMessage() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SegmentLogConfig.of(dir).withSegmentBytes(1 << 20).withMaxBytes(1 << 20));
        assertTrue(e.getMessage().contains("maxBytes"));
        assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse("sometimes"));
        assertEquals(FsyncPolicy.Mode.GROUPED, FsyncPolicy.parse("10ms").mode());
        assertEquals(500, FsyncPolicy.parse("500/1s").maxRecords());
    }

    /** Start-up cut of an uncommitted tail (mediator store recovery): across segments, readers and cursors move back. */
    @Test
    void truncateFromCutsTheTailAcrossSegmentsAndMovesCursorsBack() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg().withMaxBytes(1 << 20))) {
            for (int i = 0; i < 100; i++) {
                log.append(rec(i, 200));
            }
            LogReader r = log.reader("delivery");
            readAll(r);
            r.commit(90);
            assertThrows(IllegalArgumentException.class, () -> log.truncateFrom(-1));
            assertEquals(0, log.truncateFrom(100), "nothing past the end");
            assertEquals(70, log.truncateFrom(30));
            assertEquals(30, log.nextIndex());
            assertEquals(30, log.durableIndex());
            assertEquals(30, r.committed(), "a cursor never stays past the cut");
            assertNull(r.next());
            assertEquals(30, log.append(rec(500, 200)), "appends continue at the cut");
            assertArrayEquals(rec(500, 200), r.next().data());
        }
        try (SegmentLog log = SegmentLog.open(cfg().withMaxBytes(1 << 20));
                LogReader r = log.reader("delivery")) {
            assertEquals(31, log.nextIndex(), "the cut is durable");
            assertEquals(30, r.committed());
            List<byte[]> all = new ArrayList<>();
            r.seek(0);
            all.addAll(readAll(r));
            assertEquals(31, all.size());
            assertArrayEquals(rec(29, 200), all.get(29));
            assertArrayEquals(rec(500, 200), all.get(30));
        }
    }
}
