package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PrivateFiles#replace} against real failures: a full filesystem and a read-only one (a small tmpfs, as root;
 * skipped otherwise) keep the old file with a clear error; a process killed mid-replacement leaves one whole version.
 */
class PrivateFilesReplaceIT {
    @TempDir
    Path tmp;
    Path mnt;

    @AfterEach
    void unmount() throws Exception {
        if (mnt != null) {
            SegmentLogDiskFullIT.run("umount", "-l", mnt.toString());
        }
    }

    private Path tmpfs(String size) throws Exception {
        assumeTrue(SegmentLogDiskFullIT.root(), "skipped: mounting a small tmpfs needs root");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        assertEquals(0, SegmentLogDiskFullIT.run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs",
                mnt.toString()));
        return mnt;
    }

    @Test
    void aFullFilesystemKeepsTheOldFile() throws Exception {
        Path dir = tmpfs("256k");
        Path f = dir.resolve("sessions.bin");
        PrivateFiles.replace(f, "old table".getBytes());
        IOException e = assertThrows(IOException.class, () -> PrivateFiles.replace(f, new byte[1 << 20]));
        assertTrue(e.getMessage().contains(f + " not replaced, previous content kept: No space left on device"),
                e.getMessage());
        assertEquals("old table", Files.readString(f));
        assertEquals(List.of(f), list(dir), "the partial temporary file is removed");
        PrivateFiles.replace(f, "new table".getBytes()); // space is back: the next replacement succeeds
        assertEquals("new table", Files.readString(f));
    }

    @Test
    void aReadOnlyFilesystemKeepsTheOldFile() throws Exception {
        Path dir = tmpfs("1m");
        Path f = dir.resolve("dedup.properties");
        PrivateFiles.replace(f, "a=1\n".getBytes());
        assertEquals(0, SegmentLogDiskFullIT.run("mount", "-o", "remount,ro", dir.toString()));
        IOException e = assertThrows(IOException.class, () -> PrivateFiles.replace(f, "a=2\n".getBytes()));
        assertTrue(e.getMessage().contains(f + " not replaced, previous content kept: Read-only file system"),
                e.getMessage());
        assertEquals("a=1\n", Files.readString(f));
    }

    /** A process killed at any moment while replacing leaves the previous or the next version, never a torn one. */
    @Test
    void aKillMidReplacementLeavesOneWholeVersion() throws Exception {
        Path f = tmp.resolve("state.bin");
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), Replacer.class.getName(), f.toString())
                    .redirectErrorStream(true).start();
            // wait until it has replaced a few times, then kill it wherever it is
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && (Files.notExists(f) || Files.readAllBytes(f).length == 0 || Files.readAllBytes(f)[0] < 3)
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            byte[] got = Files.readAllBytes(f);
            assertEquals(Replacer.SIZE, got.length);
            byte[] whole = new byte[Replacer.SIZE];
            Arrays.fill(whole, got[0]);
            assertTrue(Arrays.equals(whole, got), "one version whole");
            Files.delete(f);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** Replaces its file with versions 1, 2, 3, ... (every byte of version v is v) until killed or 10,000 versions. */
    public static final class Replacer {
        static final int SIZE = 256 * 1024;

        public static void main(String[] args) throws IOException {
            byte[] v = new byte[SIZE];
            for (int i = 1; i <= 10_000; i++) {
                Arrays.fill(v, (byte) (i % 100 + 1));
                PrivateFiles.replace(Path.of(args[0]), v);
            }
        }
    }
}
