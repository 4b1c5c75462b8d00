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
 * The same for its users that must keep their old state: the spool's link-sequence reservation and the log cursors.
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
        assertEquals(
                0,
                SegmentLogDiskFullIT.run(
                        "mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", mnt.toString()));
        return mnt;
    }

    @Test
    void aFullFilesystemKeepsTheOldFile() throws Exception {
        Path dir = tmpfs("256k");
        Path f = dir.resolve("sessions.bin");
        PrivateFiles.replace(f, "old table".getBytes());
        IOException e = assertThrows(IOException.class, () -> PrivateFiles.replace(f, new byte[1 << 20]));
        assertTrue(
                e.getMessage().contains(f + " not replaced, previous content kept: No space left on device"),
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
        assertTrue(
                e.getMessage().contains(f + " not replaced, previous content kept: Read-only file system"),
                e.getMessage());
        assertEquals("a=1\n", Files.readString(f));
    }

    /** A process killed at any moment while replacing leaves the previous or the next version, never a torn one. */
    @Test
    void aKillMidReplacementLeavesOneWholeVersion() throws Exception {
        Path f = tmp.resolve("state.bin");
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(
                            ProcessHandle.current().info().command().orElse("java"),
                            "-cp",
                            System.getProperty("java.class.path"),
                            Replacer.class.getName(),
                            f.toString())
                    .redirectErrorStream(true)
                    .start();
            // wait until it has replaced a few times, then kill it wherever it is
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive()
                    && (Files.notExists(f) || Files.readAllBytes(f).length == 0 || Files.readAllBytes(f)[0] < 3)
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
            PrivateFiles.removeTemporaries(f); // what a restart does with the kill's leftover
            assertEquals(List.of(f), list(tmp), "no temporary file left after the clean-up");
            Files.delete(f);
        }
    }

    /** The spool's link-sequence reservation on a full disk: the old one stays, nothing is left, the retry works. */
    @Test
    void aFullDiskKeepsTheSpoolReservation() throws Exception {
        Path dir = tmpfs("4m").resolve("spool");
        LinkClientConfig cfg =
                TestData.client(1, "c-full", dir, TlsConfig.none()).withSpoolMaxBytes(1 << 20);
        try (Spool spool = new Spool(cfg)) {
            spool.saveNext(100);
            Path filler = fill(mnt);
            IOException e = assertThrows(IOException.class, () -> spool.saveNext(200));
            assertTrue(e.getMessage().contains("link.seq not replaced, previous content kept"), e.getMessage());
            assertEquals("100\n", Files.readString(dir.resolve("link.seq")));
            assertEquals(100, spool.startSeq(), "a reservation not written is not used");
            assertEquals(List.of(), temporaries(dir));
            Files.delete(filler);
            spool.saveNext(200);
        }
        Files.writeString(dir.resolve("link.seq.1234.tmp"), "999\n"); // a kill mid-replacement left this
        try (Spool spool =
                new Spool(TestData.client(1, "c-full", dir, TlsConfig.none()).withSpoolMaxBytes(1 << 20))) {
            assertEquals(200, spool.startSeq());
            assertEquals(List.of(), temporaries(dir), "removed at start");
        }
    }

    /** A log's read positions on a full disk, fsync on and off: the old one stays and is written at the next persist. */
    @Test
    void aFullDiskKeepsTheCursorAndRetriesIt() throws Exception {
        Path root = tmpfs("1m");
        for (boolean force : new boolean[] {true, false}) {
            Path dir = root.resolve("cursors-" + force);
            CursorStore store = new CursorStore(dir, force);
            store.put("delivery", 5);
            store.persist();
            Path filler = fill(root);
            store.put("delivery", 9);
            IOException e = assertThrows(IOException.class, store::persist);
            assertTrue(e.getMessage().contains("previous content kept"), e.getMessage());
            assertEquals(List.of(), temporaries(dir));
            CursorStore reread = new CursorStore(dir, force);
            reread.load(0, "test");
            assertEquals(5L, reread.values.get("delivery"), "force " + force);
            Files.delete(filler);
            store.persist(); // still dirty: written now
            reread = new CursorStore(dir, force);
            reread.load(0, "test");
            assertEquals(9L, reread.values.get("delivery"), "force " + force);
        }
    }

    /** Fills the filesystem of {@code dir} up to the last byte; returns the file to delete. */
    private static Path fill(Path dir) throws IOException {
        Path filler = dir.resolve("filler");
        try (var out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            for (int i = 0; i < 100_000; i++) {
                out.write(block);
                out.flush();
            }
            throw new AssertionError("the filesystem did not fill up");
        } catch (IOException full) {
            return filler;
        }
    }

    private static List<Path> temporaries(Path dir) throws IOException {
        return list(dir).stream()
                .filter(p -> p.getFileName().toString().endsWith(".tmp"))
                .toList();
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
