package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/** Test records and configs. */
final class TestData {
    private TestData() {}

    /** A record with ETSI sequence {@code seq} and a deterministic {@code size}-byte PDU. */
    static LinkRecord record(long seq, int size) {
        byte[] pdu = new byte[size];
        new Random(seq).nextBytes(pdu);
        return new LinkRecord(
                "ns/intercept-1", "agency-a", "LIID-0001", 7, seq % 3 == 0 ? StreamType.IRI : StreamType.CC, seq, pdu);
    }

    static LinkClientConfig client(int port, String id, Path spool, TlsConfig tls) {
        return LinkClientConfig.of("localhost", port, id, tls, spool)
                .withReconnect(Duration.ofMillis(20), Duration.ofMillis(200))
                .withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(5))
                .withCloseTimeout(Duration.ofSeconds(2))
                .withSpoolMaxBytes(64L << 20)
                .withSpoolFsync(FsyncPolicy.grouped(1000, Duration.ofMillis(5)));
    }

    static LinkServerConfig server(int port, TlsConfig tls) {
        return LinkServerConfig.of(port, tls)
                .withBindAddress("127.0.0.1")
                .withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(5));
    }

    /** A paced client "c1" with a 100-record queue, started and connected to {@code port}. */
    static LinkClient pacedClient(int port, Path spool) throws Exception {
        LinkClient c =
                LinkClient.start(client(port, "c1", spool, TlsConfig.none()).withQueueCapacity(100));
        try {
            c.pace(true);
            assertTrue(await(Duration.ofSeconds(10), () -> c.stats().connected()));
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /** Polls {@code cond} every 10 ms up to {@code timeout}. */
    static boolean await(Duration timeout, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return cond.getAsBoolean();
    }

    /** Offers records {@code from} until {@code to} (150 bytes each); every offer must be taken. */
    static void offerAll(LinkClient c, long from, long to) {
        for (long i = from; i < to; i++) {
            assertTrue(c.offer(record(i, 150)), "offer " + i);
        }
    }

    /** The sink holds exactly records 0..n-1 of {@link #offerAll} for {@code id}, in order, without violations. */
    static void assertExact(MemorySink sink, String id, int n) {
        assertEquals(List.of(), sink.violations());
        assertEquals(n, sink.count(id));
        List<LinkRecord> got = sink.records.get(id);
        for (int i = 0; i < n; i++) {
            assertEquals(i, got.get(i).sequence());
        }
        assertEquals(record(n - 1, 150), got.get(n - 1));
    }
}
