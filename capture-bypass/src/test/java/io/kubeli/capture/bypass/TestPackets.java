package io.kubeli.capture.bypass;

import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.file.PcapWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds Ethernet/IPv4/UDP test frames (198.18.4.0/24) and writes them as a classic nanosecond pcap. */
public final class TestPackets {
    public static final long BASE_TS = 1_700_000_000_123_456_789L;

    private TestPackets() {}

    /** {@code n} UDP frames of varying size from 198.18.4.2 to 198.18.4.1, payload carries the index. */
    public static List<byte[]> udpFrames(int n, byte[] dstMac, byte[] srcMac, int flows) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int payload = 18 + (i * 37) % 1200;
            byte[] f = new byte[14 + 20 + 8 + payload];
            ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.BIG_ENDIAN);
            b.put(dstMac).put(srcMac).putShort((short) 0x0800);
            int ipLen = 20 + 8 + payload;
            b.put((byte) 0x45)
                    .put((byte) 0)
                    .putShort((short) ipLen)
                    .putShort((short) i)
                    .putShort((short) 0x4000)
                    .put((byte) 64)
                    .put((byte) 17)
                    .putShort((short) 0)
                    .put(new byte[] {(byte) 198, 18, 4, 2})
                    .put(new byte[] {(byte) 198, 18, 4, 1});
            int sum = 0;
            for (int k = 14; k < 34; k += 2) {
                sum += ((f[k] & 0xff) << 8) | (f[k + 1] & 0xff);
            }
            sum = (sum & 0xffff) + (sum >>> 16);
            sum = (sum & 0xffff) + (sum >>> 16);
            f[24] = (byte) (~sum >> 8);
            f[25] = (byte) ~sum;
            b.position(34);
            b.putShort((short) (40000 + i % Math.max(1, flows)))
                    .putShort((short) 9)
                    .putShort((short) (8 + payload))
                    .putShort((short) 0);
            b.putInt(i);
            out.add(f);
        }
        return out;
    }

    public static byte[] mac(int last) {
        return new byte[] {0x02, 0x00, 0x5e, 0x10, 0x04, (byte) last};
    }

    /** Classic pcap, nanosecond magic, Ethernet; packet i at BASE_TS + i * 1000 ns. */
    public static Path writePcap(Path file, List<byte[]> frames) throws IOException {
        try (PcapWriter w =
                PcapWriter.create(file, LinkTypes.ETHERNET, PcapWriter.MAX_SNAPLEN, PcapWriter.Resolution.NANOS)) {
            for (int i = 0; i < frames.size(); i++) {
                w.write(BASE_TS + i * 1000L, frames.get(i), 0, frames.get(i).length);
            }
        }
        return file;
    }

    public static long bytes(List<byte[]> frames) {
        long s = 0;
        for (byte[] f : frames) {
            s += f.length;
        }
        return s;
    }
}
