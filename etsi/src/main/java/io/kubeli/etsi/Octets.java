package io.kubeli.etsi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** An immutable OCTET STRING value with value equality (records holding it compare by content). */
public final class Octets {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of the given bytes. */
    public static Octets of(byte[] bytes) {
        return new Octets(bytes.clone());
    }

    /** A copy of a range of the given bytes. */
    public static Octets of(byte[] bytes, int off, int len) {
        return new Octets(Arrays.copyOfRange(bytes, off, off + len));
    }

    /** The US-ASCII bytes of a string (LIIDs, usernames, identifiers). */
    public static Octets ascii(String s) {
        return new Octets(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Bytes from a hex string (case-insensitive, no separators). */
    public static Octets hex(String hex) {
        return new Octets(HEX.parseHex(hex));
    }

    /** Null-tolerant {@link #ascii(String)}. */
    public static Octets asciiOrNull(String s) {
        return s == null ? null : ascii(s);
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    public byte get(int i) {
        return bytes[i];
    }

    /** Copies the content into {@code out} at {@code off}; returns the number of bytes copied. */
    public int copyTo(byte[] out, int off) {
        System.arraycopy(bytes, 0, out, off, bytes.length);
        return bytes.length;
    }

    /** Lower-case hex. */
    public String toHex() {
        return HEX.formatHex(bytes);
    }

    /** The content read as ISO-8859-1 text (lossless for any byte). */
    public String toLatin1() {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
