package io.kubeli.collector;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address or CIDR prefix, normalized to its network address. Parses literals only (never DNS);
 * {@code toString} does not reveal the address (targets are secrets).
 */
public record IpPrefix(int version, long hi, long lo, int length, byte[] address) {

    /** Parses "192.0.2.1", "198.18.0.0/24", "2001:db8::/64"; throws IllegalArgumentException (without the value). */
    public static IpPrefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty IP target");
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        for (int i = 0; i < addr.length(); i++) {
            char c = addr.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                throw new IllegalArgumentException("IP target is not an address literal");
            }
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("IP target is not a valid address");
        }
        int max = bytes.length * 8;
        int len = max;
        if (slash >= 0) {
            try {
                len = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("IP target has a bad prefix length");
            }
            if (len < 0 || len > max) {
                throw new IllegalArgumentException("IP target prefix length out of range");
            }
        }
        if (bytes.length == 4) {
            int a = ((bytes[0] & 0xFF) << 24)
                    | ((bytes[1] & 0xFF) << 16)
                    | ((bytes[2] & 0xFF) << 8)
                    | (bytes[3] & 0xFF);
            a &= mask4(len);
            return new IpPrefix(4, 0, a & 0xFFFFFFFFL, len, toBytes4(a));
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (bytes[i] & 0xFF);
            lo = (lo << 8) | (bytes[i + 8] & 0xFF);
        }
        hi &= maskHi(len);
        lo &= maskLo(len);
        byte[] norm = new byte[16];
        for (int i = 0; i < 8; i++) {
            norm[i] = (byte) (hi >>> (56 - 8 * i));
            norm[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return new IpPrefix(6, hi, lo, len, norm);
    }

    /** The IPv4 address as an int (version 4 only). */
    public int v4() {
        return (int) lo;
    }

    static int mask4(int len) {
        return len == 0 ? 0 : (int) (0xFFFFFFFFL << (32 - len));
    }

    static long maskHi(int len) {
        return len >= 64 ? -1L : len == 0 ? 0L : -1L << (64 - len);
    }

    static long maskLo(int len) {
        return len <= 64 ? 0L : len == 128 ? -1L : -1L << (128 - len);
    }

    private static byte[] toBytes4(int a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }

    @Override
    public String toString() {
        return "IpPrefix[v" + version + "/" + length + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && p.version == version && p.hi == hi && p.lo == lo && p.length == length;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi * 31 + lo) * 31 + length * 7 + version;
    }
}
