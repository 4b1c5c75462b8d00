package io.kubeli.systemit;

import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.file.PcapWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Small, deterministic test traffic: Ethernet/IPv4/UDP frames between addresses of 198.18.0.0/15, written as a
 * classic pcap. Every UDP payload carries a unique counter so each record at the agency maps to one frame.
 */
final class Traffic {
    /** One frame and the capture time written into the file (live capture stamps its own time). */
    record Frame(byte[] bytes, Instant time) {
        /** The IP packet: what an IPCC record must carry byte for byte. */
        byte[] ipPacket() {
            byte[] p = new byte[bytes.length - 14];
            System.arraycopy(bytes, 14, p, 0, p.length);
            return p;
        }
    }

    private int counter;

    /** A UDP datagram from {@code src} to {@code dst} (dotted IPv4) with a payload of about {@code size} bytes. */
    Frame udp(String src, String dst, int size, Instant time) {
        int n = counter++;
        int payload = Math.max(12, size);
        byte[] f = new byte[14 + 20 + 8 + payload];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[] {0x02, 0, 0, 0, 0, 0x02})
                .put(new byte[] {0x02, 0, 0, 0, 0, 0x01})
                .putShort((short) 0x0800);
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) (20 + 8 + payload))
                .putShort((short) n)
                .putShort((short) 0x4000)
                .put((byte) 64)
                .put((byte) 17)
                .putShort((short) 0)
                .put(ipv4(src))
                .put(ipv4(dst));
        b.putShort(24, checksum(f, 14, 20));
        b.position(34);
        b.putShort((short) (40000 + n % 1000))
                .putShort((short) 5004)
                .putShort((short) (8 + payload))
                .putShort((short) 0);
        b.putInt(0x4b4c4954).putInt(n).putInt(payload); // "KLIT", counter, length
        for (int i = 12; i < payload; i++) {
            b.put((byte) (n * 31 + i));
        }
        return new Frame(f, time);
    }

    /** A UDP datagram with the given ports and payload (hostile input: anything at all). */
    static Frame udp(String src, String dst, int srcPort, int dstPort, byte[] payload, Instant time) {
        byte[] f = new byte[14 + 20 + 8 + payload.length];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[] {0x02, 0, 0, 0, 0, 0x02})
                .put(new byte[] {0x02, 0, 0, 0, 0, 0x01})
                .putShort((short) 0x0800);
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) (28 + payload.length))
                .putShort((short) 1)
                .putShort((short) 0x4000)
                .put((byte) 64)
                .put((byte) 17)
                .putShort((short) 0)
                .put(ipv4(src))
                .put(ipv4(dst));
        b.putShort(24, checksum(f, 14, 20));
        b.position(34);
        b.putShort((short) srcPort)
                .putShort((short) dstPort)
                .putShort((short) (8 + payload.length))
                .putShort((short) 0);
        b.put(payload);
        return new Frame(f, time);
    }

    /** Alternates {@code targets} target frames (to or from {@code target}) with non-target frames, 3 per target. */
    List<Frame> mixed(String target, int targets, Instant start, long spacingMicros) {
        List<Frame> out = new ArrayList<>();
        Instant t = start;
        for (int i = 0; i < targets; i++) {
            String peer = "198.18.40." + (10 + i % 50);
            out.add(i % 2 == 0 ? udp(target, peer, 60 + 37 * i % 900, t) : udp(peer, target, 60 + 37 * i % 900, t));
            t = t.plusNanos(spacingMicros * 1000);
            for (int k = 0; k < 3; k++) {
                out.add(udp("198.18.30." + (1 + (i + k) % 200), "198.18.31." + (1 + k), 80 + 13 * k, t));
                t = t.plusNanos(spacingMicros * 1000);
            }
        }
        return out;
    }

    /** The frames whose source or destination is {@code target}. */
    static List<Frame> to(List<Frame> frames, String target) {
        byte[] a = ipv4(target);
        return frames.stream()
                .filter(f -> same(f.bytes, 26, a) || same(f.bytes, 30, a))
                .toList();
    }

    /** Writes a classic pcap (µs timestamps, LINKTYPE_ETHERNET). */
    static Path write(Path file, List<Frame> frames) throws IOException {
        try (PcapWriter w = PcapWriter.create(file, LinkTypes.ETHERNET, 65535, PcapWriter.Resolution.MICROS)) {
            for (Frame f : frames) {
                w.write(f.time.getEpochSecond() * 1_000_000_000L + f.time.getNano(), f.bytes, 0, f.bytes.length);
            }
        }
        return file;
    }

    private static boolean same(byte[] f, int off, byte[] a) {
        return f[off] == a[0] && f[off + 1] == a[1] && f[off + 2] == a[2] && f[off + 3] == a[3];
    }

    static byte[] ipv4(String s) {
        String[] p = s.split("\\.");
        return new byte[] {
            (byte) Integer.parseInt(p[0]),
            (byte) Integer.parseInt(p[1]),
            (byte) Integer.parseInt(p[2]),
            (byte) Integer.parseInt(p[3])
        };
    }

    private static short checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
