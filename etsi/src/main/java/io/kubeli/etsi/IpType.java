package io.kubeli.etsi;

/** IPAddress iP-type [1] (iPV4 = 0). */
public enum IpType implements AsnEnum {
    IPV4(0, "iPV4"),
    IPV6(1, "iPV6");

    private static final IpType[] BY_CODE = new IpType[2];

    static {
        for (IpType v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    IpType(int code, String asnName) {
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
    public static IpType fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
