package io.kubeli.etsi;

/** IPIRIContents internetAccessType [2]. */
public enum InternetAccessType implements AsnEnum {
    UNDEFINED(0, "undefined"),
    DIAL_UP(1, "dialUp"),
    XDSL(2, "xDSL"),
    CABLE_MODEM(3, "cableModem"),
    LAN(4, "lAN"),
    WIRELESS_LAN(5, "wirelessLAN"),
    FTTX(6, "fTTx"),
    WIMAX_HIPERMAN(7, "wIMAX-HIPERMAN"),
    SATELLITE(8, "satellite"),
    WIRELESS_OTHER(9, "wireless-other");

    private static final InternetAccessType[] BY_CODE = new InternetAccessType[10];

    static {
        for (InternetAccessType v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    InternetAccessType(int code, String asnName) {
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
    public static InternetAccessType fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
