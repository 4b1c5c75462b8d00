package io.kubeli.collector.radius;

/**
 * Bounded, allocation-free RADIUS parser (RFC 2865/2866, 3162, 4818, 6911). Every way a packet can lie is one
 * {@link Result} and is counted by the caller; nothing throws and nothing reads outside {@code [off, off+len)}.
 * Each attribute is at least two octets, so a packet of at most 4096 octets holds at most 2038 attributes: no loop.
 * User-Password (attribute 2) is skipped without being read.
 */
public final class RadiusParser {
    /** Outcome of {@link #parse}. */
    public enum Result {
        OK,
        IGNORED_CODE,
        TOO_SHORT,
        BAD_LENGTH,
        TRUNCATED,
        ATTR_TOO_SHORT,
        ATTR_OVERRUN,
        BAD_VALUE,
        CONFLICTING_IDENTITY,
        MISSING_STATUS,
        MISSING_SESSION_ID
    }

    static final int MIN_LENGTH = 20;
    static final int MAX_LENGTH = 4096;

    private RadiusParser() {}

    /** Parses {@code buf[off, off+len)} (the UDP payload) into {@code m}. */
    public static Result parse(byte[] buf, int off, int len, RadiusMessage m) {
        m.clear();
        if (len < MIN_LENGTH) {
            return Result.TOO_SHORT;
        }
        int code = buf[off] & 0xFF;
        int declared = u16(buf, off + 2);
        if (declared < MIN_LENGTH || declared > MAX_LENGTH) {
            return Result.BAD_LENGTH;
        }
        if (declared > len) {
            return Result.TRUNCATED; // octets beyond the declared length are padding (RFC 2865 3), fewer are a lie
        }
        if (code < RadiusMessage.ACCESS_REQUEST || code > RadiusMessage.ACCOUNTING_RESPONSE) {
            return Result.IGNORED_CODE; // Access-Challenge, Status-Server, CoA, ...: nothing to learn
        }
        m.code = code;
        m.identifier = buf[off + 1] & 0xFF;
        int end = off + declared;
        int p = off + 20;
        while (p < end) {
            if (p + 2 > end) {
                return Result.ATTR_TOO_SHORT;
            }
            int type = buf[p] & 0xFF;
            int alen = buf[p + 1] & 0xFF;
            if (alen < 2) {
                return Result.ATTR_TOO_SHORT; // length 0 or 1 would never advance
            }
            if (p + alen > end) {
                return Result.ATTR_OVERRUN;
            }
            Result r = attribute(buf, type, p + 2, alen - 2, m);
            if (r != Result.OK) {
                return r;
            }
            p += alen;
        }
        if (code == RadiusMessage.ACCOUNTING_REQUEST) {
            if (m.statusType == 0) {
                return Result.MISSING_STATUS;
            }
            boolean onOff = m.statusType == RadiusMessage.STATUS_ACCOUNTING_ON
                    || m.statusType == RadiusMessage.STATUS_ACCOUNTING_OFF;
            if (!onOff && m.sessionIdLen <= 0) {
                return Result.MISSING_SESSION_ID;
            }
        }
        return Result.OK;
    }

