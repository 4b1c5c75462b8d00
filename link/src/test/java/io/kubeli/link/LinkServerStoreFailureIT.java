package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contract C5 at the link: a failing store is not acknowledged, the connection pauses and retries, the collector keeps spooling. */
class LinkServerStoreFailureIT {
    @TempDir
    Path tmp;

    /** A sink that fails like a full disk while {@code failing} is set. */
    static final class FailingSink implements RecordSink {
        final MemorySink inner = new MemorySink();
        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public long highestStored(String collectorId) {
            return inner.highestStored(collectorId);
        }

        @Override
        public void store(String collectorId, long first, List<LinkRecord> batch)
                throws IOException, BackPressureException {
            if (failing.get()) {
                throw new IOException("No space left on device");
            }
            inner.store(collectorId, first, batch);
        }
    }

    @Test
    void aFailingStoreIsRetriedWithoutAcknowledging() throws Exception {
        FailingSink sink = new FailingSink();
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink);
                LinkClient c = LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("s"), TlsConfig.none())
                        .withQueueCapacity(1024))) {
            for (int i = 0; i < 2000; i++) {
                assertTrue(c.offer(TestData.record(i, 150)));
            }
            assertTrue(c.flush(Duration.ofSeconds(30)));
            sink.failing.set(true);
            for (int i = 2000; i < 12_000; i++) {
                assertTrue(c.offer(TestData.record(i, 150)));
            }
            assertTrue(
                    TestData.await(Duration.ofSeconds(20), () -> server.stats().storeFailing() == 1));
            long acked = c.stats().acked();
            Thread.sleep(1500);
            assertEquals(2000, acked, "nothing acknowledged while the store fails");
            assertEquals(2000, c.stats().acked());
            assertTrue(server.stats().storeErrors() >= 2, "retried");
            assertEquals(0, c.stats().reconnects(), "the connection stays open (paused)");
            assertTrue(c.stats().spooled() > 0, () -> "the collector spools: " + c.stats());
            sink.failing.set(false); // space returns
            assertTrue(c.flush(Duration.ofSeconds(60)), () -> c.stats().toString());
            assertEquals(0, server.stats().storeFailing());
            assertEquals(12_000, sink.inner.count("c1"));
            assertEquals(List.of(), sink.inner.violations());
            assertEquals(0, c.stats().lost());
        }
    }
}
