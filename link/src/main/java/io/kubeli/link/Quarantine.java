package io.kubeli.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Unreadable parts of a {@link SegmentLog} set aside in {@code quarantine/} (never silently dropped): a copy for
 * inspection, counted in bytes and parts (including parts left there by earlier runs) and logged.
 */
final class Quarantine {
    private static final Logger LOG = Logger.getLogger(Quarantine.class.getName());
    private final Path dir;
    private final String logName;
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong parts = new AtomicLong();

    Quarantine(Path logDir) throws IOException {
        this.dir = logDir.resolve("quarantine");
        this.logName = String.valueOf(logDir.getFileName());
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    bytes.addAndGet(Files.size(p));
                    parts.incrementAndGet();
                }
            }
            if (parts.get() > 0) {
                LOG.warning("segment log " + logName + ": " + parts.get() + " quarantined parts (" + bytes.get()
                        + " bytes) in " + dir + " from earlier runs");
            }
        }
    }

    /** Moves a whole unreadable file aside (a rename: works on a full disk). */
    void move(Path file, long size, String why) throws IOException {
        PrivateFiles.createDirectories(dir);
        Path p = dir.resolve(file.getFileName() + "@0.bad");
        Files.move(file, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        bytes.addAndGet(size);
        parts.incrementAndGet();
        LOG.severe("segment log " + logName + ": " + why + "; " + file.getFileName() + " (" + size + " bytes) moved to "
                + p);
    }

    /** Copies bytes [from, to) of {@code src} (file {@code name}) aside; the caller may then cut them. */
    void keep(FileChannel src, String name, long from, long to, String why) throws IOException {
        PrivateFiles.createDirectories(dir);
        Path p = dir.resolve(name + "@" + from + ".bad");
        try (FileChannel out = PrivateFiles.open(
                p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            for (long at = from; at < to; ) {
                b.clear().limit((int) Math.min(b.capacity(), to - at));
                int n = src.read(b, at);
                if (n < 0) {
                    break;
                }
                b.flip();
                while (b.hasRemaining()) {
                    out.write(b);
                }
                at += n;
            }
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(p);
            throw new IOException(
                    "cannot quarantine " + (to - from) + " unreadable bytes of " + name + " in " + dir + ": "
                            + e.getMessage(),
                    e);
        }
        bytes.addAndGet(to - from);
        parts.incrementAndGet();
        LOG.severe("segment log " + logName + ": " + why + "; " + (to - from) + " bytes of " + name + " from offset "
                + from + " quarantined as " + p.getFileName());
    }
}
