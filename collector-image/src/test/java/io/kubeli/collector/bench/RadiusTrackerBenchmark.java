package io.kubeli.collector.bench;

import io.kubeli.collector.radius.RadiusMessage;
import io.kubeli.collector.radius.RadiusParser;
import io.kubeli.collector.radius.RadiusTracker;
import io.kubeli.collector.radius.Session;
import io.kubeli.collector.radius.SessionListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * RADIUS packets per second one thread's tracker sustains (parse + session table) with {@code sessions} sessions
 * tracked: Interim-Updates of random sessions, and Start/Stop churn. Setup prints the heap the table uses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class RadiusTrackerBenchmark {
    static final int PACKETS = 4096;

    @Param({"1000000"})
    public int sessions;

    private RadiusTracker tracker;
    private final RadiusMessage m = new RadiusMessage();
    private byte[][] interims;
    private byte[][] churn;
    private long ts = 1_700_000_000_000_000_000L;
    private static final SessionListener NONE = new SessionListener() {
        @Override
        public void started(Session s, boolean atStart, long t) {}

        @Override
        public void updated(Session s, boolean a, boolean i, long t) {}

        @Override
        public void ended(Session s, EndCause c, long t) {}
    };

    static byte[] acct(int id, int status, String user, String session, int framed, long octets) {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        attr(a, 40, int32(status));
        attr(a, 1, user.getBytes(StandardCharsets.US_ASCII));
        attr(a, 44, session.getBytes(StandardCharsets.US_ASCII));
        attr(a, 4, int32(0xC6120001));
        attr(a, 8, int32(framed));
        attr(a, 42, int32((int) octets));
        attr(a, 43, int32((int) (octets * 3)));
        attr(a, 31, ("02-00-00-" + Integer.toHexString(framed)).getBytes(StandardCharsets.US_ASCII));
        byte[] body = a.toByteArray();
        byte[] p = new byte[20 + body.length];
        p[0] = 4;
        p[1] = (byte) id;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        System.arraycopy(body, 0, p, 20, body.length);
        return p;
    }

    private static void attr(ByteArrayOutputStream a, int type, byte[] v) {
        a.write(type);
        a.write(v.length + 2);
        a.writeBytes(v);
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    @Setup(Level.Trial)
    public void setup() {
        System.gc();
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        tracker = new RadiusTracker(new RadiusTracker.Limits(sessions * 2, 3_600_000_000_000L));
        for (int i = 0; i < sessions; i++) {
            feed(acct(
                    i & 0xFF, RadiusMessage.STATUS_START, "user" + i + "@isp.example", "sess-" + i, 0x0A000000 + i, 0));
        }
        System.gc();
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        System.out.printf(
                "%n%d sessions tracked: %.1f MiB of heap (%.0f bytes/session)%n",
                tracker.size(), (after - before) / 1048576.0, (after - before) / (double) tracker.size());
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kubeli-radius-bench");
            io.kubeli.collector.radius.SessionStore store =
                    new io.kubeli.collector.radius.SessionStore(dir.resolve("s"));
            long t0 = System.nanoTime();
            byte[] snap = store.snapshot(tracker);
            long t1 = System.nanoTime();
            store.write(snap);
            long t2 = System.nanoTime();
            RadiusTracker loaded = new RadiusTracker(new RadiusTracker.Limits(sessions * 2, 3_600_000_000_000L));
            int n = store.load(loaded);
            long t3 = System.nanoTime();
            System.out.printf(
                    "save %d sessions: snapshot (under the lock) %d ms, write+fsync %d ms (%d MiB);"
                            + " restore %d ms%n",
                    n, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, snap.length >> 20, (t3 - t2) / 1_000_000);
            java.nio.file.Files.delete(dir.resolve("s"));
            java.nio.file.Files.delete(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Random r = new Random(3);
        interims = new byte[PACKETS][];
        churn = new byte[PACKETS][];
        for (int i = 0; i < PACKETS; i++) {
            int s = r.nextInt(sessions);
            interims[i] = acct(
                    i & 0xFF,
                    RadiusMessage.STATUS_INTERIM,
                    "user" + s + "@isp.example",
                    "sess-" + s,
                    0x0A000000 + s,
                    1000L * i);
            int c = i / 2;
            churn[i] = acct(
                    i & 0xFF,
                    i % 2 == 0 ? RadiusMessage.STATUS_START : RadiusMessage.STATUS_STOP,
                    "churn" + c + "@isp.example",
                    "churn-" + c,
                    0x0B000000 + c,
                    0);
        }
    }

    private void feed(byte[] p) {
        if (RadiusParser.parse(p, 0, p.length, m) != RadiusParser.Result.OK) {
            throw new IllegalStateException("bad benchmark packet");
        }
        tracker.handle(m, 4, 0, 0xC6120001L, 40000, ts++, NONE);
    }

    /** Interim-Update of a random tracked session (the steady state of an access network). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public int interimUpdate() {
        for (byte[] p : interims) {
            feed(p);
        }
        return tracker.size();
    }

    /** Start then Stop of sessions (log-ons and log-offs): a new session object per pair. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public int startStop() {
        for (byte[] p : churn) {
            feed(p);
        }
        return tracker.size();
    }
}
