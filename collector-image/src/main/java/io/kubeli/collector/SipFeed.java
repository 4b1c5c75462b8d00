package io.kubeli.collector;

import io.kubeli.collector.sip.SipMessage;
import io.kubeli.collector.sip.SipParser;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per capture thread: copies the UDP or TCP payload of a packet on a SIP port, parses every message in it (several
 * per datagram or segment) and hands those of followed calls or naming a target to the manager. TCP is parsed per
 * flow: the unparsed tail of a segment waits for the next in-order one ({@link TcpStreams}); IP fragments are
 * counted, not reassembled.
 */
final class SipFeed {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private final byte[] buf = new byte[65_536];
    private final SipMessage msg = new SipMessage();
    final io.kubeli.collector.sip.TcpStreams tcp = new io.kubeli.collector.sip.TcpStreams();
    private final long[] flow = new long[6];
    long packets;
    long fragments;

    /** True when a message was applied (the target table may have changed). */
    boolean feed(SipTap tap, MemorySegment seg, DecodedPacket p, long ts) {
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
        packets++;
        if (p.fragment) {
            fragments++; // not reassembled: counted
            return false;
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
            seq = seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), l4 + 4) & 0xFFFF_FFFFL;
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
        return java.nio.ByteBuffer.allocate(16).putLong(source ? p.srcHi : p.dstHi).putLong(source ? p.srcLo : p.dstLo)
                .array();
    }
}
