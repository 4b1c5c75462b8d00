package io.kubeli.link;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Creates files 0600 and directories 0700: records, cursors and sequence state are readable by their owner only. */
public final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

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
        return java.nio.channels.Channels.newOutputStream(open(p, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
    }

    private static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }
}
