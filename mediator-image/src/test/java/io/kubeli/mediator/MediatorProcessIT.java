package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkClientConfig;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Link client -> mediator (a real child process) -> LEA receiver on loopback, with the faults the issue lists. */
class MediatorProcessIT {
    @TempDir Path tmp;
    final List<AutoCloseable> closeMe = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeMe) {
            if (c instanceof MediatorProcess m) {
                List<String> out = m.output();
                System.out.println("--- mediator output (last lines) ---");
                out.subList(Math.max(0, out.size() - 60), out.size()).forEach(System.out::println);
            }
        }
        for (AutoCloseable c : closeMe.reversed()) {
            try { c.close(); } catch (Exception e) { /* keep closing the rest */ }
        }
    }

    LeaReceiver lea(LeaOptions o) throws Exception {
        LeaReceiver r = new LeaReceiver(o.withRecordDir(tmp.resolve("lea")));
        r.start();
        closeMe.add(r);
        return r;
    }

    Path config(LeaReceiver lea) throws Exception {
        Path c = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(c.resolve("agency.yaml"), MediatorCoreIT.yaml("ic-a", "LIID-A", "both", lea.hi2Port(), lea.hi3Port()));
        return c;
    }

    MediatorProcess mediator(Path config, int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--listen", Integer.toString(port), "--data",
                tmp.resolve("data").toString(), "--plain", "--status-interval", "1", "--fsync", "batch"));
        args.addAll(List.of(extra));
        MediatorProcess m = new MediatorProcess(args);
        closeMe.add(m);
        return m;
    }

    LinkClient client(String id, int port, int queue) throws Exception {
        LinkClientConfig cfg = LinkClientConfig.of("127.0.0.1", port, id, TlsConfig.none(), tmp.resolve("spool-" + id))
                .withQueueCapacity(queue).withReconnect(Duration.ofMillis(50), Duration.ofMillis(500)).withSpoolMaxBytes(64L << 20);
        LinkClient c = LinkClient.start(cfg);
        closeMe.add(c);
        return c;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Offers CC and IRI records (1 IRI per 4 CC) for intercept ic-a; remembers what was sent per stream. */
    static final class Producer {
        final List<byte[]> cc = new ArrayList<>(), iri = new ArrayList<>();
        long ccSeq, iriSeq;

        void offer(LinkClient c, int n) {
            offerAs(c, "LIID-A", n);
        }

        void offerAs(LinkClient c, String liid, int n) {
            offerAs(c, liid, 9, n);
        }

        void offerAs(LinkClient c, String liid, long cin, int n) {
            for (int i = 0; i < n; i++) {
                boolean isIri = (ccSeq + iriSeq) % 5 == 4;
                byte[] pdu = isIri ? TestPdus.iri(liid, cin, iriSeq, 150) : TestPdus.cc(liid, cin, ccSeq, 150);
                (isIri ? iri : cc).add(pdu);
                long seq = isIri ? iriSeq++ : ccSeq++;
                assertTrue(c.offer(new LinkRecord("default/ic-a", "agency-a", liid, cin, isIri ? StreamType.IRI : StreamType.CC, seq, pdu)));
            }
        }

        long total() { return cc.size() + iri.size(); }
    }

    void assertDelivered(LeaReceiver lea, Producer p, boolean exact) throws Exception {
        assertTrue(await(90_000, () -> lea.summary().uniqueRecords() >= p.total()), () -> lea.summary().oneLine());
        lea.flush();
        List<byte[]> cc = records(tmp.resolve("lea/hi3.ber")), iri = records(tmp.resolve("lea/hi2.ber"));
        if (exact) {
            assertSameRecords(p.cc, cc);
            assertSameRecords(p.iri, iri);
        }
        assertSameRecords(p.cc, dedup(cc));
        assertSameRecords(p.iri, dedup(iri));
        assertEquals(0, lea.summary().missing(), () -> lea.summary().toJson());
    }

    @Test
    void happyPathEveryRecordOnceInOrderByteExact() throws Exception {
        LeaReceiver lea = lea(LeaOptions.defaults());
        MediatorProcess m = mediator(config(lea), 0);
        LinkClient c = client("coll-1", m.port(), 65536);
        Producer p = new Producer();
        p.offer(c, 20_000);
        assertTrue(c.flush(Duration.ofSeconds(60)));
        assertDelivered(lea, p, true);
        assertEquals(0, lea.summary().duplicates());
    }

    @Test
    void mutualTlsOnTheLinkAndTlsToTheAgency() throws Exception {
        TestCerts certs = new TestCerts();
        Path leaTls = certs.leaf(tmp.resolve("lea-tls"), "lea");
        Path mediatorTls = certs.leaf(tmp.resolve("mediator-tls"), "mediator");
        Path collectorTls = certs.collector(tmp.resolve("collector-tls"), "coll-tls");
        Path agencyTls = Files.createDirectories(tmp.resolve("agency-tls/lea-secret"));
        Files.copy(leaTls.resolve("ca.crt"), agencyTls.resolve("ca.crt"));
        LeaReceiver lea = lea(LeaOptions.defaults().withTlsDir(leaTls));
        Path c = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(c.resolve("agency.yaml"), MediatorCoreIT.yaml("ic-a", "LIID-A", "both", lea.hi2Port(), lea.hi3Port())
                .replace("port: " + lea.hi2Port() + "}", "port: " + lea.hi2Port() + ", tlsSecretRef: lea-secret}")
                .replace("port: " + lea.hi3Port() + "}", "port: " + lea.hi3Port() + ", tlsSecretRef: lea-secret}"));
        List<String> args = new ArrayList<>(List.of("--config", c.toString(), "--listen", "0", "--data", tmp.resolve("data").toString(),
                "--tls-dir", mediatorTls.toString(), "--agency-tls-dir", tmp.resolve("agency-tls").toString()));
        MediatorProcess m = new MediatorProcess(args);
        closeMe.add(m);
        LinkClientConfig cfg = LinkClientConfig.of("127.0.0.1", m.port(), "coll-tls", TlsConfig.fromDirectory(collectorTls), tmp.resolve("spool-tls"));
        LinkClient client = LinkClient.start(cfg);
        closeMe.add(client);
        Producer p = new Producer();
        p.offer(client, 2000);
        assertTrue(client.flush(Duration.ofSeconds(60)), () -> client.stats().toString());
        assertDelivered(lea, p, true);
    }

    @Test
    void killingTheMediatorMidStreamLosesNothing() throws Exception {
        LeaReceiver lea = lea(LeaOptions.defaults());
        Path config = config(lea);
        int port = freePort();
        MediatorProcess m = mediator(config, port);
        LinkClient c = client("coll-1", port, 4096);
        Producer p = new Producer();
        for (int i = 0; i < 10; i++) { p.offer(c, 2000); Thread.sleep(20); }
        assertTrue(await(30_000, () -> c.stats().acked() >= 5000));
        m.kill();                                                  // SIGKILL mid-stream
        for (int i = 0; i < 10; i++) { p.offer(c, 2000); Thread.sleep(20); }  // collector keeps producing (queue + spool)
        MediatorProcess again = mediator(config, port);            // same data directory and port
        for (int i = 0; i < 5; i++) { p.offer(c, 2000); Thread.sleep(20); }
        assertTrue(c.flush(Duration.ofSeconds(90)), () -> c.stats().toString());
        assertEquals(0, c.stats().lost());
        assertDelivered(lea, p, false);
        assertTrue(again.port() == port);
        if (lea.summary().duplicates() > 0) {
            assertTrue(again.output().stream().anyMatch(l -> l.contains("resending")), "resends after the restart are reported");
        }
    }

    @Test
    void slowAgencyBackPressureReachesTheCollectorSpool() throws Exception {
        LeaReceiver lea = lea(LeaOptions.defaults().withReadDelayMs(3));
        MediatorProcess m = mediator(config(lea), 0, "--buffer-bytes", "1m", "--segment-bytes", "64k");
        LinkClient c = client("coll-1", m.port(), 512);
        Producer p = new Producer();
        for (int i = 0; i < 24; i++) { p.offer(c, 1000); Thread.sleep(5); }
        assertTrue(await(60_000, () -> c.stats().spooled() > 0), () -> c.stats().toString());
        assertTrue(c.flush(Duration.ofSeconds(120)), () -> c.stats().toString());
        assertEquals(0, c.stats().lost());
        assertDelivered(lea, p, false);
    }

    @Test
    void collectorReconnectStormLosesAndDuplicatesNothing() throws Exception {
        LeaReceiver lea = lea(LeaOptions.defaults());
        MediatorProcess m = mediator(config(lea), 0);
        int collectors = 6, rounds = 5;
        Producer[] ps = new Producer[collectors];
        for (int k = 0; k < collectors; k++) ps[k] = new Producer();
        for (int r = 0; r < rounds; r++) {
            List<LinkClient> open = new ArrayList<>();
            for (int k = 0; k < collectors; k++) {
                LinkClient c = client("coll-" + k, m.port(), 65536);
                ps[k].offerAs(c, "LIID-A", (long) k * 1048576 + 9, 800);   // one CIN space per instance (contract C3)
                open.add(c);
            }
            for (LinkClient c : open) c.close();                  // mid-flight: unacked records saved and resent next round
        }
        List<LinkClient> last = new ArrayList<>();
        for (int k = 0; k < collectors; k++) last.add(client("coll-" + k, m.port(), 65536));
        for (LinkClient c : last) assertTrue(c.flush(Duration.ofSeconds(60)), () -> c.stats().toString());
        long total = (long) collectors * rounds * 800;
        assertTrue(await(60_000, () -> lea.summary().uniqueRecords() >= total), () -> lea.summary().oneLine());
        assertEquals(0, lea.summary().missing(), () -> lea.summary().toJson());
        assertEquals(collectors * 2, lea.summary().streams().size());
        lea.flush();
        assertEquals(total, dedup(records(tmp.resolve("lea/hi3.ber"))).size() + dedup(records(tmp.resolve("lea/hi2.ber"))).size());
    }
}
