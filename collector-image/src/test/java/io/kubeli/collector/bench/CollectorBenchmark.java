package io.kubeli.collector.bench;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.AgencySpec;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptSpec;
import io.kubeli.api.v1alpha1.Target;
import io.kubeli.capture.LinkTypes;
import io.kubeli.collector.CaptureWorker;
import io.kubeli.collector.CollectorPipeline;
import io.kubeli.collector.DecodedPacket;
import io.kubeli.collector.InterceptManager;
import io.kubeli.collector.PacketDecoder;
import io.kubeli.collector.PduSink;
import io.kubeli.collector.ResourceSet;
import io.kubeli.collector.TargetEntry;
import io.kubeli.collector.TargetTable;
import io.kubeli.etsi.Direction;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-packet cost of the capture-thread path on one core: decode + match of non-target IMIX traffic (1, 10 000 and
 * 100 000 targets in the table: the lookup cost stays flat), and decode + match + IPCC encode of target packets.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CollectorBenchmark {
    static final int FRAMES = 4096;

    /** Flat lookup cost: one probe per prefix length in use, whatever the number of targets. */
    @Param({"1", "10000", "100000"})
    public int targets;

    /** RADIUS tracking on (the default of the collector): UDP packets are also checked for RADIUS ports. */
    @Param({"false", "true"})
    public boolean radius;

    /** SIP tracking on (the default of the collector): UDP/TCP packets are also checked for SIP ports. */
    @Param({"false", "true"})
    public boolean sip;

    private Arena arena;
    private MemorySegment nonTarget;
    private long[] offsets = new long[FRAMES];
    private int[] lengths = new int[FRAMES];
    private MemorySegment target;
    private long[] tOffsets = new long[FRAMES];
    private int[] tLengths = new int[FRAMES];
    private TargetTable table;
    private CaptureWorker worker;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket pkt = new DecodedPacket();
    private final byte[] out = new byte[4096];
    private long ts;
    private long seq;

    @Setup(Level.Trial)
    public void setup() {
        long now = Instant.now().getEpochSecond();
        ts = now * 1_000_000_000L;
        List<Intercept> intercepts = new ArrayList<>();
        int perIntercept = 64;
        for (int i = 0, n = 0; n < targets; i++) {
            List<Target> ts = new ArrayList<>();
            for (int k = 0; k < perIntercept && n < targets; k++, n++) {
                // targets live in 100.64.0.0/10; traffic below never hits them except the target set
                Target t = Target.ip("100." + (64 + (n >> 16)) + "." + ((n >> 8) & 255) + "." + (n & 255));
                t.setCin((long) n);
                ts.add(t);
            }
            Intercept icpt = intercept("i" + i, "LIID-" + i, ts, now);
            intercepts.add(icpt);
        }
        Agency a = agency();
        CollectorPipeline pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), new NullSink());
        InterceptManager manager = new InterceptManager(pipeline, "NE1", Clock.systemUTC());
        if (radius) {
            io.kubeli.collector.radius.RadiusTracker tracker = new io.kubeli.collector.radius.RadiusTracker(
                    new io.kubeli.collector.radius.RadiusTracker.Limits(1000, 3_600_000_000_000L));
            manager.enableRadius(tracker, "user", null);
            pipeline.setRadius(new io.kubeli.collector.RadiusTap(
                    io.kubeli.collector.RadiusTap.ports(List.of(1812, 1813, 1645, 1646)), tracker, manager));
        }
        if (sip) {
            boolean[] ports = io.kubeli.collector.RadiusTap.ports(List.of(5060));
            pipeline.setSip(new io.kubeli.collector.SipTap(
                    ports,
                    manager.enableSip(new io.kubeli.collector.SipIntercepts.Limits(100_000, 300_000_000_000L), ports),
                    manager));
        }
        manager.update(new ResourceSet(intercepts, List.of(a), null));
        table = pipeline.table();
        worker = pipeline.newWorker();

        arena = Arena.ofShared();
        Random rnd = new Random(1);
        int[] imix = {64, 64, 64, 64, 64, 64, 64, 594, 594, 594, 594, 1518};
        List<byte[]> frames = new ArrayList<>();
        List<byte[]> tframes = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            int size = imix[rnd.nextInt(imix.length)];
            int kind = rnd.nextInt(10); // 0-5 IPv4 UDP/TCP, 6-7 VLAN IPv4, 8-9 IPv6
            frames.add(frame(size, kind, rnd, false));
            tframes.add(frame(size, kind % 8, rnd, true));
        }
        nonTarget = pack(frames, offsets, lengths);
        target = pack(tframes, tOffsets, tLengths);
    }

    private static byte[] frame(int size, int kind, Random rnd, boolean toTarget) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        if (kind == 6 || kind == 7) {
            b.putShort((short) 0x8100).putShort((short) 10);
        }
        if (kind >= 8) {
            b.putShort((short) 0x86DD);
            int payload = size - b.position() - 40;
            b.putInt(0x60000000).putShort((short) payload).put((byte) 17).put((byte) 64);
            b.putLong(0x20010db8_00000000L).putLong(rnd.nextLong());
            b.putLong(0x20010db8_00010000L).putLong(rnd.nextLong());
        } else {
            b.putShort((short) 0x0800);
            int total = size - b.position();
            b.put((byte) 0x45)
                    .put((byte) 0)
                    .putShort((short) total)
                    .putInt(0)
                    .put((byte) 64)
                    .put((byte) (kind % 2 == 0 ? 17 : 6))
                    .putShort((short) 0);
            b.putInt(0xC6120000 | rnd.nextInt(1 << 16)); // 198.18.x.x: never a target
            b.putInt(toTarget ? (100 << 24) | (64 << 16) : 0xC6130000 | rnd.nextInt(1 << 16));
        }
        return b.array();
    }

    private MemorySegment pack(List<byte[]> frames, long[] offs, int[] lens) {
        long total = frames.stream().mapToLong(f -> f.length).sum();
        MemorySegment seg = arena.allocate(total, 64);
        long off = 0;
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            MemorySegment.copy(f, 0, seg, ValueLayout.JAVA_BYTE, off, f.length);
            offs[i] = off;
            lens[i] = f.length;
            off += f.length;
        }
        return seg;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** Decode + two table lookups per packet, nothing matches (the common case). */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int decodeMatchNonTarget() {
        int q = 0;
        for (int i = 0; i < FRAMES; i++) {
            q += worker.process(table, nonTarget, offsets[i], lengths[i], LinkTypes.ETHERNET, ts);
        }
        return q;
    }

    /** Decode + match + window + IPCC template encode into a reused buffer (IPv4 target packets). */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long decodeMatchEncodeTarget() {
        long n = 0;
        for (int i = 0; i < FRAMES; i++) {
            if (decoder.decode(target, tOffsets[i], tLengths[i], LinkTypes.ETHERNET, pkt) != PacketDecoder.IP) {
                continue;
            }
            TargetEntry[] d = pkt.version == 4 ? table.lookup4(pkt.dst4) : null;
            if (d == null) {
                continue;
            }
            TargetEntry e = d[0];
            if (e.inWindow(ts)) {
                n += e.template().encode(out, 0, seq++, ts, Direction.TO_TARGET, target, pkt.ipOffset, pkt.ipLength);
            }
        }
        return n;
    }

    /** Discards records. */
    /** Agency lea (DE, OPERATOR1) of the benchmarks' Intercepts. */
    static Agency agency() {
        AgencySpec as = new AgencySpec();
        as.setCountryCode("DE");
        as.setOperatorId("OPERATOR1");
        Agency a = new Agency();
        a.setMetadata(new ObjectMeta());
        a.getMetadata().setName("lea");
        a.setSpec(as);
        return a;
    }

    /** Intercept {@code name} of agency lea with {@code targets}, valid from an hour before {@code now} (s) for a day. */
    static Intercept intercept(String name, String liid, List<Target> targets, long now) {
        InterceptSpec s = new InterceptSpec();
        s.setLiid(liid);
        s.setAgencyRef("lea");
        s.setMediatorRef("med");
        s.setAuthorizationCountryCode("DE");
        s.setDeliveryCountryCode("DE");
        s.setValidFrom(Instant.ofEpochSecond(now - 3600).toString());
        s.setValidUntil(Instant.ofEpochSecond(now + 86400).toString());
        s.setTargets(new ArrayList<>(targets));
        Intercept icpt = new Intercept();
        icpt.setMetadata(new ObjectMeta());
        icpt.getMetadata().setName(name);
        icpt.setSpec(s);
        return icpt;
    }

    static final class NullSink implements PduSink {
        @Override
        public void write(
                io.kubeli.collector.KeyState key,
                io.kubeli.collector.Stream stream,
                long seq,
                byte[] pdu,
                int off,
                int len) {}

        @Override
        public void flush() {}

        @Override
        public SinkStats stats() {
            return SinkStats.ZERO;
        }

        @Override
        public void close() {}
    }
}
