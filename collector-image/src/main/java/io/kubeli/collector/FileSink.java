package io.kubeli.collector;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes raw concatenated PS-PDUs (no framing) for tests and offline use: either everything into one file, or,
 * when the path is a directory, one file per intercept and stream ({@code NAME.cc.ber}, {@code NAME.iri.ber}).
 * Writes are serialized by a lock (this sink is not on the capture threads). I/O errors count records as lost.
 */
public final class FileSink implements PduSink {
    private static final Logger LOG = Logger.getLogger(FileSink.class.getName());

    private final Path path;
    private final boolean perStream;
    private final Map<String, OutputStream> outs = new HashMap<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private OutputStream single;
    private boolean failedLogged;

    private FileSink(Path path, boolean perStream) {
        this.path = path;
        this.perStream = perStream;
    }

    /** One file with every PDU (created or truncated). */
    public static FileSink single(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileSink s = new FileSink(file, false);
            s.single = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open output file " + file + ": " + e.getMessage(), e);
        }
    }

    /** One file per intercept name and stream in {@code dir} (created when missing). */
    public static FileSink perStream(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output directory " + dir + ": " + e.getMessage(), e);
        }
        return new FileSink(dir, true);
    }

    /** {@code file:PATH}: a directory (existing, or ending in '/') gives per-stream files, else one file. */
    public static FileSink forPath(String spec) {
        Path p = Path.of(spec);
        return spec.endsWith("/") || Files.isDirectory(p) ? perStream(p) : single(p);
    }

    @Override
    public synchronized void write(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len) {
        try {
            out(key, stream).write(pdu, off, len);
            written.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            lost.incrementAndGet();
            if (!failedLogged) {
                failedLogged = true;
                LOG.log(Level.SEVERE, "file sink write failed; records are counted as lost: " + e.getMessage());
            }
        }
    }

    private OutputStream out(KeyState key, Stream stream) throws IOException {
        if (!perStream) {
            return single;
        }
        String name = safe(key.interceptName()) + (stream == Stream.CC ? ".cc.ber" : ".iri.ber");
        OutputStream o = outs.get(name);
        if (o == null) {
            o = new BufferedOutputStream(Files.newOutputStream(path.resolve(name)), 1 << 16);
            outs.put(name, o);
        }
        return o;
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    @Override
    public synchronized void flush() {
        try {
            if (single != null) {
                single.flush();
            }
            for (OutputStream o : outs.values()) {
                o.flush();
            }
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "file sink flush failed: " + e.getMessage());
        }
    }

    @Override
    public SinkStats stats() {
        return new SinkStats(written.get(), lost.get(), 0, 0, 0);
    }

    @Override
    public synchronized void close() {
        flush();
        try {
            if (single != null) {
                single.close();
            }
            for (OutputStream o : outs.values()) {
                o.close();
            }
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "file sink close failed: " + e.getMessage());
        }
    }
}
