package io.kubeli.capture;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test frame builder: Ethernet (optionally 802.1Q) + IPv4/IPv6 + UDP/TCP with a payload. */
public final class Frames {
    public static final byte[] DST_MAC = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
    public static final byte[] SRC_MAC = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};

    private Frames() {}

    /** One frame: {@code v6} picks IPv6, {@code tcp} TCP, {@code vlan} >= 0 adds an 802.1Q tag. */
    public static byte[] frame(
            boolean v6,
            boolean tcp,
            int vlan,
            int srcHost,
            int dstHost,
            int sport,
            int dport,
            int payloadLen,
            int seq) {
        byte[] ip = ip(v6, tcp, srcHost, dstHost, sport, dport, payloadLen, seq);
        ByteBuffer b = ByteBuffer.allocate(14 + (vlan >= 0 ? 4 : 0) + ip.length);
        b.put(DST_MAC).put(SRC_MAC);
        if (vlan >= 0) {
            b.putShort((short) 0x8100).putShort((short) vlan);
        }
        b.putShort((short) (v6 ? 0x86dd : 0x0800));
        b.put(ip);
        return b.array();
    }

    /** The IP packet alone (for raw-IP link types). */
    public static byte[] ip(
            boolean v6, boolean tcp, int srcHost, int dstHost, int sport, int dport, int payloadLen, int seq) {
        int l4 = (tcp ? 20 : 8) + payloadLen;
        ByteBuffer b = ByteBuffer.allocate((v6 ? 40 : 20) + l4);
        if (v6) {
            b.putInt(0x60000000).putShort((short) l4).put((byte) (tcp ? 6 : 17)).put((byte) 64);
            b.putLong(0x20010db800000000L).putLong(srcHost); // 2001:db8::/32 documentation prefix
            b.putLong(0x20010db800000000L).putLong(dstHost);
        } else {
            b.put((byte) 0x45)
                    .put((byte) 0)
                    .putShort((short) (20 + l4))
                    .putShort((short) seq)
                    .putShort((short) 0)
                    .put((byte) 64)
                    .put((byte) (tcp ? 6 : 17))
                    .putShort((short) 0);
            b.putInt(0xC6120100 | (srcHost & 0xff)).putInt(0xC6120100 | (dstHost & 0xff)); // 198.18.1.x
            int sum = 0;
            byte[] a = b.array();
            for (int i = 0; i < 20; i += 2) {
                sum += ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
            }
            while ((sum >> 16) != 0) {
                sum = (sum & 0xffff) + (sum >> 16);
            }
            b.putShort(10, (short) ~sum);
        }
        b.putShort((short) sport).putShort((short) dport);
        if (tcp) {
            b.putInt(seq)
                    .putInt(0)
                    .putShort((short) 0x5010)
                    .putShort((short) 0xffff)
                    .putInt(0);
        } else {
            b.putShort((short) (8 + payloadLen)).putShort((short) 0);
        }
        for (int i = 0; i < payloadLen; i++) {
            b.put((byte) (seq * 31 + i));
        }
        return b.array();
    }

    /** The IPv4 UDP datagram of {@link #ip} split into Ethernet frames of fragments (8-byte aligned). */
    public static List<byte[]> fragments(
            int srcHost, int dstHost, int sport, int dport, int payloadLen, int id, int parts) {
        byte[] whole = ip(false, false, srcHost, dstHost, sport, dport, payloadLen, id);
        int body = whole.length - 20;
        int chunk = (body / parts + 7) & ~7;
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < body; off += chunk) {
            int len = Math.min(chunk, body - off);
            boolean more = off + len < body;
            ByteBuffer ipb = ByteBuffer.allocate(20 + len);
            ipb.put(whole, 0, 20).put(whole, 20 + off, len);
            ipb.putShort(2, (short) (20 + len));
            ipb.putShort(6, (short) ((more ? 0x2000 : 0) | (off / 8)));
            ipb.putShort(10, (short) 0);
            byte[] a = ipb.array();
            int sum = 0;
            for (int i = 0; i < 20; i += 2) {
                sum += ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
            }
            while ((sum >> 16) != 0) {
                sum = (sum & 0xffff) + (sum >> 16);
            }
            ipb.putShort(10, (short) ~sum);
            ByteBuffer f = ByteBuffer.allocate(14 + a.length);
            f.put(DST_MAC).put(SRC_MAC).putShort((short) 0x0800).put(a);
            out.add(f.array());
        }
        return out;
    }

    /** A deterministic mix of UDP/TCP, IPv4/IPv6, some VLAN-tagged; each frame unique (seq in payload). */
    public static List<byte[]> mix(int n, long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean v6 = r.nextInt(3) == 0;
            boolean tcp = r.nextBoolean();
            int vlan = r.nextInt(5) == 0 ? 100 + r.nextInt(50) : -1;
            int payload = 18 + r.nextInt(r.nextInt(10) == 0 ? 1300 : 200);
            out.add(frame(
                    v6,
                    tcp,
                    vlan,
                    10 + r.nextInt(20),
                    100 + r.nextInt(20),
                    1024 + r.nextInt(1000),
                    r.nextBoolean() ? 53 : 5000 + r.nextInt(10),
                    payload,
                    i));
        }
        return out;
    }
}
