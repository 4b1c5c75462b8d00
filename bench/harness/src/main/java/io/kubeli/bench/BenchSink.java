package io.kubeli.bench;

import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.PduInspector;
import io.kubeli.etsi.PduInspector.PayloadKind;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.etsi.Pdus;
import io.kubeli.etsi.Profile;
import io.kubeli.etsi.ReferenceEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The minimal agency of the end-to-end benchmark, like a LEMF front end: reads HI2/HI3, answers keep-alives, counts
 * records and checks that each (LIID, CIN, stream) continues its sequence numbers with no gap and no repeat. It
 * records nothing, so the benchmark measures KubeLI ({@link BenchLea} measures the project's test LEA receiver).
 *
 * <p>Same stdin/stdout protocol as {@link BenchLea}: {@code LISTENING hi2 hi3}, {@code expect N IDLE_MS} gives one
 * {@code RESULT ...} line, {@code exit} ends.
 */
public final class BenchSink {
    private static final long POLL_NANOS = 2_000_000;

    final AtomicLong cc = new AtomicLong(), iri = new AtomicLong(), duplicates = new AtomicLong(),
            missing = new AtomicLong(), connections = new AtomicLong(), malformed = new AtomicLong();
    private volatile long firstEpochNanos = -1, lastEpochNanos = -1;

    /** Next expected sequence number of one stream; a connection owns its streams (C4: one stream, one connection). */
    static final class Stream {
        long next = -1;
        long unique;
    }

    private record Key(String liid, long cin, boolean cc) {}

    /** The stream last seen on one connection: records of one stream usually arrive back to back (compared in place). */
    private static final class Last {
        byte[] liid = new byte[0];
        long cin = -1;
        boolean cc;
        Stream stream;
    }

    private final Map<Key, Stream> streams = new HashMap<>();

    public static void main(String[] args) throws Exception {
        BenchSink sink = new BenchSink();
        ServerSocket hi2 = listen(), hi3 = listen();
        for (ServerSocket s : new ServerSocket[] {hi2, hi3}) {
            Thread.ofPlatform().name("sink-accept").daemon().start(() -> sink.accept(s));
        }
        Thread.ofPlatform().name("sink-poll").daemon().start(sink::poll);
        System.out.println("LISTENING " + hi2.getLocalPort() + " " + hi3.getLocalPort());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("expect") && w.length == 3) {
                System.out.println(sink.awaitResult(Long.parseLong(w[1]), Long.parseLong(w[2])));
                System.out.flush();
            } else if (w[0].equals("exit")) {
                break;
            }
        }
        System.exit(0);
    }

    private static ServerSocket listen() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress("127.0.0.1", 0), 16);
        return s;
    }

    private void accept(ServerSocket server) {
        while (true) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread.ofPlatform().name("sink-conn").daemon().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    // one connection: every PDU framed and read in place by etsi (DecodeLimits.DEFAULT); malformed input ends it, counted
    void serve(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            PduInspector v = new PduInspector(DecodeLimits.DEFAULT);
            Last last = new Last();
            PduStreamSplitter split = new PduStreamSplitter(DecodeLimits.DEFAULT, v, (b, off, len, at) -> {
                if (v.kind() == PayloadKind.CC || v.kind() == PayloadKind.IRI) {
                    boolean isCc = v.kind() == PayloadKind.CC;
                    int lo = v.liidOffset(), ll = v.liidLength();
                    if (last.stream == null || last.cin != v.cin() || last.cc != isCc
                            || !Arrays.equals(last.liid, 0, last.liid.length, b, lo, lo + ll)) {
                        last.liid = Arrays.copyOfRange(b, lo, lo + ll);
                        last.cin = v.cin();
                        last.cc = isCc;
                        synchronized (streams) {
                            last.stream = streams.computeIfAbsent(new Key(v.liid(), v.cin(), isCc), x -> new Stream());
                        }
                    }
                    check(last.stream, v.sequenceNumber());
                    (isCc ? cc : iri).incrementAndGet();
                } else if (v.isKeepAlive()) {
                    try {
                        out.write(ReferenceEncoder.encode(Pdus.keepAliveResponse(Profile.LATEST, v.liid(), "KUBELI-BENCH", v.sequenceNumber(), Instant.now())));
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) split.feed(buf, 0, n);   // until the mediator closes
        } catch (MalformedPduException e) {
            malformed.incrementAndGet();
        } catch (IOException | UncheckedIOException e) {
            // connection ended
        }
    }

    // a stream arrives on one connection in order: anything but next is a gap (counted) or a repeat
    void check(Stream st, long seq) {
        synchronized (st) {
            if (st.next < 0 || seq == st.next) {
                st.unique++;
                st.next = seq + 1;
            } else if (seq > st.next) {
                missing.addAndGet(seq - st.next);
                st.unique++;
                st.next = seq + 1;
            } else {
                duplicates.incrementAndGet();
            }
        }
    }

    // the rate starts at the first CC record: IRI-Begin records arrive while the collector is still starting
    private void poll() {
        long seen = 0;
        while (true) {
            long n = cc.get() + iri.get();
            if (n != seen) {
                long now = EpochNanos.now();
                if (firstEpochNanos < 0 && cc.get() > 0) firstEpochNanos = now;
                lastEpochNanos = now;
                seen = n;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private String awaitResult(long expected, long idleMillis) throws InterruptedException {
        long lastChange = System.nanoTime(), seen = -1;
        while (unique() < expected) {
            long n = cc.get() + iri.get();
            if (n != seen) {
                seen = n;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > idleMillis * 1_000_000) {
                break;
            }
            Thread.sleep(5);
        }
        Thread.sleep(20);   // lets the poller stamp the last arrival
        long ccUnique = 0, iriUnique = 0;
        synchronized (streams) {
            for (Map.Entry<Key, Stream> e : streams.entrySet()) {
                synchronized (e.getValue()) {
                    if (e.getKey().cc) ccUnique += e.getValue().unique;
                    else iriUnique += e.getValue().unique;
                }
            }
        }
        return "RESULT first=" + firstEpochNanos + " last=" + lastEpochNanos + " cc=" + ccUnique + " iri=" + iriUnique
                + " received=" + (cc.get() + iri.get()) + " duplicates=" + duplicates.get() + " missing=" + missing.get()
                + " connections=" + connections.get() + " malformed=" + malformed.get();
    }

    private long unique() {
        long u = 0;
        synchronized (streams) {
            for (Stream s : streams.values()) {
                synchronized (s) {
                    u += s.unique;
                }
            }
        }
        return u;
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
