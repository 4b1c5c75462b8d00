package io.kubeli.mediator.pdu;

import java.nio.charset.StandardCharsets;

/** Minimal BER walk over one PS-PDU: routing header, kind, timestamp and the CC payload bytes. */
public record PduView(String liid, long cin, long seq, Kind kind, long timeMicros, int payloadOff, int payloadLen) {

    /** What a PS-PDU carries. */
    public enum Kind { IRI, CC, KEEP_ALIVE, KEEP_ALIVE_RESPONSE, OTHER_TRI, HI1_OPERATION, OTHER }

    /**
     * Length of the complete TLV at {@code off}, or -1 when {@code avail} bytes do not yet hold it.
     *
     * @throws MalformedPduException when the bytes cannot start a PS-PDU
     */
    public static long frameLength(byte[] b, int off, int avail) throws MalformedPduException {
        if (avail < 2) return -1;
        if ((b[off] & 0xff) != 0x30) throw new MalformedPduException("expected a PS-PDU SEQUENCE (0x30), got 0x" + Integer.toHexString(b[off] & 0xff));
        int l0 = b[off + 1] & 0xff;
        if (l0 < 0x80) return 2L + l0;
        int n = l0 & 0x7f;
        if (n == 0) throw new MalformedPduException("indefinite outer length is not supported on a handover stream");
        if (n > 4) throw new MalformedPduException("outer length of " + n + " octets is too large");
        if (avail < 2 + n) return -1;
        long len = 0;
        for (int i = 0; i < n; i++) len = (len << 8) | (b[off + 2 + i] & 0xff);
        return 2L + n + len;
    }

    /** Parses one complete PDU occupying {@code b[off, off+len)}. */
    public static PduView parse(byte[] b, int off, int len) throws MalformedPduException {
        Tlv outer = Tlv.read(b, off, off + len);
        if (outer.tag != 0x30) throw new MalformedPduException("not a PS-PDU");
        String liid = null;
        long cin = -1, seq = -1, micros = 0;
        Kind kind = Kind.OTHER;
        int pOff = -1, pLen = 0;
        int p = outer.valueOff;
        while (p < outer.end) {
            Tlv t = Tlv.read(b, p, outer.end);
            if (t.tag == 0xA1) { // pSHeader
                int q = t.valueOff;
                while (q < t.end) {
                    Tlv h = Tlv.read(b, q, t.end);
                    switch (h.tag) {
                        case 0x81 -> liid = new String(b, h.valueOff, h.len, StandardCharsets.ISO_8859_1);
                        case 0xA3 -> cin = findInt(b, h.valueOff, h.end, 0x81);
                        case 0x84 -> seq = uint(b, h.valueOff, h.len);
                        case 0x85 -> { if (micros == 0) micros = generalizedTime(b, h.valueOff, h.len); }
                        case 0xA7 -> {
                            long s = findInt(b, h.valueOff, h.end, 0x80), us = findInt(b, h.valueOff, h.end, 0x81);
                            if (s >= 0) micros = s * 1_000_000L + Math.max(0, us);
                        }
                        default -> { }
                    }
                    q = h.end;
                }
            } else if (t.tag == 0xA2 && t.len > 0) { // payload CHOICE (explicit)
                Tlv c = Tlv.read(b, t.valueOff, t.end);
                switch (c.tag) {
                    case 0xA0 -> kind = Kind.IRI;
                    case 0xA1 -> { kind = Kind.CC; int[] pl = ccPayload(b, c); if (pl != null) { pOff = pl[0]; pLen = pl[1]; } }
                    case 0xA2 -> {
                        if (c.len > 0) {
                            Tlv tri = Tlv.read(b, c.valueOff, c.end);
                            kind = tri.tag == 0x83 ? Kind.KEEP_ALIVE : tri.tag == 0x84 ? Kind.KEEP_ALIVE_RESPONSE : Kind.OTHER_TRI;
                        } else kind = Kind.OTHER_TRI;
                    }
                    case 0xA3 -> kind = Kind.HI1_OPERATION;
                    default -> kind = Kind.OTHER;
                }
            }
            p = t.end;
        }
        if (liid == null || seq < 0) throw new MalformedPduException("PS-PDU header lacks LIID or sequence number");
        return new PduView(liid, cin, seq, kind, micros, pOff, pLen);
    }

