package io.kubeli.etsi;

import io.kubeli.etsi.BerReader.Tlv;
import io.kubeli.etsi.MalformedPduException.Rule;

/**
 * Cheap peek at a PDU without a full decode: LIID, CIN, sequence number and payload kind — for routing,
 * keep-alive detection and sequence-gap checks. Only the fields it reads are validated.
 */
public final class PduInspector {
    private PduInspector() {
    }

    /** Which Payload alternative a PDU carries. */
    public enum PayloadKind { IRI, CC, TRI, OTHER }

    /**
     * What {@link #inspect} found.
     *
     * @param liid           lawfulInterceptionIdentifier
     * @param cin            communicationIdentityNumber, or null when absent
     * @param sequenceNumber sequenceNumber
     * @param kind           payload kind
     * @param triKind        for TRI payloads the alternative (KEEP_ALIVE, …), else null
     * @param length         total PDU length in bytes
     */
    public record Summary(Octets liid, Long cin, long sequenceNumber, PayloadKind kind, TriKind triKind, int length) {
        public boolean isKeepAlive() {
            return triKind == TriKind.KEEP_ALIVE;
        }

        public boolean isKeepAliveResponse() {
            return triKind == TriKind.KEEP_ALIVE_RESPONSE;
        }
    }

    /** Inspects the PDU starting at {@code off} (the buffer may extend past it). */
    public static Summary inspect(byte[] b, int off, int len) throws MalformedPduException {
        return inspect(b, off, len, DecodeLimits.DEFAULT);
    }

    public static Summary inspect(byte[] b, int off, int len, DecodeLimits limits) throws MalformedPduException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        BerReader r = new BerReader(b, off, limits);
        Tlv pdu = r.read(off, off + len, 0);
        if (!pdu.is(0, 16, true)) throw r.error(off, Rule.BAD_OUTER_TAG, "PS-PDU must start with 0x30");
        if (pdu.end() - off > limits.maxPduSize()) throw r.error(off, Rule.PDU_TOO_LARGE, null);
        Tlv hdr = r.read(pdu.contentStart(), pdu.contentEnd(), 1);
        if (!hdr.is(2, 1, true)) throw r.error(hdr.start(), Rule.UNEXPECTED_TAG, "expected pSHeader [1]");
        Octets liid = null;
        Long cin = null;
        long seq = -1;
        int p = hdr.contentStart();
        while (p < hdr.contentEnd()) {
            Tlv f = r.read(p, hdr.contentEnd(), 2);
            p = f.end();
            if (f.is(2, 1, false)) {
                if (f.contentLength() < 1 || f.contentLength() > limits.maxLiidLength()) {
                    throw r.error(f.start(), Rule.LIID_TOO_LONG, f.contentLength() + " octets");
                }
                liid = Octets.of(b, f.contentStart(), f.contentLength());
            } else if (f.is(2, 3, true)) {
                int q = f.contentStart();
                while (q < f.contentEnd()) {
                    Tlv c = r.read(q, f.contentEnd(), 3);
                    q = c.end();
                    if (c.is(2, 1, false)) cin = uint(r, c);
                }
            } else if (f.is(2, 4, false)) {
                seq = uint(r, f);
            }
        }
        if (liid == null) throw r.error(hdr.start(), Rule.MISSING_FIELD, "lawfulInterceptionIdentifier");
        if (seq < 0) throw r.error(hdr.start(), Rule.MISSING_FIELD, "sequenceNumber");
        if (hdr.end() >= pdu.contentEnd()) throw r.error(pdu.start(), Rule.MISSING_FIELD, "payload");
        Tlv payload = r.read(hdr.end(), pdu.contentEnd(), 1);
        if (!payload.is(2, 2, true)) throw r.error(payload.start(), Rule.UNEXPECTED_TAG, "expected payload [2]");
        if (payload.contentLength() == 0) throw r.error(payload.start(), Rule.MISSING_FIELD, "empty payload");
        Tlv alt = r.read(payload.contentStart(), payload.contentEnd(), 2);
        PayloadKind kind = alt.tagClass() != 2 ? PayloadKind.OTHER : switch (alt.tag()) {
            case 0 -> PayloadKind.IRI;
            case 1 -> PayloadKind.CC;
            case 2 -> PayloadKind.TRI;
            default -> PayloadKind.OTHER;
        };
        TriKind tri = null;
        if (kind == PayloadKind.TRI) {
            if (!alt.constructed() || alt.contentLength() == 0) throw r.error(alt.start(), Rule.MISSING_FIELD, "tRIPayload");
            Tlv t = r.read(alt.contentStart(), alt.contentEnd(), 3);
            tri = t.tagClass() == 2 ? TriKind.fromTag(t.tag()) : TriKind.OTHER;
        }
        return new Summary(liid, cin, seq, kind, tri, pdu.end() - off);
    }

    private static long uint(BerReader r, Tlv c) throws MalformedPduException {
        int n = c.contentLength();
        if (n == 0) throw r.error(c.start(), Rule.BAD_INTEGER, "no content octets");
        if (n > 5) throw r.error(c.start(), Rule.INTEGER_OUT_OF_RANGE, "above 4294967295");
        if (r.buf[c.contentStart()] < 0) throw r.error(c.start(), Rule.INTEGER_OUT_OF_RANGE, "negative");
        long v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | (r.buf[c.contentStart() + i] & 0xFF);
        if (v > 0xFFFF_FFFFL) throw r.error(c.start(), Rule.INTEGER_OUT_OF_RANGE, "above 4294967295");
        return v;
    }
}
