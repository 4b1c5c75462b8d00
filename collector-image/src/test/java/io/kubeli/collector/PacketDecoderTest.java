package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {
    private final PacketDecoder dec = new PacketDecoder();
    private final DecodedPacket out = new DecodedPacket();

    private int decode(byte[] frame, int linkType) {
        return dec.decode(MemorySegment.ofArray(frame), 0, frame.length, linkType, out);
    }

    private static final byte[] V4 = ipv4("198.18.2.1", "198.18.2.2", 17, udp(1000, 2000, new byte[] {1, 2, 3}));
    private static final byte[] V6 = ipv6("2001:db8::1", "2001:db8::2", 17, udp(1, 2, new byte[] {9}));

    private void assertV4(byte[] frame, int ipOff) {
        assertEquals(PacketDecoder.IP, decode(frame, LinkTypes.ETHERNET));
        assertEquals(4, out.version);
        assertEquals(ipOff, out.ipOffset);
        assertEquals(V4.length, out.ipLength);
        assertEquals(ByteBuffer.wrap(addr("198.18.2.1")).getInt(), out.src4);
        assertEquals(ByteBuffer.wrap(addr("198.18.2.2")).getInt(), out.dst4);
        assertEquals(17, out.protocol);
    }

    @Test
    void ethernetIpv4() {
        assertV4(ether(0x0800, V4), 14);
    }

    @Test
    void ethernetTrailerIsNotPartOfThePacket() {
        byte[] f = concat(ether(0x0800, V4), new byte[12]);
        assertEquals(PacketDecoder.IP, decode(f, LinkTypes.ETHERNET));
        assertEquals(V4.length, out.ipLength);
        assertFalse(out.truncated);
    }

    @Test
    void vlanQinQAnd9100() {
        assertV4(etherVlan(new int[] {0x8100, 10}, 0x0800, V4), 18);
        assertV4(etherVlan(new int[] {0x88a8, 100, 0x8100, 10}, 0x0800, V4), 22);
        assertV4(etherVlan(new int[] {0x9100, 100, 0x8100, 10}, 0x0800, V4), 22);
    }

    @Test
    void mplsStacks() {
        assertV4(ether(0x8847, mpls(new int[] {100}, V4)), 18);
        assertV4(ether(0x8848, mpls(new int[] {100, 200, 300}, V4)), 26);
        assertEquals(PacketDecoder.IP, decode(ether(0x8847, mpls(new int[] {16, 17}, V6)), LinkTypes.ETHERNET));
        assertEquals(6, out.version);
        assertEquals(22, out.ipOffset);
        assertEquals(
                PacketDecoder.NOT_IP, decode(ether(0x8847, mpls(new int[] {16}, new byte[20])), LinkTypes.ETHERNET));
    }

    /** {@code n} tags alternating 802.1ad/802.1Q (tpid, vid pairs). */
    static int[] tags(int n) {
        int[] t = new int[n * 2];
        for (int i = 0; i < n; i++) {
            t[2 * i] = i % 2 == 0 ? 0x88a8 : 0x8100;
            t[2 * i + 1] = 100 + i;
        }
        return t;
    }

    static int[] labels(int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = 1000 + i;
        }
        return l;
    }

    @Test
    void deepTagStacksThatFitTheCaptureAreDecoded() {
        // issue 18: 20 VLAN tags and 17 MPLS labels were MALFORMED (limits 8 and 16)
        assertV4(etherVlan(tags(20), 0x0800, V4), 14 + 80);
        assertV4(ether(0x8847, mpls(labels(17), V4)), 14 + 68);
        assertV4(etherVlan(tags(20), 0x8847, mpls(labels(17), V4)), 14 + 80 + 68);
        assertEquals(PacketDecoder.IP, decode(etherVlan(tags(9), 0x86DD, V6), LinkTypes.ETHERNET));
        assertEquals(14 + 36, out.ipOffset);
        // hostile: a 64 KiB frame of nothing but tags ends where the capture ends (bounded walk), no exception
        byte[] allTags = etherVlan(tags(16_000), 0x8100, new byte[0]);
        assertEquals(PacketDecoder.MALFORMED, decode(allTags, LinkTypes.ETHERNET));
        byte[] allLabels = new byte[14 + 64_000];
        allLabels[12] = (byte) 0x88;
        allLabels[13] = 0x47; // label entries without bottom-of-stack up to the end
        assertEquals(PacketDecoder.MALFORMED, decode(allLabels, LinkTypes.ETHERNET));
        // a deep stack cut by the snap length before the IP header is MALFORMED (counted), not misread
        byte[] cut = etherVlan(tags(20), 0x0800, V4);
        assertEquals(
                PacketDecoder.MALFORMED, dec.decode(MemorySegment.ofArray(cut), 0, 14 + 78, LinkTypes.ETHERNET, out));
    }

    @Test
    void ipv6WithExtensionHeadersAndFragments() {
        byte[] hop = concat(new byte[] {44, 0, 1, 4, 0, 0, 0, 0}, v6frag(17, 0, true, 7, udp(1, 2, new byte[8])));
        byte[] f = ether(0x86DD, ipv6("2001:db8::1", "2001:db8::2", 0, hop));
        assertEquals(PacketDecoder.IP, decode(f, LinkTypes.ETHERNET));
        assertEquals(6, out.version);
        assertTrue(out.fragment);
        assertEquals(17, out.protocol);
        assertEquals(0x20010db800000000L, out.srcHi);
        assertEquals(1L, out.srcLo);
        assertEquals(2L, out.dstLo);
        assertEquals(f.length - 14, out.ipLength);
    }

    @Test
    void ipv4OptionsAndFragments() {
        byte[] opt = ipv4("198.18.2.1", "198.18.2.2", 6, tcp(1, 2, new byte[4]), 5, 0, false, new byte[] {1, 1, 1, 0});
        assertEquals(PacketDecoder.IP, decode(ether(0x0800, opt), LinkTypes.ETHERNET));
        assertEquals(opt.length, out.ipLength);
        assertFalse(out.fragment);
        byte[] later = ipv4("198.18.2.1", "198.18.2.2", 17, new byte[100], 9, 185, false, null);
        assertEquals(PacketDecoder.IP, decode(ether(0x0800, later), LinkTypes.ETHERNET));
        assertTrue(out.fragment);
        byte[] first = ipv4("198.18.2.1", "198.18.2.2", 17, new byte[100], 9, 0, true, null);
        assertEquals(PacketDecoder.IP, decode(ether(0x0800, first), LinkTypes.ETHERNET));
        assertTrue(out.fragment);
    }

    @Test
    void rawAndCookedLinkTypes() {
        assertEquals(PacketDecoder.IP, decode(V4, LinkTypes.RAW));
        assertEquals(0, out.ipOffset);
        assertEquals(PacketDecoder.IP, decode(V6, LinkTypes.RAW));
        assertEquals(6, out.version);
        assertEquals(PacketDecoder.IP, decode(V4, LinkTypes.IPV4));
        assertEquals(PacketDecoder.IP, decode(V6, LinkTypes.IPV6));
        assertEquals(PacketDecoder.IP, decode(sll(0x0800, V4), LinkTypes.LINUX_SLL));
        assertEquals(16, out.ipOffset);
        assertEquals(PacketDecoder.IP, decode(sll2(0x86DD, V6), LinkTypes.LINUX_SLL2));
        assertEquals(20, out.ipOffset);
    }

    @Test
    void truncatedCaptureIsFlagged() {
        byte[] f = ether(0x0800, V4);
        byte[] cut = Arrays.copyOf(f, 14 + 22);
        assertEquals(PacketDecoder.IP, decode(cut, LinkTypes.ETHERNET));
        assertTrue(out.truncated);
        assertEquals(22, out.ipLength);
    }

    @Test
    void malformedAndNonIpFramesAreCounted() {
        assertEquals(PacketDecoder.NOT_IP, decode(ether(0x0806, new byte[28]), LinkTypes.ETHERNET));
        assertEquals(PacketDecoder.MALFORMED, decode(new byte[5], LinkTypes.ETHERNET));
        assertEquals(PacketDecoder.MALFORMED, decode(ether(0x0800, new byte[10]), LinkTypes.ETHERNET));
        byte[] badVersion = V4.clone();
        badVersion[0] = 0x55;
        assertEquals(PacketDecoder.MALFORMED, decode(ether(0x0800, badVersion), LinkTypes.ETHERNET));
        assertEquals(
                PacketDecoder.MALFORMED,
                decode(etherVlan(new int[] {0x8100, 1}, 0x8100, new byte[1]), LinkTypes.ETHERNET));
        assertEquals(PacketDecoder.MALFORMED, decode(new byte[0], LinkTypes.RAW));
        assertTrue(dec.malformed() >= 5);
        assertEquals(1, dec.notIp());
    }

    @Test
    void randomAndTruncatedFramesNeverThrow() {
        Random rnd = new Random(42);
        byte[][] seeds = {
            ether(0x0800, V4), ether(0x86DD, V6), etherVlan(new int[] {0x88a8, 1, 0x8100, 2}, 0x0800, V4),
            ether(0x8847, mpls(new int[] {1, 2}, V6)), sll(0x0800, V4), sll2(0x86DD, V6)
        };
        int[] links = {
            LinkTypes.ETHERNET,
            LinkTypes.RAW,
            LinkTypes.LINUX_SLL,
            LinkTypes.LINUX_SLL2,
            LinkTypes.IPV4,
            LinkTypes.IPV6,
            999
        };
        for (int i = 0; i < 200_000; i++) {
            byte[] f;
            if (i % 2 == 0) {
                f = new byte[rnd.nextInt(120)];
                rnd.nextBytes(f);
                if (f.length > 14 && rnd.nextBoolean()) {
                    int[] types = {0x0800, 0x86DD, 0x8100, 0x88a8, 0x8847};
                    int t = types[rnd.nextInt(types.length)];
                    f[12] = (byte) (t >> 8);
                    f[13] = (byte) t;
                }
            } else {
                byte[] s = seeds[rnd.nextInt(seeds.length)].clone();
                for (int k = rnd.nextInt(4); k > 0; k--) {
                    s[rnd.nextInt(s.length)] = (byte) rnd.nextInt();
                }
                f = Arrays.copyOf(s, rnd.nextInt(s.length + 1));
            }
            int lt = links[rnd.nextInt(links.length)];
            int r = dec.decode(MemorySegment.ofArray(f), 0, f.length, lt, out);
            assertTrue(r >= 0 && r <= 2);
            if (r == PacketDecoder.IP) {
                assertTrue(out.ipOffset >= 0 && out.ipOffset + out.ipLength <= f.length, "IP view inside the frame");
            }
        }
        // a view beyond the segment is rejected, not thrown
        assertEquals(PacketDecoder.MALFORMED, dec.decode(MemorySegment.ofArray(new byte[10]), 5, 20, 1, out));
    }
}