    /**
     * Where the header's LIID lies: {@code (valueOffset << 32) | length}, or -1 when the bytes hold no pSHeader LIID.
     * No strings are built (the routing check runs per stored record).
     */
    public static long liidRange(byte[] b, int off, int len) {
        try {
            Tlv outer = Tlv.read(b, off, off + len);
            if (outer.tag != 0x30) return -1;
            int p = outer.valueOff;
            while (p < outer.end) {
                Tlv t = Tlv.read(b, p, outer.end);
                if (t.tag == 0xA1) {
                    int q = t.valueOff;
                    while (q < t.end) {
                        Tlv h = Tlv.read(b, q, t.end);
                        if (h.tag == 0x81) return ((long) h.valueOff << 32) | h.len;
                        q = h.end;
                    }
                    return -1;
                }
                p = t.end;
            }
        } catch (MalformedPduException e) {
            // no readable LIID
        }
        return -1;
    }

    /**
     * The iRIType of the first IRIPayload of an IRI PDU (1 begin, 2 end, 3 continue, 4 report), or -1 when absent or
     * not an IRI PDU; never throws (a PDU that reached the agency log has already been parsed once).
     */
    public static int iriType(byte[] b, int off, int len) {
        try {
            Tlv outer = Tlv.read(b, off, off + len);
            int p = outer.valueOff;
            while (p < outer.end) {
                Tlv t = Tlv.read(b, p, outer.end);
                if (t.tag == 0xA2 && t.len > 0) { // payload -> iRIPayloadSequence [0] -> IRIPayload -> iRIType [0]
                    Tlv c = Tlv.read(b, t.valueOff, t.end);
                    if (c.tag != 0xA0 || c.len == 0) return -1;
                    Tlv first = Tlv.read(b, c.valueOff, c.end);
                    if (first.len == 0) return -1;
                    Tlv type = Tlv.read(b, first.valueOff, first.end);
                    return type.tag == 0x80 ? (int) uint(b, type.valueOff, type.len) : -1;
                }
                p = t.end;
            }
        } catch (MalformedPduException e) {
            // fall through
        }
        return -1;
    }

    /**
     * A session event of an IPIRI PDU: {@code (cin << 2) | type} with type 1 (IRI-Begin) or 2 (IRI-End) of the first
     * IRIPayload when its iRIContents is iPIRI [2]; -1 for anything else (other IRI types, other IRI kinds, CC,
     * unreadable bytes). Allocation-free; never throws.
     */
    public static long ipiriSession(byte[] b, int off, int len) {
        return iriEvent(b, off, len, 0xA2);
    }

    /**
     * A call event of an IPMMIRI PDU (TS 102 232-5): {@code (cin << 2) | type} with type 1 (IRI-Begin) or 2 (IRI-End)
     * of the first IRIPayload when its iRIContents is iPMMIRI [11], whatever message it carries; -1 for anything
     * else. Allocation-free; never throws.
     */
    public static long ipmmiriCall(byte[] b, int off, int len) {
        return iriEvent(b, off, len, 0xAB);
    }

    // the first IRIPayload's type when its iRIContents alternative has the (constructed) tag {@code contentsTag}
    private static long iriEvent(byte[] b, int off, int len, int contentsTag) {
        try {
            Tlv outer = Tlv.read(b, off, off + len);
            if (outer.tag != 0x30) return -1;
            long cin = -1;
            int p = outer.valueOff;
            while (p < outer.end) {
                Tlv t = Tlv.read(b, p, outer.end);
                if (t.tag == 0xA1) {                    // pSHeader -> communicationIdentifier [3] -> cIN [1]
                    int q = t.valueOff;
                    while (q < t.end) {
                        Tlv h = Tlv.read(b, q, t.end);
                        if (h.tag == 0xA3) cin = findInt(b, h.valueOff, h.end, 0x81);
                        q = h.end;
                    }
                } else if (t.tag == 0xA2 && t.len > 0) { // payload -> iRIPayloadSequence [0] -> IRIPayload
                    Tlv c = Tlv.read(b, t.valueOff, t.end);
                    if (c.tag != 0xA0 || c.len == 0 || cin < 0) return -1;
                    Tlv first = Tlv.read(b, c.valueOff, c.end);
                    int type = -1;
                    boolean ipiri = false;
                    int q = first.valueOff;
                    while (q < first.end) {
                        Tlv f = Tlv.read(b, q, first.end);
                        if (f.tag == 0x80) type = (int) uint(b, f.valueOff, f.len);
                        else if (f.tag == 0xA2 && f.len > 0) ipiri = Tlv.read(b, f.valueOff, f.end).tag == contentsTag; // iRIContents -> alternative
                        q = f.end;
                    }
                    return ipiri && (type == 1 || type == 2) && cin < (1L << 61) ? (cin << 2) | type : -1;
                }
                p = t.end;
            }
        } catch (MalformedPduException e) {
            // not a readable IRI
        }
        return -1;
    }

