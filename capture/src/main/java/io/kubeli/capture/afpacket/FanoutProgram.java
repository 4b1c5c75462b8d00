package io.kubeli.capture.afpacket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Classic BPF for PACKET_FANOUT_CBPF that picks the socket from the IP address pair (src XOR dst,
 * folded): symmetric, and every fragment of a datagram goes to the same thread without the kernel
 * reassembling it (which PACKET_FANOUT_FLAG_DEFRAG does). Non-IP packets use the kernel's rxhash.
 */
final class FanoutProgram {
    private static final int LD_W_ABS = 0x20;
    private static final int TAX = 0x07;
    private static final int XOR_X = 0xac;
    private static final int RSH_K = 0x74;
    private static final int JEQ_K = 0x15;
    private static final int JA = 0x05;
    private static final int RET_A = 0x16;
    private static final int AD_OFF = -0x1000;
    private static final int AD_PROTOCOL = 0;
    private static final int AD_RXHASH = 32;
    private static final int NET_OFF = -0x100000;

    private FanoutProgram() {}

    /** The program as struct sock_filter[] bytes (native order); length = bytes / 8. */
    static byte[] addressPairHash() {
        ByteBuffer b = ByteBuffer.allocate(8 * 40).order(ByteOrder.nativeOrder());
        // 0: A = skb->protocol
        ins(b, LD_W_ABS, 0, 0, AD_OFF + AD_PROTOCOL);
        // 1: IPv4 -> 3, else 2
        ins(b, JEQ_K, 1, 0, 0x0800);
        // 2: IPv6 -> 8, else -> other at 31
        ins(b, JEQ_K, 5, 28, 0x86dd);
        // 3..7: IPv4 src ^ dst, jump to fold
        ins(b, LD_W_ABS, 0, 0, NET_OFF + 12);
        ins(b, TAX, 0, 0, 0);
        ins(b, LD_W_ABS, 0, 0, NET_OFF + 16);
        ins(b, XOR_X, 0, 0, 0);
        ins(b, JA, 0, 0, 25); // 7 -> fold at 33
        // 8..30: IPv6 xor of the 8 address words
        ins(b, LD_W_ABS, 0, 0, NET_OFF + 8);
        for (int w = 1; w < 8; w++) {
            ins(b, TAX, 0, 0, 0);
            ins(b, LD_W_ABS, 0, 0, NET_OFF + 8 + w * 4);
            ins(b, XOR_X, 0, 0, 0);
        }
        // 30: jump to fold
        ins(b, JA, 0, 0, 2);
        // 31..32: other: rxhash
        ins(b, LD_W_ABS, 0, 0, AD_OFF + AD_RXHASH);
        ins(b, RET_A, 0, 0, 0);
        // 33..: fold: A ^= A >> 16; A ^= A >> 8; return A (the kernel takes it modulo the group size)
        ins(b, TAX, 0, 0, 0);
        ins(b, RSH_K, 0, 0, 16);
        ins(b, XOR_X, 0, 0, 0);
        ins(b, TAX, 0, 0, 0);
        ins(b, RSH_K, 0, 0, 8);
        ins(b, XOR_X, 0, 0, 0);
        ins(b, RET_A, 0, 0, 0);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void ins(ByteBuffer b, int code, int jt, int jf, int k) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }
}
