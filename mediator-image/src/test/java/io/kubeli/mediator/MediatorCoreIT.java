package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.config.FileResources;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.ingest.BufferFullException;
import io.kubeli.mediator.ingest.IncomingRecord;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mediator core in-process (no link): routing, holding unknown intercepts, output modes, restart, back-pressure. */
public class MediatorCoreIT {
    @TempDir
    Path tmp;

    LeaReceiver lea;
    Path config;
    final List<AutoCloseable> closeMe = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        lea = new LeaReceiver(LeaOptions.defaults().withRecordDir(tmp.resolve("lea")));
        lea.start();
        config = Files.createDirectories(tmp.resolve("config"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeMe.reversed()) c.close();
        lea.stop();
    }

    Mediator mediator(ResourceCatalog catalog, long bufferBytes) throws Exception {
        return mediator(catalog, bufferBytes, FsyncPolicy.none());
    }

    Mediator mediator(ResourceCatalog catalog, long bufferBytes, FsyncPolicy fsync) throws Exception {
        return mediator(catalog, bufferBytes, 64 << 10, fsync);
    }

    Mediator mediator(ResourceCatalog catalog, long bufferBytes, long segmentBytes, FsyncPolicy fsync)
            throws Exception {
        MediatorSettings s = new MediatorSettings(
                config,
                false,
                null,
                0,
                tmp.resolve("data"),
                null,
                true,
                null,
                -1,
                "m1",
                bufferBytes,
                segmentBytes,
                fsync,
                10,
                0);
        Mediator m = new Mediator(s, catalog, ref -> {
            throw new IllegalStateException("no TLS in this test");
        });
        m.start();
        closeMe.add(m);
        return m;
    }

    /** Intercept ic-a of agency-a (at the test LEA) in output mode {@code mode}, loaded and watched from the config dir. */
    ResourceCatalog configured(String mode) throws Exception {
        Files.writeString(
                config.resolve("a.yaml"), MediatorRig.yaml("ic-a", "LIID-A", mode, lea.hi2Port(), lea.hi3Port()));
        ResourceCatalog catalog = new ResourceCatalog();
        files(catalog);
        return catalog;
    }

    FileResources files(ResourceCatalog catalog) throws Exception {
        FileResources f = new FileResources(config, catalog);
        f.load();
        f.watch();
        closeMe.add(f);
        return f;
    }

    static List<IncomingRecord> batch(String intercept, boolean cc, int from, int n, List<byte[]> sent) {
        return batch(intercept, cc, from, n, sent, from);
    }

