package io.kubeli.capture.bench;

import io.kubeli.capture.CaptureFiles;
import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.Frames;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * pcapfile: read rate through the full source (mapping, batches, capture thread), in packets/s:
 * each operation is one packet; the consumer touches the first bytes of every packet.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PcapFileReadBenchmark {
    private static final int PACKETS = 200_000;
    private static final int LOOPS = 10;

    @Param({"64", "imix"})
    public String sizes;

    @Param({"pcap", "pcapng"})
    public String format;

    private Path file;
    private long sink;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Random r = new Random(3);
        List<CaptureFiles.Rec> recs = new ArrayList<>(PACKETS);
        byte[][] protos = {
            pad(Frames.frame(false, false, -1, 1, 2, 1000, 53, 18, 0), 64),
            pad(Frames.frame(false, true, -1, 1, 2, 1000, 80, 550, 0), 594),
            pad(Frames.frame(false, true, -1, 1, 2, 1000, 80, 1460, 0), 1518),
        };
        for (int i = 0; i < PACKETS; i++) {
            byte[] f;
            if (sizes.equals("64")) {
                f = protos[0];
            } else {
                int k = r.nextInt(12); // IMIX 7:4:1
                f = protos[k < 7 ? 0 : k < 11 ? 1 : 2];
            }
            recs.add(new CaptureFiles.Rec(1_700_000_000_000_000_000L + i * 1000L, f));
        }
        byte[] content = format.equals("pcap")
                ? CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, true, 1, recs)
                : CaptureFiles.pcapng(ByteOrder.LITTLE_ENDIAN, List.of(new CaptureFiles.Iface(1, 9)), recs);
        file = Files.createTempFile("kcap-bench", "." + format);
        Files.write(file, content);
    }

    private static byte[] pad(byte[] f, int len) {
        return java.util.Arrays.copyOf(f, Math.max(len, f.length));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        Files.deleteIfExists(file);
    }

    /** Reference: C libpcap pcap_next_ex over the same file (classic pcap only; pcapng via libpcap too). */
    @Benchmark
    @OperationsPerInvocation(PACKETS * LOOPS)
    public long libpcapNextEx() throws Throwable {
        long n = 0;
        for (int i = 0; i < LOOPS; i++) {
            n += LibpcapReader.read(file.toString());
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS * LOOPS)
    public long readFile() throws Exception {
        long[] acc = new long[1];
        try (CaptureSource s =
                CaptureSources.open("pcapfile:" + file + "?loop=" + LOOPS + "&batch=512", CaptureOptions.defaults())) {
            s.start(i -> new PacketConsumer() {
                @Override
                public void onBatch(PacketBatch b) {
                    long x = 0;
                    var seg = b.segment();
                    for (int k = 0; k < b.size(); k++) {
                        x += seg.get(ValueLayout.JAVA_BYTE, b.offset(k) + 12) + b.wireLength(k) + b.timestampNanos(k);
                    }
                    acc[0] += x;
                }
            });
            s.awaitEnd(Duration.ofMinutes(5));
            if (s.stats().packets() == 0) {
                throw new IllegalStateException("nothing read");
            }
        }
        sink += acc[0];
        return sink;
    }
}
