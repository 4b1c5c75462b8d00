package io.kubeli.etsi;

/** IPIRIContents iPVersion [3] (note iPV4 = 1, unlike IpType). */
public enum IpVersion implements AsnEnum {
    IPV4(1, "iPV4"),
    IPV6(2, "iPV6"),
    IPV4_AND_V6(3, "iPV4andV6");

    private static final IpVersion[] BY_CODE = new IpVersion[4];

    static {
        for (IpVersion v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    IpVersion(int code, String asnName) {
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
    public static IpVersion fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
