package io.kubeli.etsi;

import io.kubeli.etsi.MalformedPduException.Rule;

/**
 * Finds PDU boundaries in a TCP byte stream by the outer BER length (TCP has no other framing). Accepts any
 * definite length form (including non-minimal long form, as OpenLI sends) and indefinite lengths.
 */
public final class PduSplitter {
    private PduSplitter() {
    }

    /** {@link #pduLength(byte[], int, int, DecodeLimits)} with {@link DecodeLimits#DEFAULT}. */
    public static int pduLength(byte[] buf, int off, int len) throws MalformedPduException {
        return pduLength(buf, off, len, DecodeLimits.DEFAULT);
    }

    /**
     * Total length of the PDU starting at {@code off}, or -1 when more bytes are needed.
     *
     * @throws MalformedPduException bad outer tag, bad length octets, or a PDU above {@code limits.maxPduSize()}
     *                               (offsets relative to {@code off})
     */
    public static int pduLength(byte[] buf, int off, int len, DecodeLimits limits) throws MalformedPduException {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        if (len < 1) return -1;
        if (buf[off] != 0x30) throw new MalformedPduException(0, Rule.BAD_OUTER_TAG, "PS-PDU must start with 0x30");
        int end = end(buf, off, off + len, off, 0, limits);
        return end < 0 ? -1 : end - off;
    }

    /** Absolute end of the element at pos, or -1 if incomplete. */
    private static int end(byte[] b, int pos, int limit, int base, int depth, DecodeLimits l) throws MalformedPduException {
        if (depth > l.maxDepth()) throw new MalformedPduException(pos - base, Rule.DEPTH_EXCEEDED, "deeper than " + l.maxDepth());
        if (pos >= limit) return -1;
        int b0 = b[pos] & 0xFF;
        int p = pos + 1;
        if ((b0 & 0x1F) == 0x1F) {
            int n = 0;
            while (true) {
                if (p >= limit) return -1;
                int t = b[p++] & 0xFF;
                if (++n > 3) throw new MalformedPduException(pos - base, Rule.BAD_TAG, "tag number above limit");
                if ((t & 0x80) == 0) break;
            }
        }
        if (p >= limit) return -1;
        int l0 = b[p++] & 0xFF;
        if (l0 == 0x80) {
            if ((b0 & 0x20) == 0) throw new MalformedPduException(pos - base, Rule.INDEFINITE_PRIMITIVE, null);
            int q = p;
            while (true) {
                if (q - base > l.maxPduSize()) {
                    throw new MalformedPduException(0, Rule.PDU_TOO_LARGE, "indefinite-length PDU above " + l.maxPduSize());
                }
                if (q + 2 > limit) return -1;
                if (b[q] == 0 && b[q + 1] == 0) return q + 2;
                int e = end(b, q, limit, base, depth + 1, l);
                if (e < 0) return -1;
                q = e;
            }
        }
        long len = l0;
        if (l0 >= 0x80) {
            int n = l0 & 0x7F;
            if (l0 == 0xFF || n > 4) throw new MalformedPduException(pos - base, Rule.BAD_LENGTH, "length of " + n + " octets");
            if (p + n > limit) return -1;
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (b[p++] & 0xFF);
        }
        long endPos = p + len;
        if (endPos - base > l.maxPduSize()) {
            throw new MalformedPduException(depth == 0 ? 0 : pos - base, Rule.PDU_TOO_LARGE,
                    "declared " + (endPos - base) + " bytes > " + l.maxPduSize());
        }
        return endPos > limit ? -1 : (int) endPos;
    }
}
