package io.kubeli.link;

/**
 * Wire constants of the collector-to-mediator link. A frame is {@code type(1) | length(4, big-endian) | body};
 * see API.md for the body of each type.
 */
public final class LinkProtocol {
    /** Protocol version carried in HELLO; a server refuses other versions with REJECT. */
    public static final int VERSION = 1;
    /** Default upper bound of a frame body in bytes. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
    /** Frame header size: type byte plus 4-byte length. */
    public static final int HEADER_BYTES = 5;
    /** Smallest configurable max frame size. */
    public static final int MIN_MAX_FRAME_BYTES = 4096;

    /** HELLO: u16 version, str collectorId, i64 firstUnacked, i64 nextSeq (client); answered by ACK or REJECT. */
    public static final byte HELLO = 1;
    /** BATCH: i64 link sequence of the first record, i32 count, count x record (see LinkRecord.writeTo). */
    public static final byte BATCH = 2;
    /** ACK: i64 highest link sequence durably stored for this collector (-1 = none). */
    public static final byte ACK = 3;
    /** HEARTBEAT: empty body; sent by either side when idle. */
    public static final byte HEARTBEAT = 4;
    /** REJECT: u16 code, str reason; the sender closes the connection afterwards. */
    public static final byte REJECT = 5;

    /** REJECT code: unsupported protocol version. */
    public static final int REJECT_VERSION = 1;
    /** REJECT code: malformed or unexpected frame. */
    public static final int REJECT_PROTOCOL = 2;
    /** REJECT code: the server is shutting down or superseded this connection. */
    public static final int REJECT_SHUTDOWN = 3;
    /** REJECT code: the hello's collector id is not the one the client certificate names. */
    public static final int REJECT_IDENTITY = 4;

    /** Link sequences are in [0, MAX_SEQUENCE): far from overflow, anything beyond is refused. */
    public static final long MAX_SEQUENCE = 1L << 62;
    /** Client certificate CN prefix: {@code kubeli-collector:<Collector name>} authorises ids {@code <name>} and {@code <name>/<instance>}. */
    public static final String COLLECTOR_CN_PREFIX = "kubeli-collector:";

    /** The client certificate CN for a Collector resource. */
    public static String collectorCommonName(String collectorName) {
        return COLLECTOR_CN_PREFIX + collectorName;
    }

    /** Whether a certificate for {@code certCollector} may use the hello collector id {@code helloId}. */
    public static boolean authorises(String certCollector, String helloId) {
        return !certCollector.isEmpty() && (helloId.equals(certCollector) || helloId.startsWith(certCollector + "/"));
    }

    private LinkProtocol() {}
}
