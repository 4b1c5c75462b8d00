package io.kubeli.etsi;

import io.kubeli.etsi.MalformedPduException.Rule;
import java.nio.charset.StandardCharsets;

/**
 * Zero-copy peek at one PS-PDU without a full decode: a reusable flyweight over a {@code byte[]} slice for routing,
 * keep-alive detection and sequence checks on hot paths. {@link #wrap} walks the outer SEQUENCE, the pSHeader up to
 * its sequenceNumber and the payload's alternative, allocating nothing; it validates what it reads (outer tag and
 * length against the slice, {@link DecodeLimits#maxPduSize()} and LIID size, TLV bounds, INTEGER ranges, mandatory
 * fields) and refuses trailing bytes and the indefinite length form. The other accessors read further on demand.
 * Not thread-safe: one instance per thread.
 */
public final class PduInspector {

    /** Which Payload alternative a PDU carries. */
    public enum PayloadKind {
        IRI,
        CC,
        TRI,
        HI1_OPERATION,
        OTHER
    }

    /**
     * What {@link #inspect} found (a copy, for callers off the hot path).
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

    private static final int CONTEXT = 2;

    private final DecodeLimits limits;
    private byte[] b;
    private int length;
    private int liidOff, liidLen;
    private long cin, seq;
    private PayloadKind kind;
    private TriKind tri;
    private int hdrContent, hdrEnd; // the pSHeader's content
    private int altStart, altEnd; // the payload alternative's content
    private final BerReader r; // its h* fields: the TLV last read

    public PduInspector() {
        this(DecodeLimits.DEFAULT);
    }

    public PduInspector(DecodeLimits limits) {
        this.limits = limits;
        this.r = new BerReader(null, 0, limits);
    }

    /** Inspects (allocating a {@link Summary}) exactly one PDU occupying {@code b[off, off+len)}. */
    public static Summary inspect(byte[] b, int off, int len) throws MalformedPduException {
        return inspect(b, off, len, DecodeLimits.DEFAULT);
    }

    public static Summary inspect(byte[] b, int off, int len, DecodeLimits limits) throws MalformedPduException {
        return new PduInspector(limits).wrap(b, off, len).summary();
    }

