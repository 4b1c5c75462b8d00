package io.kubeli.link;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Per-connection cache of the last routing strings seen, so repeated routing is not decoded per record. */
final class StringCache {
    private final byte[][] bytes = new byte[3][];
    private final String[] strings = new String[3];

    /** Returns the string of the next {@code len} bytes of {@code in}, consuming them. */
    String get(ByteBuffer in, int len, int slot) {
        byte[] last = bytes[slot];
        int pos = in.position();
        if (last != null && last.length == len) {
            if (in.hasArray()) {
                byte[] a = in.array();
                int off = in.arrayOffset() + pos;
                if (java.util.Arrays.equals(a, off, off + len, last, 0, len)) {
                    in.position(pos + len);
                    return strings[slot];
                }
            }
        }
        byte[] b = new byte[len];
        in.get(b);
        String s = new String(b, StandardCharsets.UTF_8);
        bytes[slot] = b;
        strings[slot] = s;
        return s;
    }
}
