package io.kubeli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchCaptureTest {

    private static byte[] generate(long packets, int percent, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BenchCapture.Result r = new BenchCapture(new BenchCapture.Spec(packets, percent, seed)).write(out);
        assertEquals(out.size(), r.bytes());
        return out.toByteArray();
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        assertArrayEquals(generate(5000, 50, 7), generate(5000, 50, 7));
        assertTrue(!java.util.Arrays.equals(generate(5000, 50, 7), generate(5000, 50, 8)));
    }

    @Test
    void resultCountsTheIntendedShare() throws IOException {
        for (int pct : new int[] {0, 10, 33, 50, 100}) {
            BenchCapture.Result r =
                    new BenchCapture(new BenchCapture.Spec(10_000, pct, 1)).write(new ByteArrayOutputStream());
            assertEquals(10_000, r.packets());
            assertEquals(10_000L * pct / 100, r.targetPackets(), "share " + pct);
            assertEquals(BenchCapture.targetCount(10_000, pct), r.targetPackets());
        }
    }

    @Test
    void everyPrefixHoldsTheShareWithinOnePacket() {
        long n = 0;
        for (long i = 0; i < 1000; i++) {
            if (BenchCapture.isTarget(i, 10)) n++;
            assertTrue(Math.abs(n - (i + 1) * 0.10) <= 1, "prefix " + (i + 1));
        }
    }

    /** Parses the written pcap and counts frames that carry a target address: exactly the intended ones. */
    @Test
    void targetAddressesAppearExactlyInTheTargetFrames() throws IOException {
        int pct = 10;
        ByteBuffer b = ByteBuffer.wrap(generate(20_000, pct, 3)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0));
        assertEquals(1, b.getInt(20), "LINKTYPE_ETHERNET");
        Set<String> targets = Set.of(BenchCapture.TARGETS_V4);
        byte[] v6 = java.net.InetAddress.ofLiteral(BenchCapture.TARGET_V6).getAddress();
        int pos = 24;
        long frame = 0, withTarget = 0;
        long lastTs = Long.MIN_VALUE;
        while (pos < b.limit()) {
            long ts = b.getInt(pos) * 1_000_000L + b.getInt(pos + 4);
            assertTrue(ts > lastTs, "timestamps increase");
            lastTs = ts;
            int len = b.getInt(pos + 8);
            int f = pos + 16;
            int type = ((b.get(f + 12) & 0xff) << 8) | (b.get(f + 13) & 0xff);
            boolean hit;
            if (type == 0x0800) {
                hit = targets.contains(v4(b, f + 14 + 12)) || targets.contains(v4(b, f + 14 + 16));
            } else {
                assertEquals(0x86DD, type);
                hit = equalsAt(b, f + 14 + 8, v6) || equalsAt(b, f + 14 + 24, v6);
            }
            assertEquals(BenchCapture.isTarget(frame, pct), hit, "frame " + frame);
            if (hit) withTarget++;
            frame++;
            pos = f + len;
        }
        assertEquals(20_000, frame);
        assertEquals(2_000, withTarget);
    }

    private static String v4(ByteBuffer b, int off) {
        return (b.get(off) & 0xff) + "." + (b.get(off + 1) & 0xff) + "." + (b.get(off + 2) & 0xff) + "."
                + (b.get(off + 3) & 0xff);
    }

    private static boolean equalsAt(ByteBuffer b, int off, byte[] a) {
        for (int i = 0; i < a.length; i++) if (b.get(off + i) != a[i]) return false;
        return true;
    }
}
