package io.kubeli.system.demo;

import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.file.PcapWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes the demo's bundled capture: deterministic, realistic mixed traffic with target hosts.
 *
 * <p>All IPv4 addresses lie in 198.18.0.0/15 and all IPv6 addresses in 2001:db8::/32, so the
 * capture can be replayed across a veth pair in test namespaces without touching any real
 * network. Hosts {@link #TARGET_V4}, {@link #TARGET_V6} and the prefix {@link #TARGET_PREFIX}
 * are the targets of {@code deploy/examples/intercept.yaml}.
 */
public final class CaptureGenerator {

    /** Start of the capture: 2026-11-25T12:00:00Z, inside the example intercept's window. */
    public static final long START_NANOS = 1_795_608_000_000_000_000L;
    /** The IPv4 target host (exact match). */
    public static final String TARGET_V4 = "198.18.10.7";
    /** The IPv6 target host (exact match). */
    public static final String TARGET_V6 = "2001:db8:10::7";
    /** A target prefix (longest-prefix match): 198.18.20.0/28. */
    public static final String TARGET_PREFIX = "198.18.20.0/28";
    /** Default seed; the committed capture is generated with it. */
    public static final long SEED = 20261125L;

    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86DD;
    private static final int ETH_VLAN = 0x8100;
    private static final int ETH_QINQ = 0x88A8;

    private final SplittableRandom rnd;
    private final List<Frame> frames = new ArrayList<>();
    private int ipId = 1;

    /** One frame of the capture, ordered by time. */
    private record Frame(long nanos, byte[] bytes) {}

    /** A flow endpoint pair with its encapsulation. */
    private record Flow(
            byte[] client, byte[] server, int clientPort, int serverPort, boolean tcp, int vlan, int outerVlan) {}

    public CaptureGenerator(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** The command line as declared (picocli). */
    @picocli.CommandLine.Command(
            name = "capture-generator",
            description = {"", "Regenerates the demo capture (deterministic: the same seed gives the same bytes).", ""})
    static final class Options {
        @picocli.CommandLine.Parameters(
                index = "0",
                arity = "0..1",
                paramLabel = "FILE",
                description = "output pcap [default: system/demo/traffic.pcap]")
        String out = "system/demo/traffic.pcap";

        @picocli.CommandLine.Parameters(
                index = "1",
                arity = "0..1",
                paramLabel = "FLOWS",
                description = "flows to generate (1..100000) [default: 600]")
        int flows = 600;
    }

    /** Generates the capture and writes it as classic pcap (Ethernet, microseconds). */
    public static void main(String[] args) throws IOException {
        Options o = new Options();
        Integer exit = io.kubeli.cli.Cli.parseOrExit(o, args, System.out, System.err);
        if (exit == null && (o.flows < 1 || o.flows > 100_000)) {
            exit = io.kubeli.cli.Cli.fail(
                    System.err, "capture-generator", "FLOWS must be between 1 and 100000 (got " + o.flows + ")");
        }
        if (exit != null) {
            System.exit(exit);
            return;
        }
        Path out = Path.of(o.out);
        int flows = o.flows;
        CaptureGenerator g = new CaptureGenerator(SEED);
        byte[] pcap = g.generate(flows);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, pcap);
        System.out.printf("wrote %s: %d frames, %d bytes%n", out, g.frames.size(), pcap.length);
    }

    /** Builds {@code flowCount} flows (a few of them to or from targets) and returns the pcap bytes. */
    public byte[] generate(int flowCount) {
        for (int i = 0; i < flowCount; i++) {
            long start = START_NANOS + rnd.nextLong(8_000_000_000L);
            Flow f = pickFlow(i);
            if (f.tcp) {
                tcpFlow(f, start);
            } else {
                udpFlow(f, start, i % 37 == 0);
            }
        }
        frames.sort(Comparator.comparingLong(Frame::nanos));
        return toPcap();
    }

    private Flow pickFlow(int i) {
        boolean v6 = i % 5 == 0;
        boolean tcp = i % 3 != 0;
        int vlan = i % 7 == 0 ? 100 : 0;
        int outer = i % 29 == 0 ? 200 : 0;
        byte[] client;
        byte[] server;
        if (v6) {
            client = i % 17 == 0 ? v6("2001:db8:10::7") : v6Host(0x10, 1 + rnd.nextInt(400));
            server = v6Host(0x20, 1 + rnd.nextInt(50));
        } else {
            int pick = i % 23;
            if (pick == 0) {
                client = v4(TARGET_V4);
            } else if (pick == 11) {
                client = new byte[] {(byte) 198, 18, 20, (byte) rnd.nextInt(16)}; // inside the /28
            } else {
                client = new byte[] {(byte) 198, 18, (byte) (10 + rnd.nextInt(8)), (byte) (1 + rnd.nextInt(250))};
                if (client[2] == 10 && client[3] == 7) {
                    client[3] = 8; // keep the exact target rare and deliberate
                }
                if (client[2] == 20 && (client[3] & 0xff) < 16) {
                    client[3] = 99;
                }
            }
            server = new byte[] {(byte) 198, 19, (byte) rnd.nextInt(4), (byte) (1 + rnd.nextInt(250))};
        }
        int sport = 1024 + rnd.nextInt(60000);
        int dport = tcp ? (rnd.nextBoolean() ? 443 : 80) : (rnd.nextBoolean() ? 53 : 5004);
        return new Flow(client, server, sport, dport, tcp, vlan, outer);
    }

    private void tcpFlow(Flow f, long t) {
        long seqC = rnd.nextLong(1L << 32);
        long seqS = rnd.nextLong(1L << 32);
        add(t, f, true, tcp(f, true, seqC, 0, 0x02, new byte[0]));
        t += 200_000 + rnd.nextInt(2_000_000);
        add(t, f, false, tcp(f, false, seqS, seqC + 1, 0x12, new byte[0]));
        t += 100_000;
        add(t, f, true, tcp(f, true, seqC + 1, seqS + 1, 0x10, new byte[0]));
        int exchanges = 1 + rnd.nextInt(6);
        for (int k = 0; k < exchanges; k++) {
            t += 300_000 + rnd.nextInt(5_000_000);
            byte[] req = payload(40 + rnd.nextInt(300));
            add(t, f, true, tcp(f, true, seqC + 1, seqS + 1, 0x18, req));
            seqC += req.length;
            t += 500_000 + rnd.nextInt(10_000_000);
            byte[] resp = payload(imixSize());
            add(t, f, false, tcp(f, false, seqS + 1, seqC + 1, 0x18, resp));
            seqS += resp.length;
        }
        t += 1_000_000;
        add(t, f, true, tcp(f, true, seqC + 1, seqS + 1, 0x11, new byte[0]));
        add(t + 150_000, f, false, tcp(f, false, seqS + 1, seqC + 2, 0x11, new byte[0]));
    }

    private void udpFlow(Flow f, long t, boolean fragmented) {
        int n = 1 + rnd.nextInt(8);
        for (int k = 0; k < n; k++) {
            boolean fromClient = k % 2 == 0;
            int size = fragmented && k == 0 ? 2400 + rnd.nextInt(1200) : 20 + rnd.nextInt(200);
            byte[] udp = udp(f, fromClient, payload(size));
            if (fragmented && k == 0) {
                fragments(t, f, fromClient, udp);
            } else {
                add(t, f, fromClient, udp);
            }
            t += 200_000 + rnd.nextInt(20_000_000);
        }
    }

    private int imixSize() {
        int r = rnd.nextInt(12);
        return r < 7 ? 6 + rnd.nextInt(30) : r < 11 ? 536 : 1400 + rnd.nextInt(60);
    }

    private byte[] payload(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (' ' + rnd.nextInt(95));
        }
        return b;
    }

    private byte[] tcp(Flow f, boolean fromClient, long seq, long ack, int flags, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(20 + data.length);
        b.putShort((short) (fromClient ? f.clientPort : f.serverPort));
        b.putShort((short) (fromClient ? f.serverPort : f.clientPort));
        b.putInt((int) seq).putInt((int) ack);
        b.put((byte) 0x50)
                .put((byte) flags)
                .putShort((short) 64240)
                .putShort((short) 0)
                .putShort((short) 0);
        b.put(data);
        return transport(f, fromClient, 6, b.array());
    }

    private byte[] udp(Flow f, boolean fromClient, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short) (fromClient ? f.clientPort : f.serverPort));
        b.putShort((short) (fromClient ? f.serverPort : f.clientPort));
        b.putShort((short) (8 + data.length)).putShort((short) 0);
        b.put(data);
        return transport(f, fromClient, 17, b.array());
    }

    /** Fills in the transport checksum (offset 16 for TCP, 6 for UDP) over the pseudo-header. */
    private static byte[] transport(Flow f, boolean fromClient, int proto, byte[] seg) {
        byte[] src = fromClient ? f.client : f.server;
        byte[] dst = fromClient ? f.server : f.client;
        long sum = sum(src) + sum(dst) + proto + seg.length + sum(seg);
        int c = fold(sum);
        if (proto == 17 && c == 0) {
            c = 0xffff;
        }
        int at = proto == 6 ? 16 : 6;
        seg[at] = (byte) (c >> 8);
        seg[at + 1] = (byte) c;
        return seg;
    }

    private void add(long t, Flow f, boolean fromClient, byte[] l4) {
        byte[] src = fromClient ? f.client : f.server;
        byte[] dst = fromClient ? f.server : f.client;
        int proto = f.tcp ? 6 : 17;
        byte[] ip = src.length == 4 ? ipv4(src, dst, proto, l4, 0, false, ipId++) : ipv6(src, dst, proto, l4);
        frames.add(new Frame(t, ethernet(f, ip)));
    }

    /** Splits an IPv4 UDP datagram into fragments, or an IPv6 one with a fragment header. */
    private void fragments(long t, Flow f, boolean fromClient, byte[] udp) {
        byte[] src = fromClient ? f.client : f.server;
        byte[] dst = fromClient ? f.server : f.client;
        int id = ipId++;
        int chunk = 1232;
        for (int off = 0; off < udp.length; off += chunk) {
            int len = Math.min(chunk, udp.length - off);
            byte[] part = new byte[len];
            System.arraycopy(udp, off, part, 0, len);
            boolean more = off + len < udp.length;
            byte[] ip;
            if (src.length == 4) {
                ip = ipv4(src, dst, 17, part, off / 8, more, id);
            } else {
                ByteBuffer fh = ByteBuffer.allocate(8 + len);
                fh.put((byte) 17)
                        .put((byte) 0)
                        .putShort((short) (off | (more ? 1 : 0)))
                        .putInt(id)
                        .put(part);
                ip = ipv6(src, dst, 44, fh.array());
            }
            frames.add(new Frame(t + off, ethernet(f, ip)));
        }
    }

    private static byte[] ipv4(byte[] src, byte[] dst, int proto, byte[] payload, int fragOff8, boolean more, int id) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) id);
        b.putShort((short) ((more ? 0x2000 : 0) | fragOff8));
        b.put((byte) 64).put((byte) proto).putShort((short) 0).put(src).put(dst).put(payload);
        byte[] a = b.array();
        int c = fold(sum(a, 0, 20));
        a[10] = (byte) (c >> 8);
        a[11] = (byte) c;
        return a;
    }

    private static byte[] ipv6(byte[] src, byte[] dst, int next, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.putInt(0x6000_0000).putShort((short) payload.length).put((byte) next).put((byte) 64);
        b.put(src).put(dst).put(payload);
        return b.array();
    }

    private static byte[] ethernet(Flow f, byte[] ip) {
        int tags = f.outerVlan != 0 ? 8 : f.vlan != 0 ? 4 : 0;
        ByteBuffer b = ByteBuffer.allocate(14 + tags + ip.length);
        b.put(new byte[] {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01});
        if (f.outerVlan != 0) {
            b.putShort((short) ETH_QINQ).putShort((short) f.outerVlan);
            b.putShort((short) ETH_VLAN).putShort((short) (f.vlan != 0 ? f.vlan : 1));
        } else if (f.vlan != 0) {
            b.putShort((short) ETH_VLAN).putShort((short) f.vlan);
        }
        b.putShort((short) ((ip[0] >> 4) == 4 ? ETH_IPV4 : ETH_IPV6));
        b.put(ip);
        return b.array();
    }

    private byte[] toPcap() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, LinkTypes.ETHERNET, 65535, PcapWriter.Resolution.MICROS)) {
            for (Frame f : frames) {
                w.write(f.nanos, f.bytes, 0, f.bytes.length);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array stream does not fail
        }
        return out.toByteArray();
    }

    /** Number of frames generated so far. */
    public int frameCount() {
        return frames.size();
    }

    private static long sum(byte[] a) {
        return sum(a, 0, a.length);
    }

    private static long sum(byte[] a, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            s += ((a[off + i] & 0xff) << 8) | (a[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            s += (a[off + len - 1] & 0xff) << 8;
        }
        return s;
    }

    private static int fold(long s) {
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) (~s & 0xffff);
    }

    private static byte[] v4(String s) {
        String[] p = s.split("\\.");
        return new byte[] {
            (byte) Integer.parseInt(p[0]),
            (byte) Integer.parseInt(p[1]),
            (byte) Integer.parseInt(p[2]),
            (byte) Integer.parseInt(p[3])
        };
    }

    private static byte[] v6(String s) {
        try {
            return java.net.InetAddress.getByName(s).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] v6Host(int subnet, int host) {
        if (subnet == 0x10 && host == 7) {
            host = 8; // the exact IPv6 target appears only where chosen deliberately
        }
        byte[] a = v6("2001:db8::");
        a[5] = (byte) subnet;
        a[14] = (byte) (host >> 8);
        a[15] = (byte) host;
        return a;
    }
}
