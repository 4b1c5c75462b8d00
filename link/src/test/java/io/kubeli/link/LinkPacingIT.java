package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A paced client (file sources) waits for queue room while connected instead of spooling; it never waits unbounded. */
class LinkPacingIT {
    @TempDir
    Path tmp;

    @Test
    void pacedClientKeepsRecordsOffDiskWhileConnected() throws Exception {
        MemorySink sink = new MemorySink();
        sink.afterStore = () -> sleep(1); // a store slower than the offering thread: the small queue fills at once
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink);
                LinkClient c = TestData.pacedClient(server.port(), tmp.resolve("s"))) {
            TestData.offerAll(c, 0, 20_000);
            assertTrue(c.flush(Duration.ofSeconds(60)), "drained: " + c.stats());
            TestData.assertExact(sink, "c1", 20_000);
            assertEquals(0, c.stats().spooled(), "nothing went through the disk spool");
            assertEquals(0, c.stats().lost());
        }
    }

    @Test
    void pacedClientWithoutMediatorSpoolsAtOnce() throws Exception {
        int port;
        try (LinkServer probe = LinkServer.start(TestData.server(0, TlsConfig.none()), new MemorySink())) {
            port = probe.port(); // closed again: nobody listens
        }
        try (LinkClient c = LinkClient.start(TestData.client(port, "c1", tmp.resolve("s"), TlsConfig.none())
                .withQueueCapacity(100)
                .withCloseTimeout(Duration.ofMillis(10)))) {
            c.pace(true);
            TestData.offerAll(c, 0, 5_000); // would take 4,900 s if a disconnected client waited for room
            assertEquals(4_900, c.stats().spooled());
            assertEquals(0, c.stats().lost());
        }
    }

    @Test
    void pacedClientSpoolsWhenTheMediatorPushesBack() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink);
                LinkClient c = TestData.pacedClient(server.port(), tmp.resolve("s"))) {
            sink.full.set(true); // connected, but nothing is acknowledged: one bounded wait, then the spool
            TestData.offerAll(c, 0, 5_000);
            assertTrue(c.stats().spooled() > 0, "spooled while the mediator refused: " + c.stats());
            sink.full.set(false);
            assertTrue(c.flush(Duration.ofSeconds(60)), "drained: " + c.stats());
            TestData.assertExact(sink, "c1", 5_000);
            assertEquals(0, c.stats().lost());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
