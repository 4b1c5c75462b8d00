package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LinkClient#offerAll}: a burst under one lock keeps order, acknowledgement and loss accounting of single offers. */
class LinkOfferAllIT {
    @TempDir
    Path tmp;

    private static LinkRecord[] burst(long from, int n) {
        return burst(from, n, 120);
    }

    private static LinkRecord[] burst(long from, int n, int size) {
        LinkRecord[] b = new LinkRecord[n];
        for (int i = 0; i < n; i++) {
            b[i] = TestData.record(from + i, size);
        }
        return b;
    }

    @Test
    void burstsArriveInOrderAcrossQueueAndPacing() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink);
                LinkClient c = TestData.pacedClient(server.port(), tmp.resolve("s"))) {
            for (int k = 0; k < 100; k++) {
                assertEquals(64, c.offerAll(burst(k * 64L, 64), 64)); // bursts larger than what is left in the queue
            }
            assertTrue(c.flush(Duration.ofSeconds(60)), "drained: " + c.stats());
            assertEquals(List.of(), sink.violations());
            List<LinkRecord> got = sink.records.get("c1");
            assertEquals(6400, got.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i, got.get(i).sequence());
            }
            assertEquals(6400, c.stats().acked());
            assertEquals(0, c.stats().lost());
        }
    }

    @Test
    void aBurstThatOverflowsTheSpoolCountsEveryRecordItCouldNotKeep() throws Exception {
        int port;
        try (LinkServer probe = LinkServer.start(TestData.server(0, TlsConfig.none()), new MemorySink())) {
            port = probe.port(); // nobody listens: queue, then spool, then loss
        }
        try (LinkClient c = LinkClient.start(TestData.client(port, "c1", tmp.resolve("s"), TlsConfig.none())
                .withQueueCapacity(10)
                .withSpoolMaxBytes(1 << 20)
                .withCloseTimeout(Duration.ofMillis(10)))) {
            long first = c.stats().nextSeq();
            int kept = c.offerAll(burst(0, 3000, 1000), 3000); // 3 MB into a 1 MiB spool
            LinkClientStats s = c.stats();
            assertTrue(kept > 10 && kept < 3000, "kept " + kept);
            assertEquals(3000, s.offered());
            assertEquals(3000 - kept, s.lost(), "every record not kept is counted");
            assertEquals(kept - 10, s.spooled());
            assertEquals(first + kept, s.nextSeq(), "link numbering stays contiguous over what was kept");
        }
    }

    @Test
    void aClosedClientKeepsNothingAndCountsTheWholeBurst() throws Exception {
        int port;
        try (LinkServer probe = LinkServer.start(TestData.server(0, TlsConfig.none()), new MemorySink())) {
            port = probe.port();
        }
        LinkClient c = LinkClient.start(TestData.client(port, "c1", tmp.resolve("s"), TlsConfig.none())
                .withCloseTimeout(Duration.ofMillis(10)));
        c.close();
        assertEquals(0, c.offerAll(burst(0, 5), 5));
        assertEquals(5, c.stats().lost());
    }
}
