package io.kubeli.capture.file;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one pcap writer (classic format, little-endian), beside the reader ({@code pcapfile:}, {@link PcapFileSource}):
 * a global header, then one record per packet; allocation-free per packet. Not thread-safe: callers that write from
 * several threads synchronise.
 */
public final class PcapWriter implements Closeable, Flushable {
    /** Largest snap length readers accept (libpcap's MAXIMUM_SNAPLEN). */
    public static final int MAX_SNAPLEN = 262_144;

    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;

    /** Timestamp resolution of the file. */
    public enum Resolution {
        /** Microseconds (the classic magic; every tool reads it). */
        MICROS,
        /** Nanoseconds (magic a1b23c4d). */
        NANOS
    }

    private final OutputStream out;
    private final boolean nanos;
    private final int snaplen;
    private final ByteBuffer hdr = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * Writes the global header to {@code out}.
     *
     * @param linkType LINKTYPE_ value of every packet (see {@link io.kubeli.capture.LinkTypes})
     * @param snaplen  longest packet kept (1..{@link #MAX_SNAPLEN}); longer ones are cut, their wire length kept
     */
    public PcapWriter(OutputStream out, int linkType, int snaplen, Resolution resolution) throws IOException {
        if (linkType < 0 || linkType > 0xffff) {
            throw new IllegalArgumentException("pcap link type must be 0..65535, got " + linkType);
        }
        if (snaplen < 1 || snaplen > MAX_SNAPLEN) {
            throw new IllegalArgumentException("pcap snaplen must be 1.." + MAX_SNAPLEN + ", got " + snaplen);
        }
        this.out = out;
        this.nanos = resolution == Resolution.NANOS;
        this.snaplen = snaplen;
        ByteBuffer g = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        g.putInt(nanos ? MAGIC_NANOS : MAGIC_MICROS)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(snaplen)
                .putInt(linkType);
        out.write(g.array());
    }

    /** A new file (replaced if present), buffered. */
    public static PcapWriter create(Path file, int linkType, int snaplen, Resolution resolution) throws IOException {
        OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        try {
            return new PcapWriter(o, linkType, snaplen, resolution);
        } catch (IOException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /** Writes one packet of {@code len} bytes seen on the wire at {@code tsNanos} (Unix epoch). */
    public void write(long tsNanos, byte[] b, int off, int len) throws IOException {
        write(tsNanos, b, off, len, len);
    }

    /** Writes {@code capLen} captured bytes of a packet that had {@code wireLen} bytes on the wire. */
    public void write(long tsNanos, byte[] b, int off, int capLen, int wireLen) throws IOException {
        if (capLen < 0 || wireLen < capLen) {
            throw new IllegalArgumentException("pcap record lengths: captured " + capLen + ", on the wire " + wireLen);
        }
        int cap = Math.min(capLen, snaplen);
        long sec = Math.floorDiv(tsNanos, 1_000_000_000L);
        long frac = Math.floorMod(tsNanos, 1_000_000_000L);
        hdr.clear();
        hdr.putInt((int) sec)
                .putInt((int) (nanos ? frac : frac / 1000))
                .putInt(cap)
                .putInt(wireLen);
        out.write(hdr.array(), 0, 16);
        out.write(b, off, cap);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
