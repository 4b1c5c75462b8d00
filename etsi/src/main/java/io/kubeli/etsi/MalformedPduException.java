package io.kubeli.etsi;

/** Malformed or over-limit input: names the byte offset (relative to the input start) and the violated rule. */
public final class MalformedPduException extends Exception {

    /** The rule a malformed input violates. */
    public enum Rule {
        /** Input ends inside a tag or length. */
        TRUNCATED,
        /** A definite length runs past the end of the input or of the enclosing element. */
        LENGTH_EXCEEDS_INPUT,
        /** Reserved length octet 0xFF, more than 4 length octets, or a length above 2^31-1. */
        BAD_LENGTH,
        /** The indefinite length form (0x80): PS-PDUs are exchanged with definite lengths only ({@link DecodeLimits}). */
        INDEFINITE_LENGTH,
        /** Outer element is not a SEQUENCE (0x30). */
        BAD_OUTER_TAG,
        /** Multi-octet tag number that is non-minimal or above the limit. */
        BAD_TAG,
        /** A tag that is not allowed here (wrong tag, wrong form, duplicate or out of order). */
        UNEXPECTED_TAG,
        /** A mandatory component is absent. */
        MISSING_FIELD,
        /** INTEGER/ENUMERATED longer than {@link DecodeLimits#maxIntegerOctets()}. */
        INTEGER_TOO_LONG,
        /** INTEGER with no content octets or redundant leading octets. */
        BAD_INTEGER,
        /** INTEGER outside the range of its ASN.1 type. */
        INTEGER_OUT_OF_RANGE,
        /** ENUMERATED value this codec does not know. */
        UNKNOWN_ENUM,
        /** GeneralizedTime that is not a valid UTC/offset time. */
        BAD_TIME,
        /** Malformed OBJECT IDENTIFIER / RELATIVE-OID. */
        BAD_OID,
        /** Characters not allowed by the string type (PrintableString, IA5String, UTF8String). */
        BAD_STRING,
        /** A value outside its SIZE constraint (country codes, identifiers, addresses). */
        SIZE_CONSTRAINT,
        /** NULL with content, or BOOLEAN not exactly one octet. */
        BAD_PRIMITIVE,
        /** LIID longer than {@link DecodeLimits#maxLiidLength()}. */
        LIID_TOO_LONG,
        /** PDU longer than {@link DecodeLimits#maxPduSize()}. */
        PDU_TOO_LARGE,
        /** Nesting deeper than {@link DecodeLimits#maxDepth()}. */
        DEPTH_EXCEEDED,
        /** More TLV elements than {@link DecodeLimits#maxElements()}. */
        TOO_MANY_ELEMENTS,
        /** Bytes left after the PDU in a buffer that should hold exactly one PDU. */
        TRAILING_BYTES
    }

    private final long offset;
    private final Rule rule;
    private final String detail;

    public MalformedPduException(long offset, Rule rule, String detail) {
        super("malformed PDU at byte offset " + offset + ": " + rule + (detail == null ? "" : " (" + detail + ")"));
        this.offset = offset;
        this.rule = rule;
        this.detail = detail;
    }

    /** Byte offset of the offending element, relative to the start of the input (or of the stream). */
    public long offset() {
        return offset;
    }

    public Rule rule() {
        return rule;
    }

    /** A short explanation (no field values, so it is safe to log). */
    public String detail() {
        return detail;
    }

    /** The same error with its offset moved by {@code base} (e.g. to a stream position). */
    public MalformedPduException rebase(long base) {
        return new MalformedPduException(offset + base, rule, detail);
    }
}
