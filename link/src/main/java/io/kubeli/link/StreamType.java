package io.kubeli.link;

/** The ETSI handover stream a record belongs to: content of communication (HI3) or IRI (HI2). */
public enum StreamType {
    /** Content of communication, delivered over HI3. */
    CC,
    /** Intercept related information, delivered over HI2. */
    IRI;

    private static final StreamType[] VALUES = values();

    /** Returns the stream for its wire code, or throws {@link FrameException} when unknown. */
    static StreamType fromCode(int code) throws FrameException {
        if (code < 0 || code >= VALUES.length) {
            throw new FrameException("unknown stream code " + code);
        }
        return VALUES[code];
    }
}
