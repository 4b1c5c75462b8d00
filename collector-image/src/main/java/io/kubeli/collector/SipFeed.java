package io.kubeli.collector;

import io.kubeli.collector.sip.SipMessage;
import io.kubeli.collector.sip.SipParser;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per capture thread: copies the UDP or TCP payload of a packet on a SIP port, parses every message in it (several
 * per datagram or segment) and hands those of followed calls or naming a target to the manager. TCP is parsed per
 * flow: the unparsed tail of a segment waits for the next in-order one ({@link TcpStreams}); fragmented UDP
 * datagrams (a large INVITE with SDP) are reassembled first (bounded: {@link #FRAGMENT_SLOTS} at once, 5 s, counted
 * drops).
 */
final class SipFeed {
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private final byte[] buf = new byte[65_536];
    private final SipMessage msg = new SipMessage();
    final io.kubeli.collector.sip.TcpStreams tcp = new io.kubeli.collector.sip.TcpStreams();
    private final long[] flow = new long[6];
    /** Fragmented SIP datagrams reassembled at once per capture thread (each up to 64 KiB, allocated on first use). */
    static final int FRAGMENT_SLOTS = 16;

    /** Fragmented SIP datagrams (first fragments counted, drops, reassembled). */
    final UdpFragments fragments =
            new UdpFragments(() -> new io.kubeli.collector.radius.FragmentReassembler(FRAGMENT_SLOTS, 65_535));

    /** Fragmented SIP datagrams given up (overlap, oversize, odd length, timeout, all slots busy). */
    long fragmentDrops() {
        return fragments.dropped();
    }

    /** Fragmented SIP datagrams reassembled. */
    long fragmentsReassembled() {
        return fragments.completed();
    }

    /** True when a message was applied (the target table may have changed). */
    boolean feed(SipTap tap, MemorySegment seg, DecodedPacket p, long ts) {
        if (p.fragment) {
            return p.protocol == 17 && fragment(tap, seg, p, ts);
        }
        long l4 = p.l4Offset;
        long ipEnd = p.ipOffset + p.ipLength;
        int hdr = p.protocol == 17 ? 8 : 20;
        if (l4 < 0 || l4 + hdr > ipEnd) {
            return false;
        }
        int sport = seg.get(U16, l4) & 0xFFFF;
        int dport = seg.get(U16, l4 + 2) & 0xFFFF;
        if (!tap.ports()[dport] && !tap.ports()[sport] || !tap.calls().hasTargets()) {
            return false; // without sipUri targets SIP costs nothing but this check
        }
        long n;
        if (p.protocol == 17) {
            n = Math.min(ipEnd - l4 - 8, (seg.get(U16, l4 + 4) & 0xFFFF) - 8L);
        } else {
            hdr = ((seg.get(ValueLayout.JAVA_BYTE, l4 + 12) >> 4) & 0xF) * 4;
            if (hdr < 20 || l4 + hdr > ipEnd) {
                return false;
            }
            n = ipEnd - l4 - hdr;
        }
        if (n <= 0) {
            return false;
        }
        int len = (int) Math.min(n, buf.length);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, l4 + hdr, buf, 0, len);
        byte[] data = buf;
        long seq = 0;
        if (p.protocol == 6) {
            seq = seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), l4 + 4)
                    & 0xFFFF_FFFFL;
            flow[0] = p.version == 4 ? p.src4 & 0xFFFF_FFFFL : p.srcHi;
            flow[1] = p.version == 4 ? p.dst4 & 0xFFFF_FFFFL : p.srcLo;
            flow[2] = p.version == 4 ? -1 : p.dstHi;
            flow[3] = p.version == 4 ? -1 : p.dstLo;
            flow[4] = ((long) sport << 16) | dport;
            flow[5] = p.version;
            tcp.join(flow, seq, buf, 0, len, ts);
            data = tcp.work();
            len = tcp.workLength();
        }
        return messages(tap, p, data, len, ts);
    }

    /** A fragment: the first (with the UDP ports) opens a reassembly, later ones of a followed datagram join it. */
    private boolean fragment(SipTap tap, MemorySegment seg, DecodedPacket p, long ts) {
        if (p.fragOffset == 0 && !tap.calls().hasTargets()) {
            return false;
        }
        int n = fragments.offer(seg, p, ts, tap.ports(), buf);
        return n >= 0 && messages(tap, p, buf, n, ts);
    }

    /** Parses every message of a UDP payload or the reassembled TCP bytes and applies those that concern a target. */
    private boolean messages(SipTap tap, DecodedPacket p, byte[] data, int len, long ts) {
        byte[] src = null;
        byte[] dst = null;
        boolean applied = false;
        SipIntercepts calls = tap.calls();
        int off = 0;
        for (int guard = 0; off < len && guard < 64; guard++) {
            SipParser.Result r = SipParser.parse(data, off, len - off, msg);
            if (r == SipParser.Result.INCOMPLETE && p.protocol == 6) {
                tcp.keep(flow, off, ts); // the rest of the message is in the next segment(s)
                break;
            }
            calls.count(r);
            if (r != SipParser.Result.OK) {
                break;
            }
            off = msg.start + msg.length;
            if (!calls.mayConcern(msg)) {
                continue;
            }
            if (src == null) {
                src = address(p, true);
                dst = address(p, false);
            }
            tap.manager().onSip(msg, data, src, dst, ts);
            applied = true;
        }
        return applied;
    }

    private static byte[] address(DecodedPacket p, boolean source) {
        if (p.version == 4) {
            int a = source ? p.src4 : p.dst4;
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        return java.nio.ByteBuffer.allocate(16)
                .putLong(source ? p.srcHi : p.dstHi)
                .putLong(source ? p.srcLo : p.dstLo)
                .array();
    }
}
