package io.kubeli.collector;

import io.kubeli.collector.radius.FragmentReassembler;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per capture thread: the fragmented UDP datagrams to a set of ports (RADIUS, SIP), reassembled and handed back as
 * their UDP payload. A datagram is followed from its first fragment (the one with the ports); the reassembler is
 * made on first use, so threads that never see such fragments pay nothing. Allocation-free after that.
 */
final class UdpFragments {
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private final java.util.function.Supplier<FragmentReassembler> make;
    private FragmentReassembler reassembler;
    private int sport;
    private int dport;
    /** First fragments of followed datagrams. */
    long firstFragments;

    UdpFragments(java.util.function.Supplier<FragmentReassembler> make) {
        this.make = make;
    }

    /**
     * Offers fragment {@code p}: when it completes a followed datagram, copies its UDP payload (at most
     * {@code out.length} octets) to {@code out} and returns the length (ports in {@link #sport()}, {@link #dport()});
     * else -1 (not followed, not complete yet, or given up).
     */
    int offer(MemorySegment seg, DecodedPacket p, long ts, boolean[] ports, byte[] out) {
        long ipEnd = p.ipOffset + p.ipLength;
        long sHi = p.version == 4 ? 0 : p.srcHi;
        long sLo = p.version == 4 ? p.src4 & 0xFFFF_FFFFL : p.srcLo;
        long dHi = p.version == 4 ? 0 : p.dstHi;
        long dLo = p.version == 4 ? p.dst4 & 0xFFFF_FFFFL : p.dstLo;
        if (p.fragOffset == 0) {
            long d = p.fragData;
            if (d + 8 > ipEnd) {
                return -1;
            }
            if (!ports[seg.get(U16, d + 2) & 0xFFFF] && !ports[seg.get(U16, d) & 0xFFFF]) {
                return -1;
            }
            firstFragments++;
            if (reassembler == null) {
                reassembler = make.get();
            }
        } else if (reassembler == null || !reassembler.pending(p.version, sHi, sLo, dHi, dLo, p.fragId)) {
            return -1;
        }
        int slot = reassembler.offer(
                p.version,
                sHi,
                sLo,
                dHi,
                dLo,
                p.fragId,
                p.fragOffset,
                p.moreFragments,
                seg,
                p.fragData,
                (int) Math.max(0, ipEnd - p.fragData),
                ts);
        if (slot < 0) {
            return -1;
        }
        byte[] d = reassembler.datagram(slot);
        int total = reassembler.length(slot);
        sport = ((d[0] & 0xFF) << 8) | (d[1] & 0xFF);
        dport = ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
        int udpLen = ((d[4] & 0xFF) << 8) | (d[5] & 0xFF);
        int n = Math.max(0, Math.min(Math.min(total, udpLen) - 8, out.length));
        System.arraycopy(d, 8, out, 0, n);
        reassembler.release(slot);
        return n;
    }

    /** Source port of the datagram {@link #offer} returned last. */
    int sport() {
        return sport;
    }

    /** Destination port of the datagram {@link #offer} returned last. */
    int dport() {
        return dport;
    }

    /** Datagrams given up (overlap, oversize, odd length, timeout, all slots busy). */
    long dropped() {
        return reassembler == null ? 0 : reassembler.dropped();
    }

    /** Datagrams reassembled. */
    long completed() {
        return reassembler == null ? 0 : reassembler.completed();
    }
}
