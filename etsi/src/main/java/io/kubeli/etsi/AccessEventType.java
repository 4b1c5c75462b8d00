package io.kubeli.etsi;

/** IPIRIContents accessEventType [0] (TS 102 232-3). */
public enum AccessEventType implements AsnEnum {
    ACCESS_ATTEMPT(0, "accessAttempt"),
    ACCESS_ACCEPT(1, "accessAccept"),
    ACCESS_REJECT(2, "accessReject"),
    ACCESS_FAILED(3, "accessFailed"),
    SESSION_START(4, "sessionStart"),
    SESSION_END(5, "sessionEnd"),
    INTERIM_UPDATE(6, "interimUpdate"),
    START_OF_INTERCEPTION_WITH_SESSION_ACTIVE(7, "startOfInterceptionWithSessionActive"),
    ACCESS_END(8, "accessEnd"),
    END_OF_INTERCEPTION_WITH_SESSION_ACTIVE(9, "endOfInterceptionWithSessionActive"),
    UNKNOWN(10, "unknown"),
    START_OF_INTERCEPTION_WITHOUT_NETWORK_SESSION(11, "startOfInterceptionWithoutNetworkSession"),
    END_OF_INTERCEPTION_WITHOUT_NETWORK_SESSION(12, "endOfInterceptionWithoutNetworkSession"),
    SESSION_EXPIRED(13, "sessionExpired");

    private static final AccessEventType[] BY_CODE = new AccessEventType[14];

    static {
        for (AccessEventType v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    AccessEventType(int code, String asnName) {
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
    public static AccessEventType fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
