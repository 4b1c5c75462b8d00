package io.kubeli.etsi;

/** IPAddress iP-assignment [3]. */
public enum IpAssignment implements AsnEnum {
    STATIC(1, "static"),
    DYNAMIC(2, "dynamic"),
    NOT_KNOWN(3, "notKnown");

    private static final IpAssignment[] BY_CODE = new IpAssignment[4];

    static {
        for (IpAssignment v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    IpAssignment(int code, String asnName) {
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
    public static IpAssignment fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
