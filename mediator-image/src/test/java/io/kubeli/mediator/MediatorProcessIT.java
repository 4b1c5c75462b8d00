package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkClientConfig;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.MediatorRig.Producer;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Link client -> mediator (a real child process) -> LEA receiver on loopback, with the faults the issue lists. */
class MediatorProcessIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MediatorRig rig = new MediatorRig(() -> tmp);

    LeaReceiver lea(LeaOptions o) throws Exception {
        return rig.lea("lea", o);
    }

    /** A mediator on a plain link, data in "data", fsync per batch. */
    MediatorProcess mediator(Path config, int port, String... extra) throws Exception {
        List<String> more = new ArrayList<>(List.of("--fsync", "batch"));
        more.addAll(List.of(extra));
        return rig.mediator(config, port, "data", more.toArray(String[]::new));
    }

    LinkClient client(String id, int port, int queue) throws Exception {
        return rig.client(rig.clientConfig(id, port, TlsConfig.none())
                .withQueueCapacity(queue)
                .withSpoolMaxBytes(64L << 20));
    }

    void assertDelivered(LeaReceiver lea, Producer p, boolean exact) throws Exception {
        rig.assertDelivered(lea, "lea", p, exact);
    }

    @Test
    void happyPathEveryRecordOnceInOrderByteExact() throws Exception {
        LeaReceiver lea = lea(LeaOptions.defaults());
        MediatorProcess m = mediator(rig.config(lea), 0);
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
        Path c = rig.config(MediatorRig.yaml("ic-a", "LIID-A", "both", lea.hi2Port(), lea.hi3Port())
                .replace("port: " + lea.hi2Port() + "}", "port: " + lea.hi2Port() + ", tlsSecretRef: lea-secret}")
                .replace("port: " + lea.hi3Port() + "}", "port: " + lea.hi3Port() + ", tlsSecretRef: lea-secret}"));
        List<String> args = new ArrayList<>(List.of(
                "--config",
                c.toString(),
                "--listen",
                "0",
                "--data",
                tmp.resolve("data").toString(),
                "--tls-dir",
                mediatorTls.toString(),
                "--agency-tls-dir",
                tmp.resolve("agency-tls").toString()));
        MediatorProcess m = rig.mediator(args);
        LinkClient client = rig.client(LinkClientConfig.of(
                "127.0.0.1", m.port(), "coll-tls", TlsConfig.fromDirectory(collectorTls), tmp.resolve("spool-tls")));
        Producer p = new Producer();
        p.offer(client, 2000);
        assertTrue(client.flush(Duration.ofSeconds(60)), () -> client.stats().toString());
        assertDelivered(lea, p, true);
    }

    @Test
    void killingTheMediatorMidStreamLosesNothing() throws Exception {
        LeaReceiver lea = lea(LeaOptions.defaults());
        Path config = rig.config(lea);
        int port = MediatorRig.freePort();
        MediatorProcess m = mediator(config, port);
        LinkClient c = client("coll-1", port, 4096);
        Producer p = new Producer();
        for (int i = 0; i < 10; i++) {
            p.offer(c, 2000);
            Thread.sleep(20);
        }
        assertTrue(await(30_000, () -> c.stats().acked() >= 5000));
        m.kill(); // SIGKILL mid-stream
        for (int i = 0; i < 10; i++) {
            p.offer(c, 2000);
            Thread.sleep(20);
        } // collector keeps producing (queue + spool)
        MediatorProcess again = mediator(config, port); // same data directory and port
        for (int i = 0; i < 5; i++) {
            p.offer(c, 2000);
            Thread.sleep(20);
        }
        assertTrue(c.flush(Duration.ofSeconds(90)), () -> c.stats().toString());
        assertEquals(0, c.stats().lost());
        assertDelivered(lea, p, false);
        assertTrue(again.port() == port);
        if (lea.summary().duplicates() > 0) {
            assertTrue(
                    again.output().stream().anyMatch(l -> l.contains("resending")),
                    "resends after the restart are reported");
        }
    }

    @Test
    void slowAgencyBackPressureReachesTheCollectorSpool() throws Exception {
        LeaReceiver lea = lea(LeaOptions.defaults().withReadDelayMs(3));
        MediatorProcess m = mediator(rig.config(lea), 0, "--buffer-bytes", "1m", "--segment-bytes", "64k");
        LinkClient c = client("coll-1", m.port(), 512);
        Producer p = new Producer();
        for (int i = 0; i < 24; i++) {
            p.offer(c, 1000);
            Thread.sleep(5);
        }
        assertTrue(await(60_000, () -> c.stats().spooled() > 0), () -> c.stats().toString());
        assertTrue(c.flush(Duration.ofSeconds(120)), () -> c.stats().toString());
        assertEquals(0, c.stats().lost());
        assertDelivered(lea, p, false);
    }

    @Test
    void collectorReconnectStormLosesAndDuplicatesNothing() throws Exception {
        LeaReceiver lea = lea(LeaOptions.defaults());
        MediatorProcess m = mediator(rig.config(lea), 0);
        int collectors = 6, rounds = 5;
        Producer[] ps = new Producer[collectors];
        for (int k = 0; k < collectors; k++) ps[k] = new Producer();
        for (int r = 0; r < rounds; r++) {
            List<LinkClient> open = new ArrayList<>();
            for (int k = 0; k < collectors; k++) {
                LinkClient c = client("coll-" + k, m.port(), 65536);
                ps[k].offerAs(c, "LIID-A", (long) k * 1048576 + 9, 800); // one CIN space per instance (contract C3)
                open.add(c);
            }
            for (LinkClient c : open) c.close(); // mid-flight: unacked records saved and resent next round
        }
        List<LinkClient> last = new ArrayList<>();
        for (int k = 0; k < collectors; k++) last.add(client("coll-" + k, m.port(), 65536));
        for (LinkClient c : last)
            assertTrue(c.flush(Duration.ofSeconds(60)), () -> c.stats().toString());
        long total = (long) collectors * rounds * 800;
        assertTrue(
                await(60_000, () -> lea.summary().uniqueRecords() >= total),
                () -> lea.summary().oneLine());
        assertEquals(0, lea.summary().missing(), () -> lea.summary().toJson());
        assertEquals(collectors * 2, lea.summary().streams().size());
        lea.flush();
        assertEquals(
                total,
                dedup(records(tmp.resolve("lea/hi3.ber"))).size()
                        + dedup(records(tmp.resolve("lea/hi2.ber"))).size());
    }
}
