package io.kubeli.mediator.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/** Durable replacement of a small state file: a unique 0600 temporary file, fsynced, renamed, directory fsynced. */
public final class SnapshotFile {
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private SnapshotFile() {}

    /**
     * Replaces {@code file} with {@code p}; concurrent writers never share a temporary file.
     *
     * @throws NoSuchFileException when the directory is gone (a data directory removed while stopping)
     */
    public static void write(Path file, Properties p, String comment) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString());
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp", OWNER_ONLY);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.store(out, comment);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } finally {
            if (tmp != null) {
                try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* the directory may be gone */ }
            }
        }
    }

    /** The properties in {@code file}, empty when it does not exist. */
    public static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }
}
