package io.kubeli.etsi.bench;

import io.kubeli.etsi.Direction;
import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.IpccTemplate;
import io.kubeli.etsi.Pdus;
import io.kubeli.etsi.Profile;
import io.kubeli.etsi.ReferenceEncoder;
import io.kubeli.etsi.TimestampFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** IPCC records encoded per second on one thread: fast template path (heap and native packet) vs reference. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IpccEncodeBenchmark {
    @Param({"GENERALIZED", "MICROSECONDS"})
    public TimestampFormat format;

    @Param({"100"})
    public int packetSize;

    private IpccTemplate template;
    private HeaderParams params;
    private byte[] packet;
    private MemorySegment nativePacket;
    private Arena arena;
    private byte[] out;
    private long seq;
    private long nanos = 1_795_608_000_000_000_000L;

    @Setup(Level.Trial)
    public void setup() {
        params = new HeaderParams(Profile.LATEST, "LIID-0001", "GB", "OPERATOR1", "NE-01", 42L, "GB", format, "ip01");
        template = IpccTemplate.of(params);
        packet = new byte[packetSize];
        for (int i = 0; i < packet.length; i++) packet[i] = (byte) (i * 31);
        packet[0] = 0x45;
        arena = Arena.ofShared();
        nativePacket = arena.allocate(packetSize);
        MemorySegment.copy(packet, 0, nativePacket, ValueLayout.JAVA_BYTE, 0, packetSize);
        out = new byte[template.maxEncodedLength(packetSize)];
    }

    @TearDown(Level.Trial)
    public void close() {
        arena.close();
    }

    @Benchmark
    public int fastHeapPacket() {
        nanos += 1_234_567;
        return template.encode(out, 0, (seq++) & 0xFFFF_FFFFL, nanos, Direction.FROM_TARGET, packet, 0, packetSize);
    }

    @Benchmark
    public int fastNativePacket() {
        nanos += 1_234_567;
        return template.encode(out, 0, (seq++) & 0xFFFF_FFFFL, nanos, Direction.TO_TARGET, nativePacket, 0, packetSize);
    }

    @Benchmark
    public byte[] reference() {
        nanos += 1_234_567;
        return ReferenceEncoder.encode(Pdus.ipcc(params, (seq++) & 0xFFFF_FFFFL, nanos, Direction.FROM_TARGET, packet));
    }
}
