package io.kubeli.etsi;

/** TRIPayload alternatives modelled as NULL values; everything else is {@link #OTHER} (kept raw). */
public enum TriKind {
    TEST_PDU(1, "testPDU"),
    KEEP_ALIVE(3, "keep-alive"),
    KEEP_ALIVE_RESPONSE(4, "keep-aliveResponse"),
    CIN_RESET(7, "cINReset"),
    OTHER(-1, "other");

    private final int tag;
    private final String asnName;

    TriKind(int tag, String asnName) {
        this.tag = tag;
        this.asnName = asnName;
    }

    /** The context tag number of the alternative (-1 for OTHER). */
    public int tag() {
        return tag;
    }

    public String asnName() {
        return asnName;
    }

    private static final TriKind[] ALL = values();

    /** The NULL-valued alternative with this tag, or OTHER (allocation-free). */
    public static TriKind fromTag(int tag) {
        for (TriKind k : ALL) {
            if (k.tag == tag) return k;
        }
        return OTHER;
    }
}