    /** Records seq from..from+n-1 with link sequence numbers linkBase.. (one link sequence per collector). */
    static List<IncomingRecord> batch(String intercept, boolean cc, int from, int n, List<byte[]> sent, long linkBase) {
        List<IncomingRecord> b = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            byte[] pdu = cc ? TestPdus.cc("LIID-A", 1, i, 150) : TestPdus.iri("LIID-A", 1, i, 150);
            if (sent != null) sent.add(pdu);
            b.add(new IncomingRecord("coll-1", linkBase + i - from, intercept, "agency-a", cc, pdu));
        }
        return b;
    }

    @Test
    void unknownInterceptIsHeldThenRoutedInOrderWhenItAppears() throws Exception {
        ResourceCatalog catalog = new ResourceCatalog();
        files(catalog);
        Mediator m = mediator(catalog, 8 << 20);
        List<byte[]> sent = new ArrayList<>();
        for (int k = 0; k < 5; k++) m.ingest().store(batch("ic-a", true, k * 100, 100, sent));
        assertEquals(500, m.ingest().heldRecords(), "held, not dropped");
        Thread.sleep(300);
        assertEquals(0, lea.summary().hi3Records());
        Files.writeString(
                config.resolve("a.yaml"), MediatorRig.yaml("ic-a", "LIID-A", "both", lea.hi2Port(), lea.hi3Port()));
        for (int k = 5; k < 10; k++)
            m.ingest().store(batch("ic-a", true, k * 100, 100, sent)); // may race the reload: order must hold
        assertTrue(
                await(20_000, () -> lea.summary().hi3Records() >= 1000),
                () -> lea.summary().oneLine());
        assertTrue(await(5_000, () -> m.ingest().heldRecords() == 0));
        lea.flush();
        assertSameRecords(sent, dedup(records(tmp.resolve("lea/hi3.ber"))));
        assertEquals(0, lea.summary().missing());
        assertEquals(1000, m.ingest().counters("ic-a").cc.get());
    }

    @Test
    void outputModeCcOnlyFiltersIriAndCountsIt() throws Exception {
        ResourceCatalog catalog = configured("ccOnly");
        Mediator m = mediator(catalog, 8 << 20);
        m.ingest().store(batch("ic-a", true, 0, 50, null));
        m.ingest().store(batch("ic-a", false, 0, 30, null, 50));
        assertTrue(await(10_000, () -> lea.summary().hi3Records() == 50));
        assertEquals(30, m.ingest().filtered.get());
        assertEquals(0, lea.summary().hi2Records());
    }

    @Test
    void restartKeepsDedupStateAndDeliveryCursor() throws Exception {
        ResourceCatalog catalog = configured("both");
        Mediator m = mediator(catalog, 8 << 20);
        List<byte[]> sent = new ArrayList<>();
        m.ingest().store(batch("ic-a", true, 0, 200, sent));
        m.ingest().store(batch("ic-a", false, 0, 100, null, 200));
        assertTrue(await(10_000, () -> m.channels().get("agency-a").log(true).committed() == 200));
        m.close();
        Mediator again = mediator(catalog, 8 << 20);
        assertEquals(299, again.ingest().highestStored("coll-1"));
        again.ingest().store(batch("ic-a", false, 50, 50, null, 250)); // a collector resending unacknowledged records
        again.ingest().store(batch("ic-a", true, 200, 100, sent, 300)); // then new ones
        assertEquals(50, again.ingest().duplicates.get());
        assertTrue(
                await(10_000, () -> lea.summary().hi3Records() >= 300),
                () -> lea.summary().oneLine());
        lea.flush();
        assertSameRecords(sent, dedup(records(tmp.resolve("lea/hi3.ber"))));
        assertEquals(0, lea.summary().missing());
    }

    @Test
    void aStopRacingStoresKeepsEveryAcknowledgedBatchAndRefusesTheRest() throws Exception {
        // SIGTERM while collectors are mid-batch: a store either completes durably before the buffers close, or fails
        // with an IOException (not acknowledged, the collector resends); the close itself never trips over a batch.
        ResourceCatalog catalog = configured("both");
        Mediator m = mediator(
                catalog, 64 << 20, FsyncPolicy.perBatch()); // an fsync per batch: a wide stage-to-publish window
        java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong(-1);
        java.util.concurrent.atomic.AtomicReference<Throwable> unexpected =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread storer = Thread.ofPlatform().start(() -> {
            for (int k = 0; k < 10_000; k++) {
                try {
                    m.ingest().store(batch("ic-a", true, k * 50, 50, null));
                    acked.set(k * 50L + 49);
                } catch (java.io.IOException refused) {
                    return; // stopping: not acknowledged
                } catch (Throwable t) {
                    unexpected.set(t);
                    return;
                }
            }
        });
        assertTrue(await(10_000, () -> acked.get() >= 500));
        m.close(); // must not throw, must not leave a half-stored batch
        storer.join(10_000);
        assertEquals(null, unexpected.get());
        Mediator again = mediator(catalog, 64 << 20);
        assertTrue(again.ingest().highestStored("coll-1") >= acked.get(), "every acknowledged batch is still stored");
    }

    /**
     * Hostile records in the middle of batches (a PDU over the one decode limit, garbage, the indefinite length
     * form, bytes after the PDU) are held apart, never delivered, counted under one reason with one clear log line
     * (rule and offset, no content); the good records around them are stored and delivered in order.
     */
    @Test
    void malformedRecordsAreHeldApartCountedAndTheGoodOnesAroundThemDelivered() throws Exception {
        ResourceCatalog catalog = configured("both");
        Mediator m = mediator(catalog, 16 << 20);
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger log =
                java.util.logging.Logger.getLogger(io.kubeli.mediator.ingest.Ingest.class.getName());
        log.addHandler(h);
        closeMe.add(() -> log.removeHandler(h));
        byte[] small = TestPdus.cc("LIID-A", 1, 999, 150);
        byte[] over = TestPdus.bigCc(
                "LIID-A", 1, 998, io.kubeli.etsi.DecodeLimits.MAX_PDU_SIZE + 1); // well-formed but one octet over
        byte[] trailing = java.util.Arrays.copyOf(small, small.length + 1);
        byte[] indefinite = small.clone();
        indefinite[1] = (byte) 0x80;
        byte[][] hostile = {
            over, "GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), indefinite, trailing
        };
        List<byte[]> sent = new ArrayList<>();
        long linkSeq = 0;
        for (int k = 0; k < 4; k++) {
            List<IncomingRecord> b = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] pdu = TestPdus.cc("LIID-A", 1, k * 5 + i, 150);
                sent.add(pdu);
                b.add(new IncomingRecord("coll-1", linkSeq++, "ic-a", "agency-a", true, pdu));
                if (i == 2) b.add(new IncomingRecord("coll-1", linkSeq++, "ic-a", "agency-a", true, hostile[k]));
            }
            m.ingest().store(b);
        }
        assertTrue(
                await(20_000, () -> lea.summary().hi3Records() >= 20),
                () -> lea.summary().oneLine());
        lea.flush();
        assertSameRecords(sent, records(tmp.resolve("lea/hi3.ber")));
        assertEquals(0, lea.summary().missing());
        assertEquals(4L, m.ingest().apartByReason().get("malformed-pdu"));
        assertEquals(4, m.ingest().counters("ic-a").heldApart.get());
        assertEquals(
                4, m.ingest().quarantined.get() + m.ingest().quarantineDiscarded.get(), "held apart, never delivered");
        assertEquals(20, m.ingest().stored.get());
        assertEquals(23, m.ingest().highestStored("coll-1"), "consumed: the collector does not resend them");
        assertTrue(m.ingest().routingAlarm() || m.ingest().quarantineDiscarded.get() > 0);
        List<String> alarms =
                lines.stream().filter(l -> l.contains("malformed-pdu")).toList();
        assertEquals(1, alarms.size(), lines.toString());
        assertTrue(
                alarms.getFirst().contains("PDU_TOO_LARGE") && alarms.getFirst().contains("ic-a"), alarms.getFirst());
        assertFalse(alarms.getFirst().contains("LIID-A"), "no identities in logs: " + alarms.getFirst());
    }

    /** The one limit holds end to end: a PDU of exactly DecodeLimits.MAX_PDU_SIZE is stored, sent and received whole. */
    @Test
    void aPduOfTheMaximumSizeIsStoredAndDelivered() throws Exception {
        ResourceCatalog catalog = configured("both");
        Mediator m = mediator(catalog, 32 << 20, 8 << 20, FsyncPolicy.none()); // segments that hold two such records
        List<byte[]> sent = List.of(
                TestPdus.cc("LIID-A", 1, 0, 150),
                TestPdus.bigCc("LIID-A", 1, 1, io.kubeli.etsi.DecodeLimits.MAX_PDU_SIZE),
                TestPdus.cc("LIID-A", 1, 2, 150));
        List<IncomingRecord> b = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++)
            b.add(new IncomingRecord("coll-1", i, "ic-a", "agency-a", true, sent.get(i)));
        m.ingest().store(b);
        assertTrue(
                await(20_000, () -> lea.summary().hi3Records() >= 3),
                () -> lea.summary().oneLine());
        lea.flush();
        assertSameRecords(sent, records(tmp.resolve("lea/hi3.ber")));
        assertEquals(0, m.ingest().quarantined.get());
    }

    @Test
    void fullBufferRefusesWholeBatchesAndRaisesTheAlarm() throws Exception {
        lea.stop(); // nobody drains the buffer
        Files.writeString(config.resolve("a.yaml"), MediatorRig.yaml("ic-a", "LIID-A", "both", 1, 1));
        ResourceCatalog catalog = new ResourceCatalog();
        files(catalog);
        Mediator m = mediator(catalog, 1 << 20);
        int stored = 0;
        BufferFullException full = null;
        for (int k = 0; k < 200 && full == null; k++) {
            try {
                m.ingest().store(batch("ic-a", true, k * 100, 100, null));
                stored += 100;
            } catch (BufferFullException e) {
                full = e;
            }
        }
        assertNotNull(full, "a bounded buffer refuses at some point");
        assertTrue(m.ingest().bufferFull());
        var log = m.channels().get("agency-a").log(true);
        assertEquals(stored, log.end(), "refused batches left nothing behind");
        assertTrue(log.bytes() <= log.capacity());
    }
}
