package io.kubeli.etsi;

/** IPIRIContents endReason [12]. */
public enum EndReason implements AsnEnum {
    UNDEFINED(0, "undefined"),
    REGULAR_LOGOFF(1, "regularLogoff"),
    CONNECTION_LOSS(2, "connectionLoss"),
    CONNECTION_TIMEOUT(3, "connectionTimeout"),
    LEASE_EXPIRED(4, "leaseExpired");

    private static final EndReason[] BY_CODE = new EndReason[5];

    static {
        for (EndReason v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    EndReason(int code, String asnName) {
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
    public static EndReason fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
