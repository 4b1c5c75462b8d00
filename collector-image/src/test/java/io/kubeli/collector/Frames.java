package io.kubeli.collector;

import io.kubeli.capture.file.PcapWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/** Test helper: builds Ethernet/VLAN/MPLS/IPv4/IPv6 frames and writes classic pcap files. */
final class Frames {
    private Frames() {}

    static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static byte[] udp(int sport, int dport, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short) sport)
                .putShort((short) dport)
                .putShort((short) (8 + data.length))
                .putShort((short) 0);
        b.put(data);
        return b.array();
    }

    static byte[] tcp(int sport, int dport, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(20 + data.length);
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0);
        b.put((byte) 0x50)
                .put((byte) 0x18)
                .putShort((short) 65535)
                .putShort((short) 0)
                .putShort((short) 0);
        b.put(data);
        return b.array();
    }

    /** IPv4 packet; {@code fragOffset8} in 8-octet units, {@code mf} more-fragments, options padded to 4. */
    static byte[] ipv4(
            String src, String dst, int proto, byte[] payload, int id, int fragOffset8, boolean mf, byte[] options) {
        int optLen = options == null ? 0 : (options.length + 3) / 4 * 4;
        int hl = 20 + optLen;
        ByteBuffer b = ByteBuffer.allocate(hl + payload.length);
        b.put((byte) (0x40 | (hl / 4))).put((byte) 0).putShort((short) (hl + payload.length));
        b.putShort((short) id).putShort((short) ((mf ? 0x2000 : 0) | fragOffset8));
        b.put((byte) 64).put((byte) proto).putShort((short) 0);
        b.put(addr(src)).put(addr(dst));
        if (options != null) {
            b.put(options);
            b.position(hl);
        }
        b.put(payload);
        byte[] out = b.array();
        int sum = 0;
        for (int i = 0; i < hl; i += 2) {
            sum += ((out[i] & 0xFF) << 8) | (out[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        out[10] = (byte) (~sum >> 8);
        out[11] = (byte) ~sum;
        return out;
    }

    static byte[] ipv4(String src, String dst, int proto, byte[] payload) {
        return ipv4(src, dst, proto, payload, 1, 0, false, null);
    }

    /** IPv6 packet with optional extension headers already chained in {@code payload} via {@code next}. */
    static byte[] ipv6(String src, String dst, int next, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.putInt(0x60000000).putShort((short) payload.length).put((byte) next).put((byte) 64);
        b.put(addr(src)).put(addr(dst)).put(payload);
        return b.array();
    }

    /** An IPv6 fragment header (next header, offset in 8-octet units, M flag, id) followed by {@code data}. */
    static byte[] v6frag(int next, int offset8, boolean more, int id, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put((byte) next)
                .put((byte) 0)
                .putShort((short) ((offset8 << 3) | (more ? 1 : 0)))
                .putInt(id)
                .put(data);
        return b.array();
    }

    static byte[] ether(int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1})
                .putShort((short) type)
                .put(payload);
        return b.array();
    }

    /** Ethernet with VLAN tags (outer first: TPID, VID pairs) in front of {@code type}. */
    static byte[] etherVlan(int[] tpidVid, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + tpidVid.length * 2 + 2 + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        for (int i = 0; i < tpidVid.length; i += 2) {
            b.putShort((short) tpidVid[i]).putShort((short) tpidVid[i + 1]);
        }
        b.putShort((short) type).put(payload);
        return b.array();
    }

    static byte[] mpls(int[] labels, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(labels.length * 4 + payload.length);
        for (int i = 0; i < labels.length; i++) {
            b.putInt((labels[i] << 12) | (i == labels.length - 1 ? 0x100 : 0) | 64);
        }
        b.put(payload);
        return b.array();
    }

    static byte[] sll(int proto, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length);
        b.putShort((short) 0)
                .putShort((short) 1)
                .putShort((short) 6)
                .put(new byte[8])
                .putShort((short) proto);
        b.put(payload);
        return b.array();
    }

    static byte[] sll2(int proto, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.putShort((short) proto)
                .putShort((short) 0)
                .putInt(2)
                .putShort((short) 1)
                .put((byte) 0)
                .put((byte) 6);
        b.put(new byte[8]).put(payload);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** One packet of a pcap file. */
    record Pkt(long tsNanos, byte[] frame) {}

    /** Writes a classic nanosecond pcap with the given link type. */
    static void writePcap(Path file, int linkType, List<Pkt> pkts) throws IOException {
        try (PcapWriter w = PcapWriter.create(file, linkType, PcapWriter.MAX_SNAPLEN, PcapWriter.Resolution.NANOS)) {
            for (Pkt p : pkts) {
                w.write(p.tsNanos(), p.frame(), 0, p.frame().length);
            }
        }
    }
}
