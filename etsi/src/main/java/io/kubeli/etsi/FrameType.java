package io.kubeli.etsi;

/** IPMMCC frameType [2] (TS 102 232-5). */
public enum FrameType implements AsnEnum {
    IP_FRAME(0, "ipFrame"),
    UDP_FRAME(1, "udpFrame"),
    RTP_FRAME(2, "rtpFrame"),
    AUDIO_FRAME(3, "audioFrame"),
    TCP_FRAME(4, "tcpFrame"),
    ARTIFICIAL_RTP_FRAME(5, "artificialRtpFrame"),
    UDPTL_FRAME(6, "udptlFrame"),
    MSRP_FRAME(7, "msrpFrame");

    private static final FrameType[] BY_CODE = new FrameType[8];

    static {
        for (FrameType v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    FrameType(int code, String asnName) {
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
    public static FrameType fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
