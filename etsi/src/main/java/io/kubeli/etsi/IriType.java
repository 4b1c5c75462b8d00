package io.kubeli.etsi;

/** IRIPayload iRIType [0]. */
public enum IriType implements AsnEnum {
    IRI_BEGIN(1, "iRI-Begin"),
    IRI_END(2, "iRI-End"),
    IRI_CONTINUE(3, "iRI-Continue"),
    IRI_REPORT(4, "iRI-Report");

    private static final IriType[] BY_CODE = new IriType[5];

    static {
        for (IriType v : values()) BY_CODE[v.code] = v;
    }

    private final int code;
    private final String asnName;

    IriType(int code, String asnName) {
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
    public static IriType fromCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