    /**
     * Reads exactly one PDU occupying {@code b[off, off+len)}; the accessors then describe it (until the next call).
     * Offsets in errors are relative to {@code off}.
     */
    public PduInspector wrap(byte[] b, int off, int len) throws MalformedPduException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        this.b = b;
        this.length = 0;
        r.reset(b, off);
        this.kind = null;
        this.tri = null;
        if (len > limits.maxPduSize()) throw error(off, Rule.PDU_TOO_LARGE, len + " bytes > " + limits.maxPduSize());
        int end = off + len;
        if (len > 0 && b[off] != 0x30) throw error(off, Rule.BAD_OUTER_TAG, "PS-PDU must start with 0x30");
        // TLVs as values (BerReader.quick: identifier octet, header length, end), compared by identifier octet
        long t = r.quick(off, end);
        int pduEnd = (int) t;
        if (pduEnd != end) throw error(pduEnd, Rule.TRAILING_BYTES, (end - pduEnd) + " bytes after the PDU");
        int hdrAt = off + hl(t);
        t = r.quick(hdrAt, pduEnd);
        if (id(t) != 0xA1) throw error(hdrAt, Rule.UNEXPECTED_TAG, "expected pSHeader [1]");
        int hdrEnd = (int) t;
        this.hdrContent = hdrAt + hl(t);
        this.hdrEnd = hdrEnd;
        liidOff = -1;
        liidLen = 0;
        cin = -1;
        seq = -1;
        // up to sequenceNumber [4], after the LIID [1] and communicationIdentifier [3]; the rest is read on demand
        for (int p = hdrContent; p < hdrEnd && seq < 0; ) {
            int at = p;
            t = r.quick(p, hdrEnd);
            p = (int) t;
            int content = at + hl(t);
            switch (id(t)) {
                case 0x81 -> { // lawfulInterceptionIdentifier [1]
                    int n = p - content;
                    if (n < 1 || n > limits.maxLiidLength()) throw error(at, Rule.LIID_TOO_LONG, n + " octets");
                    liidOff = content;
                    liidLen = n;
                }
                case 0xA3 -> { // communicationIdentifier [3] -> cIN [1]
                    for (int q = content; q < p; ) {
                        int cAt = q;
                        long c = r.quick(q, p);
                        q = (int) c;
                        if (id(c) == 0x81) {
                            cin = uint32(cAt, cAt + hl(c), q);
                            break;
                        }
                    }
                }
                case 0x84 -> seq = uint32(at, content, p); // sequenceNumber [4]
                case 0xA1, 0x83, 0xA4 ->
                    throw error(at, Rule.UNEXPECTED_TAG, "wrong form of pSHeader field [" + (id(t) & 0x1F) + "]");
                default -> {}
            }
        }
        if (liidOff < 0) throw error(hdrAt, Rule.MISSING_FIELD, "lawfulInterceptionIdentifier");
        if (seq < 0) throw error(hdrAt, Rule.MISSING_FIELD, "sequenceNumber");
        if (hdrEnd >= pduEnd) throw error(off, Rule.MISSING_FIELD, "payload");
        t = r.quick(hdrEnd, pduEnd);
        if (id(t) != 0xA2) throw error(hdrEnd, Rule.UNEXPECTED_TAG, "expected payload [2]");
        int payloadContent = hdrEnd + hl(t), payloadEnd = (int) t;
        if (payloadContent == payloadEnd) throw error(hdrEnd, Rule.MISSING_FIELD, "empty payload");
        t = r.quick(payloadContent, payloadEnd);
        int alt = id(t);
        altStart = payloadContent + hl(t);
        altEnd = (int) t;
        kind = (alt & 0xC0) != 0x80
                ? PayloadKind.OTHER
                : switch (alt & 0x1F) {
                    case 0 -> PayloadKind.IRI;
                    case 1 -> PayloadKind.CC;
                    case 2 -> PayloadKind.TRI;
                    case 3 -> PayloadKind.HI1_OPERATION;
                    default -> PayloadKind.OTHER;
                };
        if (kind == PayloadKind.TRI) {
            if ((alt & 0x20) == 0 || altStart == altEnd) throw error(payloadContent, Rule.MISSING_FIELD, "tRIPayload");
            int tr = id(r.quick(altStart, altEnd));
            tri = (tr & 0xC0) == 0x80 && (tr & 0x1F) != 0x1F ? TriKind.fromTag(tr & 0x1F) : TriKind.OTHER;
        }
        length = len;
        return this;
    }

    private static int id(long tlv) {
        return (int) (tlv >>> 32) & 0xFF;
    }

    private static int hl(long tlv) {
        return (int) (tlv >>> 40);
    }

    /** Total PDU length in bytes. */
    public int length() {
        return length;
    }

    /** Where the LIID's octets start in the wrapped array. */
    public int liidOffset() {
        return liidOff;
    }

    public int liidLength() {
        return liidLen;
    }

    /** The LIID octets as a string, one char per octet (ISO 8859-1; allocates: cache it by {@link #liidOffset}). */
    public String liid() {
        return new String(b, liidOff, liidLen, StandardCharsets.ISO_8859_1);
    }

    /** communicationIdentityNumber, or -1 when absent. */
    public long cin() {
        return cin;
    }

    public long sequenceNumber() {
        return seq;
    }

    public PayloadKind kind() {
        return kind;
    }

    /** For TRI payloads the alternative, else null. */
    public TriKind triKind() {
        return tri;
    }

    public boolean isKeepAlive() {
        return tri == TriKind.KEEP_ALIVE;
    }

    public boolean isKeepAliveResponse() {
        return tri == TriKind.KEEP_ALIVE_RESPONSE;
    }

    /** A copy of what {@link #wrap} found. */
    public Summary summary() {
        return new Summary(Octets.of(b, liidOff, liidLen), cin < 0 ? null : cin, seq, kind, tri, length);
    }

    /**
     * The header's time in microseconds since 1970: microSecondTimeStamp [7], else a UTC timeStamp [5]; -1 when
     * absent or unreadable (never throws).
     */
    public long timeMicros() {
        if (length == 0) return -1;
        try {
            long ts = -1;
            for (int p = hdrContent; p < hdrEnd; ) {
                r.header(p, hdrEnd, 2);
                p = r.hEnd;
                if (is(5, false)) {
                    ts = generalizedTimeMicros(b, r.hContent, r.hEnd - r.hContent);
                } else if (is(7, true)) {
                    long s = -1, us = 0;
                    int mEnd = r.hEnd;
                    for (int q = r.hContent; q < mEnd; ) {
                        int at = q;
                        r.header(q, mEnd, 3);
                        q = r.hEnd;
                        if (is(0, false)) s = uint32(at);
                        else if (is(1, false)) us = uint32(at);
                    }
                    return s < 0 || us > 999_999 ? -1 : s * 1_000_000L + us;
                }
            }
            return ts;
        } catch (MalformedPduException e) {
            return -1;
        }
    }

    /**
     * Where the first CCPayload's packet lies: {@code (offset << 32) | length} in the wrapped array (iPCC's
     * iPPackets or iPMMCC's mMCCContents); -1 for other payloads or when unreadable (never throws).
     */
    public long ccPacket() {
        if (kind != PayloadKind.CC || altStart == altEnd) return -1;
        try {
            r.header(altStart, altEnd, 3); // CCPayload
            int ccEnd = r.hEnd;
            for (int p = r.hContent; p < ccEnd; ) {
                r.header(p, ccEnd, 4);
                p = r.hEnd;
                if (!is(2, true)) continue; // cCContents [2] (a CHOICE: explicit)
                if (r.hContent == r.hEnd) return -1;
                r.header(r.hContent, r.hEnd, 5);
                int alt = r.hTag, aEnd = r.hEnd;
                for (int q = r.hContent; q < aEnd; ) {
                    r.header(q, aEnd, 6);
                    q = r.hEnd;
                    if (alt == 2 && is(1, true) && r.hContent < r.hEnd) { // iPCC [2] -> iPCCContents [1] (CHOICE)
                        r.header(r.hContent, r.hEnd, 7);
                        if (is(0, false)) return range(); // iPPackets [0]
                        if (is(1, true) && r.hContent < r.hEnd) { // iPTruncatedPacket [1] -> truncatedPacket [0]
                            r.header(r.hContent, r.hEnd, 8);
                            if (is(0, false)) return range();
                        }
                        return -1;
                    }
                    if (alt == 12 && is(1, false)) return range(); // iPMMCC [12] -> mMCCContents [1]
                }
                return -1;
            }
        } catch (MalformedPduException e) {
            // unreadable: -1
        }
        return -1;
    }

    /** The iRIType of the first IRIPayload (1 begin, 2 end, 3 continue, 4 report); -1 otherwise (never throws). */
    public int iriType() {
        return (int) iri(true);
    }

    /**
     * The context tag number of the first IRIPayload's iRIContents alternative (2 iPIRI, 11 iPMMIRI, …); -1 for
     * other payloads or when unreadable (never throws).
     */
    public int iriContents() {
        return (int) iri(false);
    }

    // the first IRIPayload's iRIType [0] (type) or iRIContents [2] alternative tag number
    private long iri(boolean type) {
        if (kind != PayloadKind.IRI || altStart == altEnd) return -1;
        try {
            r.header(altStart, altEnd, 3); // IRIPayload
            if (!r.hCons) return -1;
            int end = r.hEnd;
            for (int p = r.hContent; p < end; ) {
                int at = p;
                r.header(p, end, 4);
                p = r.hEnd;
                if (type && is(0, false)) return uint32(at);
                if (!type && is(2, true) && r.hContent < r.hEnd) {
                    r.header(r.hContent, r.hEnd, 5);
                    return r.hClass == CONTEXT ? r.hTag : -1;
                }
            }
        } catch (MalformedPduException e) {
            // unreadable: -1
        }
        return -1;
    }

    private long range() {
        return ((long) r.hContent << 32) | (r.hEnd - r.hContent);
    }

    private boolean is(int tag, boolean constructed) {
        return r.hClass == CONTEXT && r.hTag == tag && r.hCons == constructed;
    }

    // a non-negative INTEGER of at most 32 bits (sequenceNumber, CIN, seconds) in the TLV just read at {@code at}
    private long uint32(int at) throws MalformedPduException {
        return uint32(at, r.hContent, r.hEnd);
    }

    // the same, for the TLV at {@code at} with content [from, to)
    private long uint32(int at, int from, int to) throws MalformedPduException {
        int n = to - from;
        if (n == 0) throw error(at, Rule.BAD_INTEGER, "no content octets");
        if (n > 1 && b[from] == 0 && b[from + 1] >= 0) throw error(at, Rule.BAD_INTEGER, "redundant leading octet");
        if (b[from] < 0) throw error(at, Rule.INTEGER_OUT_OF_RANGE, "negative");
        if (n > 5) throw error(at, Rule.INTEGER_OUT_OF_RANGE, "above 4294967295");
        long v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | (b[from + i] & 0xFF);
        if (v > 0xFFFF_FFFFL) throw error(at, Rule.INTEGER_OUT_OF_RANGE, "above 4294967295");
        return v;
    }

    /**
     * A UTC GeneralizedTime {@code YYYYMMDDhhmmss[(.|,)f{1,9}]Z} in microseconds since 1970, -1 when it is not one
     * (local time and offsets included: {@link PsPduDecoder} reads those). Hand-written: java.time parsing cost the
     * test agency more than everything else per record.
     */
    static long generalizedTimeMicros(byte[] b, int off, int len) {
        if (len < 15) return -1;
        int y = digits(b, off, 4), mo = digits(b, off + 4, 2), d = digits(b, off + 6, 2);
        int h = digits(b, off + 8, 2), mi = digits(b, off + 10, 2), s = digits(b, off + 12, 2);
        boolean leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        if ((y | mo | d | h | mi | s) < 0
                || mo < 1
                || mo > 12
                || d < 1
                || h > 23
                || mi > 59
                || s > 59
                || d > (mo == 2 ? (leap ? 29 : 28) : mo == 4 || mo == 6 || mo == 9 || mo == 11 ? 30 : 31)) {
            return -1;
        }
        int p = off + 14, end = off + len;
        long micros = 0;
        if (p < end && (b[p] == '.' || b[p] == ',')) {
            int n = 0;
            long frac = 0;
            for (p++; p < end && b[p] >= '0' && b[p] <= '9'; p++, n++) {
                if (n < 9) frac = frac * 10 + (b[p] - '0');
            }
            if (n == 0 || n > 9) return -1;
            for (int k = n; k < 9; k++) frac *= 10;
            micros = frac / 1000;
        }
        if (p + 1 != end || b[p] != 'Z') return -1;
        // days since 1970-01-01 (proleptic Gregorian, as LocalDate.toEpochDay, without allocating)
        long days = 365L * y
                + (y + 3) / 4
                - (y + 99) / 100
                + (y + 399) / 400
                + (367 * mo - 362) / 12
                + d
                - 1
                - (mo > 2 ? (leap ? 1 : 2) : 0)
                - 719_528;
        return ((days * 24 + h) * 60 + mi) * 60_000_000L + s * 1_000_000L + micros;
    }

    private static int digits(byte[] b, int off, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int c = b[off + i] - '0';
            if (c < 0 || c > 9) return -1;
            v = v * 10 + c;
        }
        return v;
    }

    private MalformedPduException error(int absPos, Rule rule, String detail) {
        return r.error(absPos, rule, detail);
    }
}
