package io.kubeli.collector;

import io.kubeli.capture.LinkTypes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Allocation-free frame decoder (Ethernet, 802.1Q/QinQ, MPLS, Linux cooked v1/v2, raw IP) that locates the
 * IP packet and its addresses. One instance per thread (it keeps counters); never throws on bad input.
 */
public final class PacketDecoder {
    /** Outcome of {@link #decode}. */
    public static final int IP = 0;

    public static final int NOT_IP = 1;
    public static final int MALFORMED = 2;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int MAX_EXT_HEADERS = 16;

    private long notIp;
    private long malformed;

    /** Frames that carried no IP packet (ARP, LLDP, ...). */
    public long notIp() {
        return notIp;
    }

    /** Frames that could not be decoded (truncated headers, bad versions, ...). */
    public long malformed() {
        return malformed;
    }

    /**
     * Decodes the frame at {@code seg[off, off+capLen)} of the given link type into {@code out}.
     * Returns {@link #IP} when {@code out} holds an IP packet, else {@link #NOT_IP} or {@link #MALFORMED}.
     */
    public int decode(MemorySegment seg, long off, int capLen, int linkType, DecodedPacket out) {
        int r;
        try {
            r = decodeFrame(seg, off, capLen, linkType, out);
        } catch (RuntimeException e) {
            r = MALFORMED; // safety net: bounds are checked explicitly, this should be unreachable
        }
        if (r == NOT_IP) {
            notIp++;
        } else if (r == MALFORMED) {
            malformed++;
        }
        return r;
    }

    private int decodeFrame(MemorySegment seg, long off, int capLen, int linkType, DecodedPacket out) {
        if (capLen <= 0 || off < 0 || off + capLen > seg.byteSize()) {
            return MALFORMED;
        }
        long end = off + capLen;
        switch (linkType) {
            case LinkTypes.ETHERNET -> {
                if (capLen < 14) {
                    return MALFORMED;
                }
                return ethertype(seg, off + 14, end, u16(seg, off + 12), out);
            }
            case LinkTypes.LINUX_SLL -> {
                if (capLen < 16) {
                    return MALFORMED;
                }
                return ethertype(seg, off + 16, end, u16(seg, off + 14), out);
            }
            case LinkTypes.LINUX_SLL2 -> {
                if (capLen < 20) {
                    return MALFORMED;
                }
                return ethertype(seg, off + 20, end, u16(seg, off), out);
            }
            case LinkTypes.RAW, LinkTypes.RAW_BSD, LinkTypes.RAW_OPENBSD -> {
                return byNibble(seg, off, end, out);
            }
            case LinkTypes.IPV4 -> {
                return ipv4(seg, off, end, out);
            }
            case LinkTypes.IPV6 -> {
                return ipv6(seg, off, end, out);
            }
            default -> {
                return NOT_IP;
            }
        }
    }

    /**
     * Any number of VLAN tags and MPLS labels that fits the captured bytes (a target's packet is never dropped for
     * the depth of its stack); each step consumes 4 bytes, so the walk is bounded by the snap length.
     */
    private int ethertype(MemorySegment seg, long p, long end, int type, DecodedPacket out) {
        while (true) {
            switch (type) {
                case 0x0800 -> {
                    return ipv4(seg, p, end, out);
                }
                case 0x86DD -> {
                    return ipv6(seg, p, end, out);
                }
                case 0x8100, 0x88A8, 0x9100 -> {
                    if (p + 4 > end) { // the stack runs past the captured bytes
                        return MALFORMED;
                    }
                    type = u16(seg, p + 2);
                    p += 4;
                }
                case 0x8847, 0x8848 -> {
                    return mpls(seg, p, end, out);
                }
                default -> {
                    return NOT_IP;
                }
            }
        }
    }

    private int mpls(MemorySegment seg, long p, long end, DecodedPacket out) {
        while (true) {
            if (p + 4 > end) { // no bottom of stack within the captured bytes
                return MALFORMED;
            }
            int entry = seg.get(U32, p);
            p += 4;
            if ((entry & 0x100) != 0) { // bottom of stack
                if (p >= end) {
                    return MALFORMED;
                }
                int nibble = (seg.get(ValueLayout.JAVA_BYTE, p) >> 4) & 0xF;
                return nibble == 4 ? ipv4(seg, p, end, out) : nibble == 6 ? ipv6(seg, p, end, out) : NOT_IP;
            }
        }
    }

    private int byNibble(MemorySegment seg, long p, long end, DecodedPacket out) {
        int nibble = (seg.get(ValueLayout.JAVA_BYTE, p) >> 4) & 0xF;
        return nibble == 4 ? ipv4(seg, p, end, out) : nibble == 6 ? ipv6(seg, p, end, out) : MALFORMED;
    }

