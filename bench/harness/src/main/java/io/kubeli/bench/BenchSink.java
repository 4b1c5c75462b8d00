package io.kubeli.bench;

import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.PduInspector;
import io.kubeli.etsi.PduInspector.PayloadKind;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.etsi.Pdus;
import io.kubeli.etsi.Profile;
import io.kubeli.etsi.ReferenceEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The minimal agency of the end-to-end benchmark, like a LEMF front end: reads HI2/HI3, answers keep-alives, counts
 * records and checks that each (LIID, CIN, stream) continues its sequence numbers with no gap and no repeat. It
 * records nothing, so the benchmark measures KubeLI ({@link BenchLea} measures the project's test LEA receiver).
 *
 * <p>Same stdin/stdout protocol as {@link BenchLea}: {@code LISTENING hi2 hi3}, {@code expect N IDLE_MS} gives one
 * {@code RESULT ...} line, {@code exit} ends.
 */
public final class BenchSink extends BenchAgency {
    final AtomicLong cc = new AtomicLong(),
            iri = new AtomicLong(),
            duplicates = new AtomicLong(),
            missing = new AtomicLong(),
            connections = new AtomicLong(),
            malformed = new AtomicLong();

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
        sink.serve(hi2.getLocalPort(), hi3.getLocalPort());
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

    // one connection: every PDU framed and read in place by etsi (DecodeLimits.DEFAULT); malformed input ends it,
    // counted
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
                    if (last.stream == null
                            || last.cin != v.cin()
                            || last.cc != isCc
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
                        out.write(ReferenceEncoder.encode(Pdus.keepAliveResponse(
                                Profile.LATEST, v.liid(), "KUBELI-BENCH", v.sequenceNumber(), Instant.now())));
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) split.feed(buf, 0, n); // until the mediator closes
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

    @Override
    long received() {
        return cc.get() + iri.get();
    }

    @Override
    long ccReceived() {
        return cc.get();
    }

    @Override
    String resultFields() {
        long ccUnique = 0, iriUnique = 0;
        synchronized (streams) {
            for (Map.Entry<Key, Stream> e : streams.entrySet()) {
                synchronized (e.getValue()) {
                    if (e.getKey().cc) ccUnique += e.getValue().unique;
                    else iriUnique += e.getValue().unique;
                }
            }
        }
        return "cc=" + ccUnique + " iri=" + iriUnique + " received=" + received() + " duplicates=" + duplicates.get()
                + " missing=" + missing.get() + " connections=" + connections.get() + " malformed=" + malformed.get();
    }

    @Override
    long unique() {
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
}
