package io.kubeli.etsi;

import io.kubeli.etsi.MalformedPduException.Rule;

/**
 * Finds PDU boundaries in a TCP byte stream by the outer BER length (TCP has no other framing): reads only the outer
 * tag and length octets, so it costs the same for any PDU size. Accepts any definite length form (including the
 * non-minimal long form OpenLI sends); the indefinite form is refused ({@link DecodeLimits}).
 */
public final class PduSplitter {
    private PduSplitter() {}

    /** {@link #pduLength(byte[], int, int, DecodeLimits)} with {@link DecodeLimits#DEFAULT}. */
    public static int pduLength(byte[] buf, int off, int len) throws MalformedPduException {
        return pduLength(buf, off, len, DecodeLimits.DEFAULT);
    }

    /**
     * Total length of the PDU starting at {@code off}, or -1 when more bytes are needed.
     *
     * @throws MalformedPduException bad outer tag, bad or indefinite length octets, or a PDU above
     *                               {@code limits.maxPduSize()} (known as soon as its length octets are; offsets
     *                               relative to {@code off})
     */
    public static int pduLength(byte[] buf, int off, int len, DecodeLimits limits) throws MalformedPduException {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        if (len < 1) return -1;
        if (buf[off] != 0x30) throw new MalformedPduException(0, Rule.BAD_OUTER_TAG, "PS-PDU must start with 0x30");
        if (len < 2) return -1;
        int l0 = buf[off + 1] & 0xFF;
        if (l0 == 0x80)
            throw new MalformedPduException(0, Rule.INDEFINITE_LENGTH, DecodeLimits.INDEFINITE_LENGTH_REFUSED);
        long total;
        if (l0 < 0x80) {
            total = 2 + l0;
        } else {
            int n = l0 & 0x7F;
            if (l0 == 0xFF || n > 4) throw new MalformedPduException(0, Rule.BAD_LENGTH, "length of " + n + " octets");
            if (len < 2 + n) return -1;
            long v = 0;
            for (int i = 0; i < n; i++) v = (v << 8) | (buf[off + 2 + i] & 0xFF);
            total = 2 + n + v;
        }
        if (total > limits.maxPduSize()) {
            throw new MalformedPduException(
                    0, Rule.PDU_TOO_LARGE, "declared " + total + " bytes > " + limits.maxPduSize());
        }
        return total > len ? -1 : (int) total;
    }
}
