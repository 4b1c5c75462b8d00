package io.kubeli.mediator.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/** A small properties state file, replaced durably by {@link io.kubeli.link.PrivateFiles#replace}. */
public final class SnapshotFile {
    private SnapshotFile() {}

    /**
     * Replaces {@code file} with {@code p}; concurrent writers never share a temporary file.
     *
     * @throws NoSuchFileException when the directory is gone (a data directory removed while stopping)
     */
    public static void write(Path file, Properties p, String comment) throws IOException {
        io.kubeli.link.PrivateFiles.replace(file, out -> p.store(out, comment));
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
