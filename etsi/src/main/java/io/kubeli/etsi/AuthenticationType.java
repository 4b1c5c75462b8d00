package io.kubeli.etsi;

/** IPIRIContents authenticationType [22]. */
public enum AuthenticationType implements AsnEnum {
    UNKNOWN(0, "unknown"),
    STATIC(1, "static"),
    RADIUS_AAA(2, "radiusAAA"),
    DHCP_AAA(3, "dhcpAAA"),
    DIAMETER_AAA(4, "diameterAAA");

    private static final AuthenticationType[] BY_CODE = new AuthenticationType[5];

    static {
        for (AuthenticationType v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    AuthenticationType(int code, String asnName) {
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
    public static AuthenticationType fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
