package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SegmentLog storage discipline: staged (all-or-nothing) batches, quarantine at recovery, private file modes. */
class SegmentLogStorageTest {
    @TempDir
    Path dir;

    private SegmentLogConfig cfg() {
        return SegmentLogConfig.of(dir.resolve("log"))
                .withSegmentBytes(8192)
                .withMaxBytes(1 << 20)
                .withFsync(FsyncPolicy.perBatch());
    }

    static byte[] rec(int i, int size) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }

    static List<byte[]> recs(int from, int to, int size) {
        List<byte[]> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add(rec(i, size));
        }
        return l;
    }

    static List<byte[]> readAll(LogReader r) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (LogEntry e; (e = r.next()) != null; ) {
            out.add(e.data());
        }
        return out;
    }

    @Test
    void stagedBatchIsInvisibleUntilPublishedAndDiscardLeavesNothing() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg());
                LogReader r = log.reader("r")) {
            log.appendAll(recs(0, 10, 300));
            log.stage(recs(10, 60, 300)); // spans several segments
            assertEquals(10, log.durableIndex(), "a staged batch is not visible");
            assertEquals(10, readAll(r).size());
            log.discard();
            assertEquals(10, log.nextIndex());
            assertThrows(IllegalStateException.class, () -> {
                log.stage(recs(10, 11, 300));
                log.stage(recs(11, 12, 300)); // one staged batch at a time
            });
            log.discard();
            log.stage(recs(10, 30, 300));
            log.publish();
            List<byte[]> all = readAll(r);
            assertEquals(20, all.size());
            assertArrayEquals(rec(10, 300), all.getFirst());
            assertArrayEquals(rec(29, 300), all.getLast());
        }
        try (SegmentLog log = SegmentLog.open(cfg());
                LogReader r = log.reader("again")) {
            assertEquals(30, log.nextIndex(), "the discarded batch left no bytes behind");
            List<byte[]> all = readAll(r);
            for (int i = 0; i < 30; i++) {
                assertArrayEquals(rec(i, 300), all.get(i));
            }
            assertEquals(0, log.stats().quarantinedBytes());
        }
    }

    @Test
    void damageInTheLastSegmentIsQuarantinedAndCounted() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg())) {
            log.appendAll(recs(0, 20, 100)); // one segment: 16 + 20 x 108 bytes
        }
        Path seg = dir.resolve("log").resolve(String.format("%020d.seg", 0));
        long damageAt = 16 + 10 * 108 + 20;
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xff, 0x13}), damageAt);
        }
        try (SegmentLog log = SegmentLog.open(cfg());
                LogReader r = log.reader("r")) {
            assertEquals(10, readAll(r).size(), "records before the damage are kept");
            assertEquals(
                    10 * 108, log.stats().quarantinedBytes(), "everything from the damaged record on is set aside");
            assertEquals(1, log.stats().quarantinedParts());
            Path q;
            try (var s = Files.list(dir.resolve("log/quarantine"))) {
                q = s.toList().getFirst();
            }
            assertEquals(10 * 108, Files.size(q));
            log.appendAll(recs(100, 101, 100)); // appending goes on after the good records
            assertEquals(1, readAll(r).size());
        }
        try (SegmentLog log = SegmentLog.open(cfg())) {
            assertEquals(10 * 108, log.stats().quarantinedBytes(), "quarantined parts stay counted after a restart");
        }
    }

    @Test
    void aLastSegmentWithATornHeaderIsQuarantinedWhole() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg())) {
            log.appendAll(recs(0, 100, 200)); // several segments
        }
        Path last;
        try (var s = Files.list(dir.resolve("log"))) {
            last = s.filter(p -> p.toString().endsWith(".seg"))
                    .sorted()
                    .toList()
                    .getLast();
        }
        long size = Files.size(last);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}), 0); // the magic is gone
        }
        long base = Long.parseLong(last.getFileName().toString().substring(0, 20));
        try (SegmentLog log = SegmentLog.open(cfg());
                LogReader r = log.reader("r")) {
            assertEquals(size, log.stats().quarantinedBytes());
            assertEquals(base, log.nextIndex(), "appending continues where the readable records end");
            assertEquals(base, readAll(r).size());
            log.appendAll(recs(500, 501, 200));
            assertEquals(1, readAll(r).size());
        }
    }

    @Test
    void filesArePrivate() throws Exception {
        try (SegmentLog log = SegmentLog.open(cfg());
                LogReader r = log.reader("delivery")) {
            log.appendAll(recs(0, 100, 200));
            r.next();
            r.commit(1);
            log.sync();
        }
        Path seg;
        try (var s = Files.list(dir.resolve("log"))) {
            seg = s.filter(p -> p.toString().endsWith(".seg")).sorted().toList().getLast();
        }
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(seg) - 3); // a torn tail: set aside in quarantine/
        }
        try (SegmentLog log = SegmentLog.open(cfg())) {
            assertEquals(1, log.stats().quarantinedParts());
        }
        Path log = dir.resolve("log");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        try (var s = Files.walk(log)) {
            for (Path p : s.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode, p.toString());
            }
        }
        try (var s = Files.walk(log)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals("delivery")), "a cursor file was checked");
        }
    }
}
