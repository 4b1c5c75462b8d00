package io.kubeli.etsi;

/** PayloadDirection of a CC or IRI payload (TS 102 232-1). */
public enum Direction implements AsnEnum {
    FROM_TARGET(0, "fromTarget"),
    TO_TARGET(1, "toTarget"),
    INDETERMINATE(2, "indeterminate"),
    COMBINED(3, "combined"),
    NOT_APPLICABLE(4, "notapplicable");

    private static final Direction[] BY_CODE = new Direction[5];

    static {
        for (Direction v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    Direction(int code, String asnName) {
        this.code = code;
        this.asnName = asnName;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public String asnName() {
        return asnName;
    }

    /** The constant for an ENUMERATED value, or null when the value is not known to this codec. */
    public static Direction fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
