package io.kubeli.etsi;

/** PSHeader timeStampQualifier [8]. */
public enum TimeStampQualifier implements AsnEnum {
    UNKNOWN(0, "unknown"),
    TIME_OF_INTERCEPTION(1, "timeOfInterception"),
    TIME_OF_MEDIATION(2, "timeOfMediation"),
    TIME_OF_AGGREGATION(3, "timeOfAggregation");

    private static final TimeStampQualifier[] BY_CODE = new TimeStampQualifier[4];

    static {
        for (TimeStampQualifier v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    TimeStampQualifier(int code, String asnName) {
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
    public static TimeStampQualifier fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
