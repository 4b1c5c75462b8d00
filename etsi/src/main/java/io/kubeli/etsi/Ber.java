package io.kubeli.etsi;

import java.time.Instant;

/** Allocation-free BER/DER primitives shared by the template encoder and the splitter. */
final class Ber {
    private Ber() {}

    /** Octets needed for a DER length field. */
    static int lengthOfLength(int len) {
        if (len < 0x80) return 1;
        if (len < 0x100) return 2;
        if (len < 0x10000) return 3;
        if (len < 0x1000000) return 4;
        return 5;
    }

    /** Writes a minimal (DER) length; returns the new offset. */
    static int writeLength(byte[] out, int off, int len) {
        if (len < 0x80) {
            out[off] = (byte) len;
            return off + 1;
        }
        int n = lengthOfLength(len) - 1;
        out[off++] = (byte) (0x80 | n);
        for (int i = n - 1; i >= 0; i--) out[off++] = (byte) (len >>> (8 * i));
        return off;
    }

    /** Content octets of a non-negative INTEGER in minimal two's complement (1..9). */
    static int unsignedIntLength(long v) {
        if (v < 0) return 9; // values >= 2^63 (unsigned) need 9 octets
        int n = 1;
        while (n < 8 && (v >> (8 * n - 1)) != 0) n++;
        return n;
    }

    /** Writes a non-negative INTEGER's content octets (minimal); returns the new offset. */
    static int writeUnsignedInt(byte[] out, int off, long v, int n) {
        if (n == 9) {
            out[off++] = 0;
            n = 8;
        }
        for (int i = n - 1; i >= 0; i--) out[off++] = (byte) (v >>> (8 * i));
        return off;
    }

    /** Length of a DER GeneralizedTime with millisecond precision (trailing fraction zeros removed). */
    static int genTimeMillisLength(long epochMillis) {
        int ms = (int) Math.floorMod(epochMillis, 1000L);
        if (ms == 0) return 15;
        if (ms % 100 == 0) return 17;
        if (ms % 10 == 0) return 18;
        return 19;
    }

    /** Writes DER GeneralizedTime {@code YYYYMMDDhhmmss[.fff]Z} (ms precision, trimmed); returns the new offset. */
    static int writeGenTimeMillis(byte[] out, int off, long epochMillis) {
        long secs = Math.floorDiv(epochMillis, 1000L);
        int ms = (int) Math.floorMod(epochMillis, 1000L);
        long days = Math.floorDiv(secs, 86400L);
        int sod = (int) Math.floorMod(secs, 86400L);
        // civil_from_days (H. Hinnant): proleptic Gregorian date from days since 1970-01-01
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2) y++;
        if (y < 0 || y > 9999) throw new IllegalArgumentException("year out of GeneralizedTime range: " + y);
        off = digits(out, off, (int) y, 4);
        off = digits(out, off, m, 2);
        off = digits(out, off, d, 2);
        off = digits(out, off, sod / 3600, 2);
        off = digits(out, off, (sod / 60) % 60, 2);
        off = digits(out, off, sod % 60, 2);
        if (ms != 0) {
            out[off++] = '.';
            if (ms % 100 == 0) {
                off = digits(out, off, ms / 100, 1);
            } else if (ms % 10 == 0) {
                off = digits(out, off, ms / 10, 2);
            } else {
                off = digits(out, off, ms, 3);
            }
        }
        out[off++] = 'Z';
        return off;
    }

    private static int digits(byte[] out, int off, int v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            out[off + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return off + n;
    }

    /** An instant truncated to whole milliseconds. */
    static Instant truncateMillis(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond(), (t.getNano() / 1_000_000) * 1_000_000L);
    }

    /** An instant truncated to whole microseconds. */
    static Instant truncateMicros(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond(), (t.getNano() / 1_000) * 1_000L);
    }
}
