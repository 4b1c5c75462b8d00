package io.kubeli.collector.bench;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Target;
import io.kubeli.capture.LinkTypes;
import io.kubeli.collector.CaptureWorker;
import io.kubeli.collector.CollectorPipeline;
import io.kubeli.collector.InterceptManager;
import io.kubeli.collector.RadiusTap;
import io.kubeli.collector.ResourceSet;
import io.kubeli.collector.SipIntercepts;
import io.kubeli.collector.SipTap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Media packets matched per second on one capture thread, against the same work for an IP target: 4096 RTP/RTCP
 * packets (both directions) of an answered target call, and 4096 UDP packets of an ip target, each through
 * CaptureWorker.process (decode, table lookups, for media the endpoint check, the ring to a running encoder that
 * encodes IPMMCC / IPCC into a null sink); and 4096 non-target UDP packets on the call's media ports (the worst case
 * for the media lookup) while the call is up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SipMediaBenchmark {
    static final int FRAMES = 4096;
    private CollectorPipeline pipeline;
    private CaptureWorker worker;
    private Arena arena;
    private MemorySegment media;
    private MemorySegment ip;
    private final long[] mOff = new long[FRAMES];
    private final int[] mLen = new int[FRAMES];
    private final long[] iOff = new long[FRAMES];
    private final int[] iLen = new int[FRAMES];
    private MemorySegment none;
    private final long[] nOff = new long[FRAMES];
    private final int[] nLen = new int[FRAMES];
    private long ts;

    /** Ethernet + IPv4 + UDP frame of {@code payload} octets. */
    private static byte[] udp(int src, int sport, int dst, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) (28 + payload.length))
                .putInt(0)
                .put((byte) 64)
                .put((byte) 17)
                .putShort((short) 0)
                .putInt(src)
                .putInt(dst);
        b.putShort((short) sport)
                .putShort((short) dport)
                .putShort((short) (8 + payload.length))
                .putShort((short) 0);
        return b.put(payload).array();
    }

    private static byte[] sip(String m) {
        return udp(0xC6120101, 5060, 0xC6120005, 5060, m.getBytes(StandardCharsets.US_ASCII));
    }

    @Setup(Level.Trial)
    public void setup() {
        long now = Instant.now().getEpochSecond();
        ts = now * 1_000_000_000L;
        Target sipTarget = new Target();
        sipTarget.setSipUri("sip:alice@example.org");
        Agency a = CollectorBenchmark.agency();
        pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), new CollectorBenchmark.NullSink());
        InterceptManager manager = new InterceptManager(pipeline, "NE1", Clock.systemUTC());
        boolean[] ports = RadiusTap.ports(List.of(5060));
        SipIntercepts calls = manager.enableSip(new SipIntercepts.Limits(1000, 3_600_000_000_000L), ports);
        pipeline.setSip(new SipTap(ports, calls, manager));
        manager.update(new ResourceSet(
                List.of(
                        CollectorBenchmark.intercept("sip", "LIID-SIP", List.of(sipTarget), now),
                        CollectorBenchmark.intercept("ip", "LIID-IP", List.of(Target.ip("198.18.7.7")), now)),
                List.of(a),
                null));
        worker = pipeline.newWorker();
        pipeline.start();
        // one answered call: alice 198.18.1.1:40000, bob 198.18.2.2:50000
        String sdpA =
                "v=0\r\no=- 1 1 IN IP4 198.18.1.1\r\ns=-\r\nc=IN IP4 198.18.1.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
        String sdpB = sdpA.replace("198.18.1.1", "198.18.2.2").replace("40000", "50000");
        String from = "<sip:alice@example.org>;tag=a";
        String to = "<sip:bob@example.net>";
        for (String m : new String[] {
            "INVITE sip:bob@example.net SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: " + from + "\r\nTo: "
                    + to
                    + "\r\nCall-ID: media@bench\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: "
                    + sdpA.length() + "\r\n\r\n" + sdpA,
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: " + from + "\r\nTo: " + to
                    + ";tag=b\r\nCall-ID: media@bench\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: "
                    + sdpB.length() + "\r\n\r\n" + sdpB
        }) {
            byte[] f = sip(m);
            worker.process(pipeline.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, ++ts);
        }
        byte[] rtp = new byte[172]; // G.711 20 ms: 12 octets of RTP header + 160
        rtp[0] = (byte) 0x80;
        List<byte[]> mf = new ArrayList<>();
        List<byte[]> ipf = new ArrayList<>();
        List<byte[]> nf = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            boolean out = (i & 1) == 0;
            int rtcp = i % 50 == 49 ? 1 : 0;
            mf.add(
                    out
                            ? udp(0xC6120101, 40000 + rtcp, 0xC6120202, 50000 + rtcp, rtp)
                            : udp(0xC6120202, 50000 + rtcp, 0xC6120101, 40000 + rtcp, rtp));
            ipf.add(
                    out
                            ? udp(0xC6120707, 40000, 0xC6120202, 50000, rtp)
                            : udp(0xC6120202, 50000, 0xC6120707, 40000, rtp));
            nf.add(udp(0xC6120900 + (i & 255), 40000 + rtcp, 0xC6120808, 50000 + rtcp, rtp));
        }
        arena = Arena.ofShared();
        media = pack(mf, mOff, mLen);
        ip = pack(ipf, iOff, iLen);
        none = pack(nf, nOff, nLen);
        if (run(media, mOff, mLen) != FRAMES || run(ip, iOff, iLen) != FRAMES || run(none, nOff, nLen) != 0) {
            throw new IllegalStateException("every packet must match");
        }
    }

    private MemorySegment pack(List<byte[]> frames, long[] offs, int[] lens) {
        MemorySegment seg =
                arena.allocate(frames.stream().mapToLong(f -> f.length).sum(), 64);
        long off = 0;
        for (int i = 0; i < frames.size(); i++) {
            MemorySegment.copy(frames.get(i), 0, seg, ValueLayout.JAVA_BYTE, off, frames.get(i).length);
            offs[i] = off;
            lens[i] = frames.get(i).length;
            off += lens[i];
        }
        return seg;
    }

    private int run(MemorySegment seg, long[] offs, int[] lens) {
        int q = 0;
        for (int i = 0; i < FRAMES; i++) {
            q += worker.process(pipeline.table(), seg, offs[i], lens[i], LinkTypes.ETHERNET, ++ts);
        }
        return q;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        worker.onEnd();
        pipeline.drain();
        arena.close();
    }

    /** RTP/RTCP packets of a target call (IPMMCC). */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int sipMediaPacket() {
        return run(media, mOff, mLen);
    }

    /** Non-target UDP packets on the call's media ports (matched against nothing). */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int nonTargetPacket() {
        return run(none, nOff, nLen);
    }

    /** UDP packets of an ip target (IPCC): the reference per-packet cost. */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int ipTargetPacket() {
        return run(ip, iOff, iLen);
    }
}