    // cCPayloadSequence -> first CCPayload -> cCContents [2] -> iPCC [2] {.., [1]{[0] packet}} | iPMMCC [12] {.., [1] packet}
    private static int[] ccPayload(byte[] b, Tlv seq) throws MalformedPduException {
        if (seq.len == 0) return null;
        Tlv ccp = Tlv.read(b, seq.valueOff, seq.end);
        int p = ccp.valueOff;
        while (p < ccp.end) {
            Tlv f = Tlv.read(b, p, ccp.end);
            if (f.tag == 0xA2 && f.len > 0) {
                Tlv alt = Tlv.read(b, f.valueOff, f.end);
                int q = alt.valueOff;
                while (q < alt.end) {
                    Tlv g = Tlv.read(b, q, alt.end);
                    if (alt.tag == 0xA2 && g.tag == 0xA1 && g.len > 0) {
                        Tlv pk = Tlv.read(b, g.valueOff, g.end);
                        if (pk.tag == 0x80) return new int[] {pk.valueOff, pk.len};
                        if (pk.tag == 0xA1) { Tlv tr = Tlv.read(b, pk.valueOff, pk.end); return new int[] {tr.valueOff, tr.len}; }
                    }
                    if (alt.tag == 0xAC && g.tag == 0x81) return new int[] {g.valueOff, g.len};
                    q = g.end;
                }
                return null;
            }
            p = f.end;
        }
        return null;
    }

    private static long findInt(byte[] b, int from, int end, int tag) throws MalformedPduException {
        int p = from;
        while (p < end) {
            Tlv t = Tlv.read(b, p, end);
            if (t.tag == tag) return uint(b, t.valueOff, t.len);
            p = t.end;
        }
        return -1;
    }

    private static long uint(byte[] b, int off, int len) throws MalformedPduException {
        if (len < 1 || len > 9) throw new MalformedPduException("bad INTEGER length " + len);
        long v = 0;
        for (int i = 0; i < len; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }

    // hand-written: the java.time parser cost the LEA receiver more than everything else per record
    static long generalizedTime(byte[] b, int off, int len) {
        if (len < 14) return 0;
        int y = digits(b, off, 4), mo = digits(b, off + 4, 2), d = digits(b, off + 6, 2);
        int h = digits(b, off + 8, 2), mi = digits(b, off + 10, 2), s = digits(b, off + 12, 2);
        if ((y | mo | d | h | mi | s) < 0 || mo < 1 || mo > 12 || d < 1 || d > java.time.YearMonth.of(y, mo).lengthOfMonth()
                || h > 23 || mi > 59 || s > 59) return 0;
        int p = off + 14, end = off + len;
        long micros = 0;
        if (p < end && (b[p] == '.' || b[p] == ',')) {
            int n = 0;
            long frac = 0;
            for (p++; p < end && b[p] >= '0' && b[p] <= '9'; p++, n++) {
                if (n < 9) frac = frac * 10 + (b[p] - '0');
            }
            if (n == 0 || n > 9) return 0;
            for (int k = n; k < 9; k++) frac *= 10;
            micros = frac / 1000;
        }
        if (p < end && b[p] == 'Z') p++;
        if (p != end) return 0;
        long days = java.time.LocalDate.of(y, mo, d).toEpochDay();
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

    /** One BER TLV's position; only definite lengths and single-octet tags (all the PS-PDU path needs). */
    record Tlv(int tag, int valueOff, int len, int end) {
        static Tlv read(byte[] b, int off, int limit) throws MalformedPduException {
            if (off + 2 > limit) throw new MalformedPduException("truncated TLV at offset " + off);
            int tag = b[off] & 0xff;
            if ((tag & 0x1f) == 0x1f) throw new MalformedPduException("multi-octet tag at offset " + off);
            int l0 = b[off + 1] & 0xff, p = off + 2;
            long len;
            if (l0 < 0x80) len = l0;
            else {
                int n = l0 & 0x7f;
                if (n == 0 || n > 4 || p + n > limit) throw new MalformedPduException("bad length at offset " + off);
                len = 0;
                for (int i = 0; i < n; i++) len = (len << 8) | (b[p + i] & 0xff);
                p += n;
            }
            if (p + len > limit) throw new MalformedPduException("TLV at offset " + off + " runs past its container");
            return new Tlv(tag, p, (int) len, (int) (p + len));
        }
    }
}
