package io.kubeli.bench;

import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.file.PcapWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Deterministic benchmark capture: small Ethernet frames (IPv4/IPv6, UDP/TCP) with an exact share of target packets.
 *
 * <p>Packet {@code i} is a target packet when {@code floor((i+1)p/100) > floor(i p/100)}, so any prefix of the capture
 * holds the intended share (within one packet) and the total is exact. A target packet has exactly one endpoint among
 * {@link #TARGETS_V4}/{@link #TARGET_V6}; every other address lies in ranges no target covers. IPv4 addresses are in
 * 198.18.0.0/15 and IPv6 addresses in 2001:db8::/32 (benchmark and documentation ranges).
 */
public final class BenchCapture {
    /** IPv4 target hosts; CIN = index + 1. */
    public static final String[] TARGETS_V4 = {
        "198.18.10.1",
        "198.18.10.2",
        "198.18.10.3",
        "198.18.10.4",
        "198.18.10.5",
        "198.18.10.6",
        "198.18.10.7",
        "198.18.10.8"
    };
    /** IPv6 target host; CIN = {@code TARGETS_V4.length + 1}. */
    public static final String TARGET_V6 = "2001:db8:10::7";
    /** First timestamp: 2026-11-25T12:00:00Z (inside the benchmark intercept's window). */
    public static final long START_MICROS = 1_795_608_000_000_000L;

    private static final int SNAPLEN = 65535;

    /**
     * What to generate.
     *
     * @param packets number of frames
     * @param targetPercent share of target packets, 0..100
     * @param seed random seed (same seed, same bytes)
     */
    public record Spec(long packets, int targetPercent, long seed) {
        public Spec {
            if (packets < 0) throw new IllegalArgumentException("packets must be >= 0");
            if (targetPercent < 0 || targetPercent > 100)
                throw new IllegalArgumentException("targetPercent must be 0..100");
        }
    }

    /** What was written: frame count, target frames among them, file size. */
    public record Result(long packets, long targetPackets, long ipv6Packets, long bytes) {}

    private final Spec spec;
    private final SplittableRandom rnd;
    private final ByteBuffer frame = ByteBuffer.allocate(256).order(ByteOrder.BIG_ENDIAN);
    private final byte[][] targetsV4 = new byte[TARGETS_V4.length][];
    private final byte[] targetV6 = addr(TARGET_V6);
    private int ipId;

    public BenchCapture(Spec spec) {
        this.spec = spec;
        this.rnd = new SplittableRandom(spec.seed());
        for (int i = 0; i < TARGETS_V4.length; i++) targetsV4[i] = addr(TARGETS_V4[i]);
    }

    /** Whether packet {@code i} (from 0) is a target packet at {@code percent} %. */
    public static boolean isTarget(long i, int percent) {
        return (i + 1) * percent / 100 > i * percent / 100;
    }

    /** Exact number of target packets among the first {@code packets} at {@code percent} %. */
    public static long targetCount(long packets, int percent) {
        return packets * percent / 100;
    }

    /** Writes the capture as classic pcap (Ethernet, microsecond timestamps). */
    public Result write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            return write(out);
        }
    }

    /** Writes the capture to a stream (not closed). */
    public Result write(OutputStream out) throws IOException {
        PcapWriter pcap = new PcapWriter(
                out, LinkTypes.ETHERNET, SNAPLEN, PcapWriter.Resolution.MICROS); // not closed: the caller's stream
        long bytes = 24, targets = 0, v6 = 0;
        for (long i = 0; i < spec.packets(); i++) {
            boolean target = isTarget(i, spec.targetPercent());
            boolean ipv6 = rnd.nextInt(100) < 15;
            int len = buildFrame(target, ipv6);
            long ts = START_MICROS + i;
            pcap.write(ts * 1000, frame.array(), 0, len);
            bytes += 16 + len;
            if (target) targets++;
            if (ipv6) v6++;
        }
        return new Result(spec.packets(), targets, v6, bytes);
    }

    // Builds one frame into `frame`; returns its length.
    private int buildFrame(boolean target, boolean ipv6) {
        boolean tcp = rnd.nextInt(100) < 40;
        int payload = 6 + rnd.nextInt(58);
        boolean targetIsSource = rnd.nextBoolean();
        ByteBuffer b = frame.clear();
        b.put((byte) 0x02)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 1); // dst MAC (local)
        b.put((byte) 0x02)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 2); // src MAC (local)
        b.putShort((short) (ipv6 ? 0x86DD : 0x0800));
        int l4len = (tcp ? 20 : 8) + payload;
        int proto = tcp ? 6 : 17;
        if (ipv6) {
            byte[] t = target ? targetV6 : null;
            b.putInt(0x60000000).putShort((short) l4len).put((byte) proto).put((byte) 64);
            putV6(b, target && targetIsSource ? t : null);
            putV6(b, target && !targetIsSource ? t : null);
        } else {
            byte[] t = target ? targetsV4[rnd.nextInt(targetsV4.length)] : null;
            int start = b.position();
            b.put((byte) 0x45)
                    .put((byte) 0)
                    .putShort((short) (20 + l4len))
                    .putShort((short) (ipId++ & 0xffff))
                    .putShort((short) 0x4000)
                    .put((byte) 64)
                    .put((byte) proto)
                    .putShort((short) 0);
            putV4(b, target && targetIsSource ? t : null);
            putV4(b, target && !targetIsSource ? t : null);
            b.putShort(start + 10, (short) ipv4Checksum(b.array(), start));
        }
        int sport = 1024 + rnd.nextInt(60000), dport = rnd.nextBoolean() ? 443 : 53;
        if (tcp) {
            b.putShort((short) sport)
                    .putShort((short) dport)
                    .putInt(rnd.nextInt())
                    .putInt(rnd.nextInt())
                    .putShort((short) 0x5018)
                    .putShort((short) 0xffff)
                    .putShort((short) 0)
                    .putShort((short) 0);
        } else {
            b.putShort((short) sport)
                    .putShort((short) dport)
                    .putShort((short) l4len)
                    .putShort((short) 0);
        }
        for (int i = 0; i < payload; i++) b.put((byte) i);
        return b.position();
    }

    // a non-target host is 198.18.128.0/17 (never 198.18.10.0/24)
    private void putV4(ByteBuffer b, byte[] target) {
        if (target != null) {
            b.put(target);
        } else {
            b.put((byte) 198)
                    .put((byte) 18)
                    .put((byte) (128 + rnd.nextInt(128)))
                    .put((byte) (1 + rnd.nextInt(254)));
        }
    }

    // a non-target host is 2001:db8:20::/48
    private void putV6(ByteBuffer b, byte[] target) {
        if (target != null) {
            b.put(target);
        } else {
            b.putInt(0x20010db8).putShort((short) 0x20).putShort((short) 0).putLong(1 + rnd.nextLong(1L << 32));
        }
    }

    private static int ipv4Checksum(byte[] a, int off) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((a[off + i] & 0xff) << 8) | (a[off + i + 1] & 0xff);
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return ~sum & 0xffff;
    }

    private static byte[] addr(String s) {
        try {
            return java.net.InetAddress.ofLiteral(s).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("bad literal " + s, e);
        }
    }
}
