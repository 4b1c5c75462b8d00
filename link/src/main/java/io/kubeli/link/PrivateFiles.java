package io.kubeli.link;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Creates files 0600 and directories 0700: records, cursors and sequence state are readable by their owner only. */
public final class PrivateFiles {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {}

    /**
     * Creates {@code dir} and missing parents 0700; an existing {@code dir} itself is narrowed to 0700. A shared
     * directory (sticky bit, such as /tmp) is refused: never ours to use or to change.
     */
    public static Path createDirectories(Path dir) throws IOException {
        if (!POSIX) {
            return Files.createDirectories(dir);
        }
        if (Files.isDirectory(dir)) {
            if (sticky(dir)) {
                throw new IOException(dir + " is a shared directory (sticky bit set); use a dedicated one");
            }
            try {
                if (!Files.getPosixFilePermissions(dir).equals(DIR)) {
                    Files.setPosixFilePermissions(dir, DIR);
                }
            } catch (IOException notOwner) {
                // a mounted volume root we do not own keeps its mode; what we create inside is still private
            }
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent)) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // created meanwhile by another thread
        }
        Files.setPosixFilePermissions(dir, DIR); // the umask may have narrowed it differently
        return dir;
    }

    private static boolean sticky(Path dir) {
        try {
            return (((Integer) Files.getAttribute(dir, "unix:mode")) & 01000) != 0;
        } catch (IOException | RuntimeException e) {
            return false; // no unix view: nothing to check
        }
    }

    /** Opens {@code p} with {@code options}; a file created by this call is 0600. */
    public static FileChannel open(Path p, OpenOption... options) throws IOException {
        return POSIX ? FileChannel.open(p, Set.of(options), fileAttribute()) : FileChannel.open(p, options);
    }

    /** A new output stream on {@code p} (created 0600, truncated). */
    public static java.io.OutputStream newOutputStream(Path p) throws IOException {
        return java.nio.channels.Channels.newOutputStream(open(
                p,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** Writes the whole new content of a file being replaced. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** {@link #replace(Path, Content)} with {@code content} as the new bytes. */
    public static void replace(Path file, byte[] content) throws IOException {
        replace(file, out -> out.write(content), true);
    }

    /** {@link #replace(Path, Content, boolean)} with {@code content} as the new bytes. */
    public static void replace(Path file, byte[] content, boolean force) throws IOException {
        replace(file, out -> out.write(content), force);
    }

    /**
     * Replaces {@code file} durably and atomically: the content goes to a unique 0600 temporary file beside it, which
     * is forced, renamed over {@code file}, and the directory forced. A reader (or a restart after a crash) sees the
     * previous file or the new one whole, never a torn one; concurrent writers never share a temporary file. On any
     * failure the previous file is kept, the temporary one removed, and the IOException names {@code file} and why.
     *
     * @throws NoSuchFileException when the directory does not exist (e.g. removed while stopping); it is not created
     */
    public static void replace(Path file, Content content) throws IOException {
        replace(file, content, true);
    }

    /**
     * {@link #replace(Path, Content)}, forcing nothing when {@code force} is false: still atomic (the previous file or
     * the new one whole), but a power loss may bring the previous one back. Only for state whose loss costs work
     * again, never records (e.g. the read positions of a log whose own fsync is off).
     */
    public static void replace(Path file, Content content, boolean force) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(file.toString(), null, "directory missing, not replaced");
        }
        Path tmp = null;
        try {
            tmp = POSIX
                    ? Files.createTempFile(dir, file.getFileName() + ".", ".tmp", fileAttribute())
                    : Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                if (force) {
                    ch.force(true); // durable before it replaces the previous content
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException | RuntimeException e) {
            if (e instanceof NoSuchFileException && !Files.isDirectory(dir)) {
                throw new NoSuchFileException(file.toString(), null, "directory missing, not replaced");
            }
            throw new IOException(file + " not replaced, previous content kept: " + reason(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // read-only or gone: nothing more to undo
                }
            }
        }
        if (!force) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself survives a power loss
        } catch (IOException e) {
            throw new IOException(file + " replaced, but its directory was not forced: " + reason(e), e);
        }
    }

    /**
     * Removes temporary files a process killed while replacing {@code file} left beside it (call at start-up, before
     * anything replaces {@code file}).
     */
    public static void removeTemporaries(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return;
        }
        String prefix = file.getFileName() + ".";
        try (var all = Files.newDirectoryStream(dir)) {
            for (Path p : all) {
                String n = p.getFileName().toString();
                if (n.length() > prefix.length() + 4
                        && n.startsWith(prefix)
                        && n.endsWith(".tmp")
                        && n.substring(prefix.length(), n.length() - 4).matches("[0-9]+")) { // createTempFile's part
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Why an operation failed, in words (a FileSystemException's message alone may be a bare path). */
    private static String reason(Exception e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String kind = e.getClass().getSimpleName();
        if (e.getMessage() == null || e instanceof FileSystemException) {
            return kind;
        }
        return e.getClass() == IOException.class ? e.getMessage() : kind + ": " + e.getMessage();
    }

    private static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }
}
