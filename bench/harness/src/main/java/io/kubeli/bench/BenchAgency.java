package io.kubeli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * What the end-to-end benchmark's agencies ({@link BenchSink}, {@link BenchLea}) share: the stdin/stdout protocol
 * (prints {@code LISTENING hi2 hi3}; on {@code expect N IDLE_MS} waits until N unique records arrived or none arrived
 * for IDLE_MS, then prints one {@code RESULT first=... last=... ...} line; ends on {@code exit} or end of input) and
 * the times of the first CC record and the last record, polled every 2 ms (an error of at most 2 ms).
 */
abstract class BenchAgency {
    private static final long POLL_NANOS = 2_000_000;
    private volatile long firstEpochNanos = -1, lastEpochNanos = -1;

    /** CC and IRI records received so far, repeats included. */
    abstract long received();

    /** CC records received so far. */
    abstract long ccReceived();

    /** Records received once (per stream and sequence number). */
    abstract long unique();

    /** The RESULT line's fields after first and last ({@code key=value} separated by spaces). */
    abstract String resultFields();

    /** Answers the protocol on stdin/stdout until {@code exit} or end of input (the poller runs meanwhile). */
    final void serve(int hi2Port, int hi3Port) throws IOException, InterruptedException {
        Thread.ofPlatform().name("bench-agency-poll").daemon().start(this::poll);
        System.out.println("LISTENING " + hi2Port + " " + hi3Port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("expect") && w.length == 3) {
                System.out.println(awaitResult(Long.parseLong(w[1]), Long.parseLong(w[2])));
                System.out.flush();
            } else if (w[0].equals("exit")) {
                break;
            }
        }
    }

    // the rate starts at the first CC record: IRI-Begin records arrive while the collector is still starting
    private void poll() {
        long seen = 0;
        while (true) {
            long n = received();
            if (n != seen) {
                long now = EpochNanos.now();
                if (firstEpochNanos < 0 && ccReceived() > 0) firstEpochNanos = now;
                lastEpochNanos = now;
                seen = n;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private String awaitResult(long expected, long idleMillis) throws InterruptedException {
        long lastChange = System.nanoTime(), seen = -1;
        while (unique() < expected) {
            long n = received();
            if (n != seen) {
                seen = n;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > idleMillis * 1_000_000) {
                break;
            }
            Thread.sleep(5);
        }
        Thread.sleep(20); // lets the poller stamp the last arrival
        return "RESULT first=" + firstEpochNanos + " last=" + lastEpochNanos + " " + resultFields();
    }

    /** Wall-clock time in epoch nanoseconds (comparable across the benchmark's processes). */
    static final class EpochNanos {
        private EpochNanos() {}

        static long now() {
            Instant t = Instant.now();
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        }
    }
}
