package io.kubeli.capture;

/** Link-layer type numbers (pcap LINKTYPE_/DLT_) as reported by {@link PacketBatch#linkType(int)}. */
public final class LinkTypes {
    /** Ethernet (DLT_EN10MB / LINKTYPE_ETHERNET). */
    public static final int ETHERNET = 1;
    /** Raw IP, BSD DLT value 12. */
    public static final int RAW_BSD = 12;
    /** Raw IP, OpenBSD DLT value 14. */
    public static final int RAW_OPENBSD = 14;
    /** Raw IP, LINKTYPE_RAW (what pcap files carry). */
    public static final int RAW = 101;
    /** Linux cooked capture v1 (SLL, 16-byte header). */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4 (LINKTYPE_IPV4). */
    public static final int IPV4 = 228;
    /** Raw IPv6 (LINKTYPE_IPV6). */
    public static final int IPV6 = 229;
    /** Linux cooked capture v2 (SLL2, 20-byte header). */
    public static final int LINUX_SLL2 = 276;

    private LinkTypes() {}

    /** True for the raw-IP link types (12, 14, 101, 228, 229): the frame starts with the IP header. */
    public static boolean isRawIp(int linkType) {
        return linkType == RAW
                || linkType == RAW_BSD
                || linkType == RAW_OPENBSD
                || linkType == IPV4
                || linkType == IPV6;
    }
}