    private int ipv4(MemorySegment seg, long p, long end, DecodedPacket out) {
        long avail = end - p;
        if (avail < 20) {
            return MALFORMED;
        }
        int b0 = seg.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
        int ihl = (b0 & 0xF) * 4;
        if ((b0 >> 4) != 4 || ihl < 20) {
            return MALFORMED;
        }
        int total = u16(seg, p + 2);
        int frag = u16(seg, p + 6);
        out.version = 4;
        out.ipOffset = p;
        out.protocol = seg.get(ValueLayout.JAVA_BYTE, p + 9) & 0xFF;
        out.fragment = (frag & 0x3FFF) != 0;
        out.l4Offset = (frag & 0x1FFF) == 0 ? p + ihl : -1;
        out.fragOffset = (frag & 0x1FFF) * 8;
        out.moreFragments = (frag & 0x2000) != 0;
        out.fragId = u16(seg, p + 4);
        out.fragData = p + ihl;
        out.src4 = seg.get(U32, p + 12);
        out.dst4 = seg.get(U32, p + 16);
        out.srcHi = out.srcLo = out.dstHi = out.dstLo = 0;
        if (total < ihl) {
            // Bad total length: keep the addresses (a target's packet is never missed), deliver what was captured.
            out.ipLength = (int) avail;
            out.truncated = false;
            malformed++;
            return IP;
        }
        out.truncated = total > avail;
        out.ipLength = (int) Math.min(total, avail);
        return IP;
    }

    private int ipv6(MemorySegment seg, long p, long end, DecodedPacket out) {
        long avail = end - p;
        if (avail < 40) {
            return MALFORMED;
        }
        if (((seg.get(ValueLayout.JAVA_BYTE, p) >> 4) & 0xF) != 6) {
            return MALFORMED;
        }
        int payload = u16(seg, p + 4);
        out.version = 6;
        out.ipOffset = p;
        out.src4 = out.dst4 = 0;
        out.srcHi = seg.get(U64, p + 8);
        out.srcLo = seg.get(U64, p + 16);
        out.dstHi = seg.get(U64, p + 24);
        out.dstLo = seg.get(U64, p + 32);
        long total = payload == 0 ? avail : 40L + payload; // 0 = jumbogram: take what was captured
        out.truncated = total > avail;
        out.ipLength = (int) Math.min(total, avail);
        // walk extension headers for the transport protocol and the fragment flag
        int next = seg.get(ValueLayout.JAVA_BYTE, p + 6) & 0xFF;
        long q = p + 40;
        long limit = p + out.ipLength;
        boolean fragment = false;
        out.fragOffset = 0;
        out.moreFragments = false;
        out.fragId = 0;
        for (int n = 0; n < MAX_EXT_HEADERS; n++) {
            if (next == 44) { // fragment header, 8 bytes
                fragment = true;
                if (q + 8 > limit) {
                    break;
                }
                next = seg.get(ValueLayout.JAVA_BYTE, q) & 0xFF;
                int fo = u16(seg, q + 2);
                out.fragOffset = fo & 0xFFF8;
                out.moreFragments = (fo & 1) != 0;
                out.fragId = seg.get(U32, q + 4) & 0xFFFF_FFFFL;
                q += 8;
                out.fragData = q;
                if (out.fragOffset != 0) {
                    q = Long.MAX_VALUE; // the rest is the middle of a datagram: no transport header
                    break;
                }
            } else if (next == 0 || next == 43 || next == 60 || next == 135 || next == 139 || next == 140) {
                if (q + 8 > limit) {
                    break;
                }
                int len = ((seg.get(ValueLayout.JAVA_BYTE, q + 1) & 0xFF) + 1) * 8;
                next = seg.get(ValueLayout.JAVA_BYTE, q) & 0xFF;
                q += len;
            } else if (next == 51) { // AH: length in 4-octet units minus 2
                if (q + 8 > limit) {
                    break;
                }
                int len = ((seg.get(ValueLayout.JAVA_BYTE, q + 1) & 0xFF) + 2) * 4;
                next = seg.get(ValueLayout.JAVA_BYTE, q) & 0xFF;
                q += len;
            } else {
                break;
            }
        }
        out.protocol = next;
        out.fragment = fragment;
        out.l4Offset = q <= limit ? q : -1;
        if (q == Long.MAX_VALUE) {
            out.l4Offset = -1;
        }
        return IP;
    }

    private static int u16(MemorySegment seg, long p) {
        return seg.get(U16, p) & 0xFFFF;
    }
}