    private static Result attribute(byte[] b, int type, int v, int n, RadiusMessage m) {
        switch (type) {
            case 1 -> { // User-Name
                int l = copyString(b, v, n, m.user, m.userLen);
                if (l < 0) {
                    return l == -2 ? Result.CONFLICTING_IDENTITY : Result.BAD_VALUE;
                }
                m.userLen = l;
            }
            case 31 -> { // Calling-Station-Id
                int l = copyString(b, v, n, m.callingStationId, m.callingStationIdLen);
                if (l < 0) {
                    return l == -2 ? Result.CONFLICTING_IDENTITY : Result.BAD_VALUE;
                }
                m.callingStationIdLen = l;
            }
            case 44 -> { // Acct-Session-Id
                int l = copyString(b, v, n, m.sessionId, m.sessionIdLen);
                if (l < 0) {
                    return l == -2 ? Result.CONFLICTING_IDENTITY : Result.BAD_VALUE;
                }
                m.sessionIdLen = l;
            }
            case 32 -> { // NAS-Identifier
                int l = copyString(b, v, n, m.nasIdentifier, m.nasIdentifierLen);
                if (l < 0) {
                    return l == -2 ? Result.CONFLICTING_IDENTITY : Result.BAD_VALUE;
                }
                m.nasIdentifierLen = l;
            }
            case 4 -> { // NAS-IP-Address
                if (n != 4 || (m.hasNasIp4 && m.nasIp4 != i32(b, v))) {
                    return n != 4 ? Result.BAD_VALUE : Result.CONFLICTING_IDENTITY;
                }
                m.hasNasIp4 = true;
                m.nasIp4 = i32(b, v);
            }
            case 95 -> { // NAS-IPv6-Address
                if (n != 16) {
                    return Result.BAD_VALUE;
                }
                m.hasNasIp6 = true;
                m.nasIp6Hi = i64(b, v);
                m.nasIp6Lo = i64(b, v + 8);
            }
            case 8 -> { // Framed-IP-Address
                if (n != 4) {
                    return Result.BAD_VALUE;
                }
                int a = i32(b, v);
                if (m.hasFramedIp4 && m.framedIp4 != a) {
                    return Result.CONFLICTING_IDENTITY;
                }
                m.hasFramedIp4 = true;
                m.framedIp4 = a;
            }
            case 97, 123 -> { // Framed-IPv6-Prefix, Delegated-IPv6-Prefix: reserved, length, prefix (up to 16 octets)
                if (n < 2 || n > 18) {
                    return Result.BAD_VALUE;
                }
                int plen = b[v + 1] & 0xFF;
                if (plen < 1 || plen > 128 || (plen + 7) / 8 > n - 2) {
                    return Result.BAD_VALUE;
                }
                byte[] a = new byte[16]; // small, only on RADIUS packets carrying prefixes
                System.arraycopy(b, v + 2, a, 0, Math.min(n - 2, 16));
                long hi = i64(a, 0) & maskHi(plen);
                long lo = i64(a, 8) & maskLo(plen);
                if (type == 97) {
                    m.framedPrefixLen = plen;
                    m.framedPrefixHi = hi;
                    m.framedPrefixLo = lo;
                } else {
                    m.delegatedPrefixLen = plen;
                    m.delegatedPrefixHi = hi;
                    m.delegatedPrefixLo = lo;
                }
            }
            case 168 -> { // Framed-IPv6-Address
                if (n != 16) {
                    return Result.BAD_VALUE;
                }
                m.hasFramedIp6 = true;
                m.framedIp6Hi = i64(b, v);
                m.framedIp6Lo = i64(b, v + 8);
            }
            case 40, 42, 43, 47, 48, 49, 52, 53 -> { // 32-bit integers
                if (n != 4) {
                    return Result.BAD_VALUE;
                }
                long x = i32(b, v) & 0xFFFF_FFFFL;
                switch (type) {
                    case 40 -> {
                        if (x == 0 || x > 15) {
                            return Result.BAD_VALUE;
                        }
                        m.statusType = (int) x;
                    }
                    case 42 -> m.inOctets = x;
                    case 43 -> m.outOctets = x;
                    case 47 -> m.inPackets = x;
                    case 48 -> m.outPackets = x;
                    case 49 -> m.terminateCause = (int) Math.min(x, Integer.MAX_VALUE);
                    case 52 -> m.inGigawords = x;
                    default -> m.outGigawords = x;
                }
            }
            default -> {
                // User-Password (2) and everything else: not read
            }
        }
        return Result.OK;
    }

    /** Copies a string value; -1 = bad length, -2 = a second, different value of the same identity attribute. */
    private static int copyString(byte[] b, int v, int n, byte[] dst, int prevLen) {
        if (n < 1 || n > RadiusMessage.MAX_VALUE) {
            return -1;
        }
        if (prevLen >= 0) {
            return java.util.Arrays.equals(b, v, v + n, dst, 0, prevLen) ? n : -2;
        }
        System.arraycopy(b, v, dst, 0, n);
        return n;
    }

    static long maskHi(int len) {
        return len <= 0 ? 0 : len >= 64 ? -1L : -1L << (64 - len);
    }

    static long maskLo(int len) {
        return len <= 64 ? 0 : len >= 128 ? -1L : -1L << (128 - len);
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int i32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    private static long i64(byte[] b, int p) {
        return ((long) i32(b, p) << 32) | (i32(b, p + 4) & 0xFFFF_FFFFL);
    }
}
