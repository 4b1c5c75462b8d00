package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PrivateFiles#replace}: new content whole, 0600, the old content kept on any failure, no temporary left. */
class PrivateFilesTest {
    @TempDir
    Path tmp;

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<Path> others(Path dir, Path file) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> !p.equals(file)).toList();
        }
    }

    @Test
    void replacesTheContentWholeAs0600() throws Exception {
        Path dir = PrivateFiles.createDirectories(tmp.resolve("state"));
        Path f = dir.resolve("sessions.bin");
        PrivateFiles.replace(f, utf8("first"));
        PrivateFiles.replace(f, out -> {
            out.write(utf8("sec"));
            out.write(utf8("ond"));
        });
        assertEquals("second", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(List.of(), others(dir, f), "no temporary file left");
    }

    @Test
    void anExistingLooseFileIsReplacedBy0600() throws Exception {
        Path f = tmp.resolve("state.properties");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateFiles.replace(f, utf8("new"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aWriterFailingMidWayKeepsTheOldFileAndSaysWhich() throws Exception {
        Path f = tmp.resolve("begun.properties");
        PrivateFiles.replace(f, utf8("old content"));
        IOException e = assertThrows(
                IOException.class,
                () -> PrivateFiles.replace(f, out -> {
                    out.write(new byte[200_000]); // past the buffer: part of it reached the temporary file
                    throw new IOException("encoder broke");
                }));
        assertEquals("old content", Files.readString(f));
        assertEquals(List.of(), others(tmp, f), "the temporary file is removed");
        assertTrue(
                e.getMessage().contains(f.toString())
                        && e.getMessage().contains("previous content kept")
                        && e.getMessage().contains("encoder broke"),
                e.getMessage());
    }

    @Test
    void aBugInTheWriterIsReportedAsAnIoErrorAndKeepsTheOldFile() throws Exception {
        Path f = tmp.resolve("snapshot");
        PrivateFiles.replace(f, utf8("old"));
        IOException e = assertThrows(
                IOException.class,
                () -> PrivateFiles.replace(f, out -> {
                    throw new IllegalStateException("bug");
                }));
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(), others(tmp, f));
        assertTrue(e.getMessage().contains("IllegalStateException: bug"), e.getMessage());
    }

    @Test
    void unforcedReplacementIsAsWholeAndPrivate() throws Exception {
        Path f = tmp.resolve("reader");
        PrivateFiles.replace(f, utf8("old"), false);
        PrivateFiles.replace(f, utf8("new"), false);
        assertEquals("new", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        IOException e = assertThrows(
                IOException.class,
                () -> PrivateFiles.replace(
                        f,
                        out -> {
                            out.write(new byte[200_000]);
                            throw new IOException("encoder broke");
                        },
                        false));
        assertTrue(e.getMessage().contains("previous content kept"), e.getMessage());
        assertEquals("new", Files.readString(f));
        assertEquals(List.of(), others(tmp, f));
    }

    @Test
    void leftoverTemporariesOfOneFileAreRemovedAndNothingElse() throws Exception {
        Path f = tmp.resolve("link.seq");
        Files.writeString(f, "7\n");
        for (String n : List.of("link.seq.123.tmp", "link.seq.98765432109876543.tmp")) {
            Files.writeString(tmp.resolve(n), "torn");
        }
        List<String> kept = List.of("link.seq.tmp", "link.seq.x1.tmp", "other.42.tmp", "link.seq.5");
        for (String n : kept) {
            Files.writeString(tmp.resolve(n), "not ours");
        }
        PrivateFiles.removeTemporaries(f);
        assertEquals("7\n", Files.readString(f));
        try (var s = Files.list(tmp)) {
            assertEquals(
                    new java.util.TreeSet<>(kept),
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> !n.equals("link.seq"))
                            .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        }
        PrivateFiles.removeTemporaries(tmp.resolve("gone").resolve("x")); // no directory: nothing to do
    }

    @Test
    void aMissingDirectoryIsNotCreated() {
        Path f = tmp.resolve("gone").resolve("dedup.properties");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PrivateFiles.replace(f, utf8("x")));
        assertTrue(e.getMessage().contains("directory missing"), e.getMessage());
        assertTrue(Files.notExists(f.getParent()));
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsAClearErrorAndNothingIsLeft() throws Exception {
        Path f = Files.createDirectories(tmp.resolve("state.bin"));
        Files.writeString(f.resolve("inside"), "kept");
        IOException e = assertThrows(IOException.class, () -> PrivateFiles.replace(f, utf8("x")));
        assertTrue(e.getMessage().startsWith(f + " not replaced"), e.getMessage());
        assertEquals("kept", Files.readString(f.resolve("inside")));
        assertEquals(List.of(), others(tmp, f));
    }

    @Test
    void concurrentWritersEachLeaveOneWholeVersion() throws Exception {
        Path f = tmp.resolve("hi1.properties");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                byte[] v = new byte[100_000];
                java.util.Arrays.fill(v, (byte) ('a' + w));
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        PrivateFiles.replace(f, v);
                    }
                    return null;
                }));
            }
            for (Future<?> x : all) {
                x.get();
            }
        } finally {
            pool.shutdownNow();
        }
        byte[] got = Files.readAllBytes(f);
        byte[] whole = new byte[100_000];
        java.util.Arrays.fill(whole, got[0]);
        assertArrayEquals(whole, got, "one writer's version, whole");
        assertEquals(List.of(), others(tmp, f));
    }
}
