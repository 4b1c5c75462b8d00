package io.kubeli.etsi;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** An OBJECT IDENTIFIER or RELATIVE-OID value (arcs, dotted notation, BER content octets). */
public final class ObjectId {
    private final boolean relative;
    private final long[] arcs;

    private ObjectId(boolean relative, long[] arcs) {
        this.relative = relative;
        this.arcs = arcs;
    }

    /** An absolute OID, e.g. {@code "0.4.0.2.2.5.1.43"}. */
    public static ObjectId absolute(String dotted) {
        long[] a = parse(dotted);
        if (a.length < 2 || a[0] > 2 || (a[0] < 2 && a[1] > 39)) {
            throw new IllegalArgumentException("not a valid OBJECT IDENTIFIER: " + dotted);
        }
        return new ObjectId(false, a);
    }

    /** A RELATIVE-OID, e.g. {@code "5.3.20.2"}. */
    public static ObjectId relative(String dotted) {
        return new ObjectId(true, parse(dotted));
    }

    static ObjectId of(boolean relative, long[] arcs) {
        return new ObjectId(relative, arcs.clone());
    }

    private static long[] parse(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        long[] a = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            a[i] = Long.parseLong(parts[i]);
            if (a[i] < 0) throw new IllegalArgumentException("negative arc in " + dotted);
        }
        return a;
    }

    public boolean isRelative() {
        return relative;
    }

    /** A copy of the arcs. */
    public long[] arcs() {
        return arcs.clone();
    }

    /** The last arc (e.g. the version of a module OID). */
    public long lastArc() {
        return arcs[arcs.length - 1];
    }

    /** BER/DER content octets (first two arcs packed for an absolute OID). */
    public byte[] contentOctets() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        if (!relative) {
            writeArc(out, arcs[0] * 40 + arcs[1]);
            i = 2;
        }
        for (; i < arcs.length; i++) writeArc(out, arcs[i]);
        return out.toByteArray();
    }

    private static void writeArc(ByteArrayOutputStream out, long v) {
        int groups = 1;
        while (groups < 10 && (v >>> (7 * groups)) != 0) groups++;
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((v >>> (7 * g)) & 0x7F);
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectId other && relative == other.relative && Arrays.equals(arcs, other.arcs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(arcs) * 31 + (relative ? 1 : 0);
    }

    /** Dotted notation. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < arcs.length; i++) {
            if (i > 0) sb.append('.');
            sb.append(arcs[i]);
        }
        return sb.toString();
    }
}
