package io.kubeli.bench;

import io.kubeli.cli.Cli;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import io.kubeli.mediator.lea.Summary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The agency of the end-to-end benchmark: the project's {@link LeaReceiver} in its own process, plus the times of
 * the first CC record and the last record (polled every 2 ms), which the summary does not carry.
 *
 * <p>Protocol on stdin/stdout: prints {@code LISTENING hi2 hi3}; on the line {@code expect N IDLE_MS} waits until N
 * unique records arrived or none arrived for IDLE_MS, then prints one {@code RESULT key=value...} line; exits on
 * {@code exit} or end of input.
 */
public final class BenchLea {
    private static final long POLL_NANOS = 2_000_000;

    private final LeaReceiver receiver;
    private volatile long firstEpochNanos = -1, lastEpochNanos = -1, lastCount;

    private BenchLea(LeaReceiver receiver) {
        this.receiver = receiver;
    }

    /** The command line as declared (picocli). */
    @Command(name = "bench-lea", description = {"", "The end-to-end benchmark's agency (driven over stdin/stdout by bench/run).", ""},
            optionListHeading = "Options:%n")
    static final class Options {
        @Option(names = "--tls-dir", paramLabel = "DIR", description = "serve TLS with DIR/tls.crt + DIR/tls.key [default: plain]")
        String tlsDir;
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        Integer exit = Cli.parseOrExit(o, args, System.out, System.err);
        if (exit != null) {
            System.exit(exit);
            return;
        }
        LeaOptions opts = LeaOptions.defaults();
        if (o.tlsDir != null) opts = opts.withTlsDir(Path.of(o.tlsDir));
        LeaReceiver r = new LeaReceiver(opts);
        r.start();
        BenchLea lea = new BenchLea(r);
        Thread.ofPlatform().name("bench-lea-poll").daemon().start(lea::poll);
        System.out.println("LISTENING " + r.hi2Port() + " " + r.hi3Port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("expect") && w.length == 3) {
                System.out.println(lea.awaitResult(Long.parseLong(w[1]), Long.parseLong(w[2])));
                System.out.flush();
            } else if (w[0].equals("exit")) {
                break;
            }
        }
        r.stop();
    }

    // records arrive at most ~1/µs; a 2 ms poll bounds the error of first/last to 2 ms
    private void poll() {
        while (true) {
            Summary s = receiver.summary();
            long n = records(s);
            if (n != lastCount) {
                long now = epochNanos();
                // the rate starts at the first CC record: IRI-Begin records arrive while the collector is still starting
                if (firstEpochNanos < 0 && s.hi3Records() > 0) firstEpochNanos = now;
                lastEpochNanos = now;
                lastCount = n;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static long records(Summary s) {
        return s.hi2Records() + s.hi3Records();
    }

    private String awaitResult(long expected, long idleMillis) throws InterruptedException {
        long lastChange = System.nanoTime(), seen = -1;
        while (true) {
            Summary s = receiver.summary();
            if (s.uniqueRecords() >= expected) break;
            long n = records(s);
            if (n != seen) {
                seen = n;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > idleMillis * 1_000_000) {
                break;
            }
            Thread.sleep(5);
        }
        Thread.sleep(20);   // lets the poller stamp the last arrival
        Summary s = receiver.summary();
        long ccUnique = 0, iriUnique = 0, ccStreams = 0;
        for (Summary.Stream st : s.streams()) {
            if (st.stream().equals("CC")) {
                ccUnique += st.unique();
                ccStreams++;
            } else {
                iriUnique += st.unique();
            }
        }
        return "RESULT first=" + firstEpochNanos + " last=" + lastEpochNanos + " cc=" + ccUnique + " iri=" + iriUnique
                + " ccStreams=" + ccStreams + " received=" + records(s) + " duplicates=" + s.duplicates()
                + " missing=" + s.missing() + " connections=" + s.connections() + " malformed=" + s.malformedConnections();
    }

    private static long epochNanos() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
