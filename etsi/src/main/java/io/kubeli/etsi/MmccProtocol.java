package io.kubeli.etsi;

/** IPMMCC mMCCprotocol [4] (absent = RTP/RTCP). */
public enum MmccProtocol implements AsnEnum {
    RTP(0, "rTP"),
    MSRP(1, "mSRP"),
    UDPTL(2, "uDPTL");

    private static final MmccProtocol[] BY_CODE = new MmccProtocol[3];

    static {
        for (MmccProtocol v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    MmccProtocol(int code, String asnName) {
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
    public static MmccProtocol fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
