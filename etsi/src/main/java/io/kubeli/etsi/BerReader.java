package io.kubeli.etsi;

import io.kubeli.etsi.MalformedPduException.Rule;

/**
 * Bounded BER TLV reader over one input buffer: definite lengths (short or long form, minimal or not; the indefinite
 * form is refused, see {@link DecodeLimits}), nesting depth and element-count limits. Offsets in errors are relative
 * to {@code base}. {@link #header} reads without allocating (the inspector's hot path, re-using one reader via
 * {@link #reset}); {@link #read} returns a {@link Tlv} (the decoder).
 */
final class BerReader {

    /** One parsed TLV: tag class/number/form and content bounds (absolute indices into the buffer). */
    record Tlv(
            int start,
            int tagClass,
            int tag,
            boolean constructed,
            int contentStart,
            int contentEnd,
            int end,
            int depth) {
        int contentLength() {
            return contentEnd - contentStart;
        }

        boolean is(int tagClass, int tag, boolean constructed) {
            return this.tagClass == tagClass && this.tag == tag && this.constructed == constructed;
        }
    }

    byte[] buf;
    int base;
    final DecodeLimits limits;
    private final int maxDepth, maxElements;
    private int elements;
    // the TLV last read by header(): start, tag class, number, form and content bounds (absolute indices)
    int hStart, hClass, hTag, hContent, hEnd;
    boolean hCons;

    BerReader(byte[] buf, int base, DecodeLimits limits) {
        this.limits = limits;
        this.maxDepth = limits.maxDepth();
        this.maxElements = limits.maxElements();
        reset(buf, base);
    }

    /** Starts over on another buffer (offsets in errors relative to {@code base}, element count from zero). */
    void reset(byte[] buf, int base) {
        this.buf = buf;
        this.base = base;
        this.elements = 0;
    }

    MalformedPduException error(int absPos, Rule rule, String detail) {
        return new MalformedPduException(absPos - base, rule, detail);
    }

    /** Reads the TLV at {@code pos}, which must end by {@code limit}. */
    Tlv read(int pos, int limit, int depth) throws MalformedPduException {
        header(pos, limit, depth);
        return new Tlv(pos, hClass, hTag, hCons, hContent, hEnd, hEnd, depth);
    }

    /** Reads the header of the TLV at {@code pos}, which must end by {@code limit}, into the h* fields; returns its end. */
    int header(int pos, int limit, int depth) throws MalformedPduException {
        if (depth > maxDepth) throw error(pos, Rule.DEPTH_EXCEEDED, "deeper than " + maxDepth);
        if (++elements > maxElements) throw error(pos, Rule.TOO_MANY_ELEMENTS, "more than " + maxElements);
        long t = quick(pos, limit);
        int id = (int) (t >>> 32) & 0xFF, end = (int) t;
        hStart = pos;
        hClass = id >>> 6;
        hCons = (id & 0x20) != 0;
        if ((id & 0x1F) != 0x1F) hTag = id & 0x1F; // a larger number was set by headerInFull
        hContent = pos + (int) (t >>> 40);
        hEnd = end;
        return end;
    }

    /**
     * The TLV at {@code pos} as one value, allocating and storing nothing on the common path (the inspector's hot
     * path; the rules of {@link #header} but for depth and element count, which a caller walking a fixed structure
     * does not need): bits 0-31 its end, 32-39 its identifier octet (a tag number above 30 reads as 31), 40-47 its
     * header length.
     */
    long quick(int pos, int limit) throws MalformedPduException {
        // inlined: one tag octet and any definite length, which is every TLV of a real PS-PDU; the rest (multi-octet
        // tags, the errors) stays out of line and cold, so the JIT keeps this path free of calls
        if (pos + 1 < limit) {
            byte[] b = buf;
            int b0 = b[pos] & 0xFF, l0 = b[pos + 1] & 0xFF, h = 2;
            long len = l0;
            if (l0 > 0x80 && l0 <= 0x84 && pos + 2 + (l0 - 0x80) <= limit) {
                h = 2 + (l0 - 0x80);
                len = 0;
                for (int i = pos + 2; i < pos + h; i++) len = (len << 8) | (b[i] & 0xFF);
            }
            long end = pos + h + len;
            if ((b0 & 0x1F) != 0x1F && (l0 < 0x80 || h > 2) && end <= limit)
                return ((long) h << 40) | ((long) b0 << 32) | end;
        }
        headerInFull(pos, limit);
        long id = (hClass << 6) | (hCons ? 0x20 : 0) | Math.min(hTag, 0x1F);
        return ((long) (hContent - pos) << 40) | (id << 32) | hEnd;
    }

    // every rule: multi-octet tags, long-form lengths, the errors; sets the h* fields
    private void headerInFull(int pos, int limit) throws MalformedPduException {
        if (pos >= limit) throw error(pos, Rule.TRUNCATED, "missing tag");
        int b0 = buf[pos] & 0xFF;
        int p = pos + 1;
        int tag = b0 & 0x1F;
        if (tag == 0x1F) {
            tag = 0;
            int n = 0;
            while (true) {
                if (p >= limit) throw error(pos, Rule.TRUNCATED, "inside a multi-octet tag");
                int b = buf[p++] & 0xFF;
                if (n == 0 && b == 0x80) throw error(pos, Rule.BAD_TAG, "non-minimal tag number");
                tag = (tag << 7) | (b & 0x7F);
                if (++n > 3 || tag > limits.maxTagNumber()) throw error(pos, Rule.BAD_TAG, "tag number above limit");
                if ((b & 0x80) == 0) break;
            }
        }
        boolean constructed = (b0 & 0x20) != 0;
        if (p >= limit) throw error(pos, Rule.TRUNCATED, "missing length");
        int l0 = buf[p++] & 0xFF;
        if (l0 == 0x80) throw error(pos, Rule.INDEFINITE_LENGTH, DecodeLimits.INDEFINITE_LENGTH_REFUSED);
        int len;
        if (l0 < 0x80) {
            len = l0;
        } else {
            int n = l0 & 0x7F;
            if (l0 == 0xFF || n > 4) throw error(pos, Rule.BAD_LENGTH, "length of " + n + " octets");
            if (p + n > limit) throw error(pos, Rule.TRUNCATED, "inside the length");
            long v = 0;
            for (int i = 0; i < n; i++) v = (v << 8) | (buf[p++] & 0xFF);
            if (v > Integer.MAX_VALUE) throw error(pos, Rule.BAD_LENGTH, "length above 2^31-1");
            len = (int) v;
        }
        if ((long) p + len > limit) {
            throw error(
                    pos,
                    Rule.LENGTH_EXCEEDS_INPUT,
                    "length " + len + " exceeds the " + (limit - p) + " bytes available");
        }
        hStart = pos;
        hClass = b0 >>> 6;
        hTag = tag;
        hCons = constructed;
        hContent = p;
        hEnd = p + len;
    }

    /** The children of a constructed TLV, in order. */
    java.util.List<Tlv> children(Tlv parent) throws MalformedPduException {
        java.util.ArrayList<Tlv> out = new java.util.ArrayList<>(8);
        int p = parent.contentStart();
        while (p < parent.contentEnd()) {
            Tlv c = read(p, parent.contentEnd(), parent.depth() + 1);
            out.add(c);
            p = c.end();
        }
        return out;
    }
}
