package io.kubeli.collector.bench;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.Target;
import io.kubeli.capture.LinkTypes;
import io.kubeli.collector.CaptureWorker;
import io.kubeli.collector.CollectorPipeline;
import io.kubeli.collector.InterceptManager;
import io.kubeli.collector.RadiusTap;
import io.kubeli.collector.ResourceSet;
import io.kubeli.collector.SipIntercepts;
import io.kubeli.collector.SipTap;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SIP call setups per second on one capture thread: a target call's INVITE (SDP), 180, 200 (SDP), ACK, BYE and 200
 * through CaptureWorker.process (parse, call tracking, table rebuilds, IPMMIRI encoding into a null sink), and the
 * same six messages of a non-target call (parse and identity check only). {@code activeCalls} target calls stay up
 * meanwhile, each with its own media address (198.18.1xx.1yy).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SipCallBenchmark {
    private CaptureWorker worker;
    private CollectorPipeline pipeline;
    private SipIntercepts calls;
    private byte[][] target;
    private byte[][] other;
    private int[][] idAt;
    private long ts;
    private int n;

    /** Target calls up (answered, media in the table) during the measurement. */
    @org.openjdk.jmh.annotations.Param({"0", "1000", "10000"})
    public int activeCalls;

    @Setup(Level.Trial)
    public void setup() {
        long now = Instant.now().getEpochSecond();
        ts = now * 1_000_000_000L;
        Target t = new Target();
        t.setSipUri("sip:alice@example.org");
        Intercept icpt = CollectorBenchmark.intercept("sip", "LIID-SIP", List.of(t), now);
        Agency a = CollectorBenchmark.agency();
        pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), new CollectorBenchmark.NullSink());
        InterceptManager manager = new InterceptManager(pipeline, "NE1", Clock.systemUTC());
        boolean[] ports = RadiusTap.ports(List.of(5060));
        // the background calls must not time out: media timeout far beyond the run (ended calls still go after 32 s)
        calls = manager.enableSip(new SipIntercepts.Limits(1_000_000, Long.MAX_VALUE / 4), ports);
        pipeline.setSip(new SipTap(ports, calls, manager));
        manager.update(new ResourceSet(List.of(icpt), List.of(a), null));
        worker = pipeline.newWorker();
        target = call("alice");
        other = call("carol");
        byte[][] bg = call("alice");
        for (int i = 0; i < activeCalls; i++) {
            for (int k = 0; k < 4; k++) { // INVITE, 180, 200, ACK: up, no BYE
                byte[] f = bg[k];
                int at = indexOf(f);
                for (int d = 7, v = 90_000_000 + i; d >= 0; d--, v /= 10) {
                    f[at + d] = (byte) ('0' + v % 10);
                }
                if (k == 0) { // the target's (caller's) media address: one per call
                    patchAddress(f, 100 + i / 100, 100 + i % 100);
                }
                worker.process(pipeline.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, ++ts);
            }
        }
        if (calls.activeCalls() != activeCalls) {
            throw new IllegalStateException("background calls not up: " + calls.activeCalls());
        }
    }

    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 198.18.1.1\r\ns=-\r\nc=IN IP4 198.18.199.199\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\n";

    /** The six frames of a call; the Call-ID's 8 digits are patched per call. */
    private static byte[][] call(String caller) {
        String id = "00000000@bench";
        String from = "<sip:" + caller + "@example.org>;tag=a";
        String to = "<sip:bob@example.net>";
        String[] m = {
            "INVITE sip:bob@example.net SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: " + from + "\r\nTo: "
                    + to
                    + "\r\nCall-ID: " + id + "\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: "
                    + SDP.length() + "\r\n\r\n" + SDP,
            "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: " + from + "\r\nTo: " + to
                    + ";tag=b\r\nCall-ID: " + id + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: " + from + "\r\nTo: " + to
                    + ";tag=b\r\nCall-ID: " + id
                    + "\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: "
                    + SDP.length() + "\r\n\r\n" + SDP.replace("198.18.199.199", "198.18.222.222"),
            "ACK sip:bob@198.18.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nFrom: " + from + "\r\nTo: " + to
                    + ";tag=b\r\nCall-ID: " + id + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
            "BYE sip:bob@198.18.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK3\r\nFrom: " + from + "\r\nTo: " + to
                    + ";tag=b\r\nCall-ID: " + id + "\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n",
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK3\r\nFrom: " + from + "\r\nTo: " + to
                    + ";tag=b\r\nCall-ID: " + id + "\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n",
        };
        byte[][] f = new byte[m.length][];
        for (int i = 0; i < m.length; i++) {
            byte[] p = m[i].getBytes(StandardCharsets.US_ASCII);
            ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + p.length);
            b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
            b.put((byte) 0x45)
                    .put((byte) 0)
                    .putShort((short) (28 + p.length))
                    .putInt(0)
                    .put((byte) 64)
                    .put((byte) 17)
                    .putShort((short) 0)
                    .putInt(0xC6120101)
                    .putInt(0xC6120005);
            b.putShort((short) 5060)
                    .putShort((short) 5060)
                    .putShort((short) (8 + p.length))
                    .putShort((short) 0);
            b.put(p);
            f[i] = b.array();
        }
        return f;
    }

    private int run(byte[][] frames) {
        int c = n++;
        int q = 0;
        for (byte[] f : frames) {
            int at = indexOf(f);
            for (int d = 7, v = c; d >= 0; d--, v /= 10) {
                f[at + d] = (byte) ('0' + v % 10);
            }
            q += worker.process(pipeline.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, ++ts);
        }
        if ((c & 4095) == 0) {
            calls.tick(ts + 3_600_000_000_000L); // forget ended calls (their linger time is over)
        }
        return q;
    }

    /** Rewrites the SDP's c= address 198.18.199.199 (same length) to 198.18.a.b. */
    private static void patchAddress(byte[] f, int a, int b) {
        byte[] c = "c=IN IP4 198.18.".getBytes(StandardCharsets.US_ASCII);
        for (int i = 42; i + c.length + 7 <= f.length; i++) {
            if (java.util.Arrays.equals(f, i, i + c.length, c, 0, c.length)) {
                byte[] v = String.format("%03d.%03d", a, b).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(v, 0, f, i + c.length, v.length);
                return;
            }
        }
        throw new IllegalStateException();
    }

    private static int indexOf(byte[] f) {
        for (int i = 42; i + 6 < f.length; i++) {
            if (f[i] == '@' && f[i + 1] == 'b' && f[i + 2] == 'e' && f[i + 3] == 'n' && f[i + 4] == 'c') {
                return i - 8;
            }
        }
        throw new IllegalStateException();
    }

    /** One target call set up and torn down (6 messages, 6 IPMMIRI records). */
    @Benchmark
    public int targetCallSetup() {
        return run(target);
    }

    /** One non-target call's 6 messages (parsed, not followed). */
    @Benchmark
    public int nonTargetCall() {
        return run(other);
    }
}
