package io.kubeli.link.bench;

import io.kubeli.link.FsyncPolicy;
import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkClientConfig;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.LinkServer;
import io.kubeli.link.LinkServerConfig;
import io.kubeli.link.LogReader;
import io.kubeli.link.RecordSink;
import io.kubeli.link.SegmentLog;
import io.kubeli.link.SegmentLogConfig;
import io.kubeli.link.StreamType;
import io.kubeli.link.TestCerts;
import io.kubeli.link.TlsConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
 * Records/s through LinkClient -> loopback (plain or mTLS 1.3) -> LinkServer -> a sink appending to a SegmentLog
 * with the given fsync policy (acks only after the log says durable); 150-byte PDUs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class LinkThroughputBenchmark {
    static final int PER_INVOCATION = 200_000;

    @Param({"none", "mtls"})
    public String tls;

    @Param({"batch", "10ms"})
    public String fsync;

    private Path tmp;
    private SegmentLog log;
    private LinkServer server;
    private LinkClient client;
    private LinkRecord[] records;

    /** Sink: each record stored as linkSeq + LinkRecord in the log; returns once durable; consumption simulated. */
    static final class LogSink implements RecordSink {
        private final SegmentLog log;
        private final LogReader consumed;
        private volatile long highest = -1;

        LogSink(SegmentLog log) throws IOException {
            this.log = log;
            this.consumed = log.reader("bench");
        }

        @Override
        public long highestStored(String collectorId) {
            return highest;
        }

        @Override
        public void store(String collectorId, long first, List<LinkRecord> batch) throws IOException {
            long[] seq = {first};
            long last = log.appendAll(batch, new SegmentLog.Encoder<>() {
                @Override
                public int size(LinkRecord r) {
                    return 8 + r.encodedSize();
                }

                @Override
                public void write(LinkRecord r, ByteBuffer out) {
                    out.putLong(seq[0]++);
                    r.writeTo(out);
                }
            });
            try {
                if (!log.awaitDurable(last, Duration.ofSeconds(30))) {
                    throw new IOException("not durable in time");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            highest = first + batch.size() - 1;
            synchronized (consumed) {
                consumed.commit(last + 1); // pretend the handover consumed it so segments get deleted
            }
        }
    }

    @Setup(Level.Trial)
    public void setup() throws Exception {
        tmp = Files.createTempDirectory("link-bench");
        TlsConfig serverTls = TlsConfig.none();
        TlsConfig clientTls = TlsConfig.none();
        if (tls.equals("mtls")) {
            TestCerts ca = new TestCerts("bench-ca");
            serverTls = TlsConfig.fromDirectory(ca.issue(tmp.resolve("server"), "mediator"));
            clientTls = TlsConfig.fromDirectory(ca.issueCollector(tmp.resolve("client"), "bench-1"));
        }
        log = SegmentLog.open(SegmentLogConfig.of(tmp.resolve("log"))
                .withSegmentBytes(64 << 20)
                .withMaxBytes(4L << 30)
                .withFsync(FsyncPolicy.parse(fsync)));
        server = LinkServer.start(LinkServerConfig.of(0, serverTls).withBindAddress("127.0.0.1"), new LogSink(log));
        client = LinkClient.start(
                LinkClientConfig.of("localhost", server.port(), "bench-1", clientTls, tmp.resolve("spool"))
                        .withQueueCapacity(262_144)
                        .withBatch(4096, Duration.ofMillis(1)));
        records = new LinkRecord[1024];
        for (int i = 0; i < records.length; i++) {
            byte[] pdu = new byte[150];
            java.util.Arrays.fill(pdu, (byte) i);
            records[i] = new LinkRecord(
                    "ns/intercept-" + (i % 4),
                    "agency-a",
                    "LIID-" + (i % 4),
                    i % 4,
                    i % 8 == 0 ? StreamType.IRI : StreamType.CC,
                    i,
                    pdu);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PER_INVOCATION)
    public long offerAndAck() throws Exception {
        for (int i = 0; i < PER_INVOCATION; i++) {
            client.offer(records[i & 1023]);
        }
        if (!client.flush(Duration.ofSeconds(60))) {
            throw new IllegalStateException("not acknowledged: " + client.stats());
        }
        return client.stats().acked();
    }

    private long cpuAtStart;
    private long ackedAtStart;
    private long wallAtStart;

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Setup(Level.Iteration)
    public void iterationStart() {
        cpuAtStart = processCpuNanos();
        ackedAtStart = client.stats().acked();
        wallAtStart = System.nanoTime();
    }

    /** Prints the process CPU per record (client + server + log in one JVM): robust against other load on the host. */
    @TearDown(Level.Iteration)
    public void iterationEnd() {
        long n = client.stats().acked() - ackedAtStart;
        double cpu = processCpuNanos() - cpuAtStart;
        double wall = System.nanoTime() - wallAtStart;
        System.out.printf("%n[cpu] %.0f ns CPU per record, %.2f cores busy, %d records%n", cpu / n, cpu / wall, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        System.out.println("\nclient " + client.stats() + "\nserver " + server.stats() + "\nlog " + log.stats());
        client.close();
        server.close();
        log.close();
        try (var s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
