package io.kubeli.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes classic pcap and pcapng test files in any byte order. */
public final class CaptureFiles {
    /** One packet: timestamp (ns since epoch), wire length and the captured bytes. */
    public record Rec(long tsNanos, int wireLength, byte[] data, int iface) {
        public Rec(long tsNanos, byte[] data) {
            this(tsNanos, data.length, data, 0);
        }
    }

    /** A pcapng interface: link type and if_tsresol byte (-1 = default µs). */
    public record Iface(int linkType, int tsresol) {}

    private CaptureFiles() {}

    /** Classic pcap, µs or ns magic, given byte order and link type. */
    public static byte[] classic(ByteOrder order, boolean nanos, int linkType, List<Rec> recs) {
        int size = 24;
        for (Rec r : recs) {
            size += 16 + r.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(262144)
                .putInt(linkType);
        for (Rec r : recs) {
            long sec = r.tsNanos() / 1_000_000_000L;
            long frac = r.tsNanos() % 1_000_000_000L;
            b.putInt((int) sec)
                    .putInt((int) (nanos ? frac : frac / 1000))
                    .putInt(r.data().length)
                    .putInt(r.wireLength())
                    .put(r.data());
        }
        return b.array();
    }

    /** pcapng with one section, the given interfaces, and EPBs (timestamps converted per if_tsresol). */
    public static byte[] pcapng(ByteOrder order, List<Iface> ifaces, List<Rec> recs) {
        long cap = 4096L + ifaces.size() * 64L;
        for (Rec r : recs) {
            cap += 40 + r.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(cap)).order(order);
        section(b);
        for (Iface f : ifaces) {
            int start = b.position();
            b.putInt(1)
                    .putInt(0)
                    .putShort((short) f.linkType())
                    .putShort((short) 0)
                    .putInt(262144);
            if (f.tsresol() >= 0) {
                b.putShort((short) 9)
                        .putShort((short) 1)
                        .put((byte) f.tsresol())
                        .put(new byte[3]);
                b.putShort((short) 0).putShort((short) 0);
            }
            finish(b, start);
        }
        // a name-resolution block to skip
        int nrb = b.position();
        b.putInt(4).putInt(0).putShort((short) 0).putShort((short) 0);
        finish(b, nrb);
        for (Rec r : recs) {
            Iface f = ifaces.get(r.iface());
            long units = units(r.tsNanos(), f.tsresol());
            int start = b.position();
            b.putInt(6)
                    .putInt(0)
                    .putInt(r.iface())
                    .putInt((int) (units >>> 32))
                    .putInt((int) units)
                    .putInt(r.data().length)
                    .putInt(r.wireLength())
                    .put(r.data());
            while ((b.position() & 3) != 0) {
                b.put((byte) 0);
            }
            finish(b, start);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** One simple packet block (after a section and interface written by the caller). */
    public static void simple(ByteBuffer b, byte[] data) {
        int start = b.position();
        b.putInt(3).putInt(0).putInt(data.length).put(data);
        while ((b.position() & 3) != 0) {
            b.put((byte) 0);
        }
        finish(b, start);
    }

    public static void section(ByteBuffer b) {
        int start = b.position();
        b.putInt(0x0A0D0D0A)
                .putInt(0)
                .putInt(0x1A2B3C4D)
                .putShort((short) 1)
                .putShort((short) 0)
                .putLong(-1L);
        finish(b, start);
    }

    /** Writes the block's total length at both ends. */
    public static void finish(ByteBuffer b, int start) {
        int len = b.position() - start + 4;
        b.putInt(start + 4, len);
        b.putInt(len);
    }

    static long units(long ns, int tsresol) {
        if (tsresol < 0) {
            return ns / 1000;
        }
        if ((tsresol & 0x80) != 0) {
            int k = tsresol & 0x7f;
            return (long) ((double) ns / 1e9 * Math.pow(2, k)); // tests use exact binary fractions
        }
        long p = 1;
        for (int i = 0; i < Math.abs(9 - tsresol); i++) {
            p *= 10;
        }
        return tsresol <= 9 ? ns / p : ns * p;
    }

    public static Path write(Path dir, String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }
}
