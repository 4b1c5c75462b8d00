package io.kubeli.collector;

/** Reusable per-thread result of {@link PacketDecoder#decode}: where the IP packet is and its addresses. */
public final class DecodedPacket {
    /** Offset of the first IP header byte, relative to the segment the frame was decoded from. */
    public long ipOffset;
    /** Bytes of the IP packet present in the capture (header total length, clipped to the captured bytes). */
    public int ipLength;
    /** True when the captured bytes are fewer than the IP header's total length (snaplen). */
    public boolean truncated;
    /** 4 or 6. */
    public int version;
    /** IPv4 source address (big-endian int). */
    public int src4;
    /** IPv4 destination address. */
    public int dst4;
    /** IPv6 source address, high and low 64 bits. */
    public long srcHi;

    public long srcLo;
    /** IPv6 destination address, high and low 64 bits. */
    public long dstHi;

    public long dstLo;
    /** Transport protocol (after IPv6 extension headers where they could be walked). */
    public int protocol;
    /** True for any fragment (IPv4 MF or offset; IPv6 fragment header). */
    public boolean fragment;
    /** Fragments: offset of this fragment's data in the datagram (octets), more-fragments flag, identification. */
    public int fragOffset;

    public boolean moreFragments;
    public long fragId;
    /** Fragments: where this fragment's data starts (same base as ipOffset). */
    public long fragData;
    /** Offset of the transport header (same base as ipOffset), or -1 when not known (a later fragment). */
    public long l4Offset;

    void clear() {
        ipOffset = 0;
        ipLength = 0;
        truncated = false;
        version = 0;
        src4 = 0;
        dst4 = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        protocol = 0;
        fragment = false;
        l4Offset = -1;
    }
}
