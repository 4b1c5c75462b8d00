package io.kubeli.link;

import static io.kubeli.link.SegmentLogStorageTest.readAll;
import static io.kubeli.link.SegmentLogStorageTest.rec;
import static io.kubeli.link.SegmentLogStorageTest.recs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract C5 on a real full filesystem (a 2 MiB tmpfs, as root; skipped otherwise): a failed write keeps nothing
 * of its batch (no bytes after the last good record, indexes unchanged), the log reports "storage failed", and the
 * next write after space returns succeeds and clears it; every record reported appended is read back, also after a reopen.
 */
class SegmentLogDiskFullIT {
    @TempDir
    Path tmp;

    Path mnt;

    static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    static boolean root() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return "0".equals(uid);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mnt != null) {
            run("umount", "-l", mnt.toString());
        }
    }

    @Test
    void aFullDiskKeepsNothingPartialAndRecoversByItself() throws Exception {
        assumeTrue(root(), "skipped: mounting a small tmpfs for the disk-full test needs root");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        assertEquals(0, run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt.toString()));
        Path filler = mnt.resolve("filler");
        Files.write(filler, new byte[512 * 1024]);
        SegmentLogConfig cfg = SegmentLogConfig.of(mnt.resolve("log"))
                .withSegmentBytes(256 * 1024)
                .withMaxBytes(64L << 20)
                .withFsync(FsyncPolicy.perBatch());
        int ok = 0;
        try (SegmentLog log = SegmentLog.open(cfg);
                LogReader r = log.reader("r")) {
            IOException failure = null;
            for (int b = 0; b < 1000 && failure == null; b++) {
                try {
                    log.appendAll(recs(ok, ok + 37, 1000));
                    ok += 37;
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertTrue(failure != null, "the filesystem filled up");
            assertTrue(log.storageFailed());
            assertEquals(1, log.stats().storageFailures());
            assertTrue(log.lastError().contains("No space left"), log.lastError());
            assertEquals(ok, log.nextIndex(), "the failed batch left no index behind");
            assertEquals(ok, log.durableIndex());
            assertEquals(
                    log.sizeBytes(), segmentBytesOnDisk(mnt.resolve("log")), "no bytes after the last good record");
            final int before = ok;
            assertThrows(IOException.class, () -> log.appendAll(recs(before, before + 37, 1000)));
            assertEquals(ok, log.nextIndex());

            Files.delete(filler); // space returns: the next write succeeds
            log.appendAll(recs(ok, ok + 37, 1000));
            ok += 37;
            assertFalse(log.storageFailed());
            List<byte[]> all = readAll(r);
            assertEquals(ok, all.size());
            for (int i = 0; i < ok; i++) {
                assertArrayEquals(rec(i, 1000), all.get(i), "record " + i);
            }
        }
        try (SegmentLog log = SegmentLog.open(cfg);
                LogReader r = log.reader("again")) {
            assertEquals(ok, readAll(r).size());
            assertEquals(0, log.stats().recoveredTruncated());
            assertEquals(0, log.stats().quarantinedBytes());
        }
    }

    private static long segmentBytesOnDisk(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            long sum = 0;
            for (Path p : s.filter(p -> p.toString().endsWith(".seg")).toList()) {
                sum += Files.size(p);
            }
            return sum;
        }
    }
}
