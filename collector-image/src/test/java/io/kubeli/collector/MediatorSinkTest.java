package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import io.kubeli.link.LinkClientConfig;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.LinkServer;
import io.kubeli.link.LinkServerConfig;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pcap file -> pipeline -> MediatorSink -> in-process LinkServer on loopback, twice (sequence continuity). */
class MediatorSinkTest {
    @TempDir
    Path tmp;

    @Test
    void recordsReachTheMediatorWithRoutingFields() throws Exception {
        List<LinkRecord> stored = new ArrayList<>();
        io.kubeli.link.RecordSink store = new io.kubeli.link.RecordSink() {
            @Override
            public synchronized long highestStored(String collectorId) {
                return -1;
            }

            @Override
            public synchronized void store(String collectorId, long firstLinkSeq, List<LinkRecord> batch) {
                stored.addAll(batch);
            }
        };
        Instant now = Instant.now();
        Path dir = PcapEndToEndTest.interceptsDir(tmp, "icpt-m", "LIID-M", now, "  - {ip: 198.18.2.20, cin: 5}");
        List<Pkt> pkts = PcapEndToEndTest.everyOther(
                "198.18.2.20", now.getEpochSecond() * 1_000_000_000L, 50, i -> udp(1, 2, new byte[i]));
        Path pcap = tmp.resolve("m.pcap");
        writePcap(pcap, LinkTypes.ETHERNET, pkts);
        try (LinkServer server =
                LinkServer.start(LinkServerConfig.of(0, TlsConfig.none()).withBindAddress("127.0.0.1"), store)) {
            CollectorSettings cfg = CollectorSettings.parse(new String[] {
                "--source",
                "pcapfile:" + pcap,
                "--intercepts",
                dir.toString(),
                "--output",
                "mediator:127.0.0.1:" + server.port(),
                "--collector-id",
                "col-test",
                "--spool",
                tmp.resolve("spool").toString(),
                "--metrics-port",
                "0",
                "--metrics-address",
                "127.0.0.1"
            });
            for (int run = 0; run < 2; run++) { // the second run continues the sequence numbers of the first
                MediatorSink sink = MediatorSink.open(
                        LinkClientConfig.of("127.0.0.1", server.port(), "col-test", TlsConfig.none(), cfg.spool()));
                CollectorApp app = CollectorApp.start(cfg, sink, Clock.systemUTC());
                app.awaitFiniteEnd();
                // the link's own meters (reconnects, resends, spool) are exported beside the collector's
                var metrics = java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                                "http://127.0.0.1:" + app.metricsPort() + "/metrics"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
                assertTrue(metrics.contains("kubeli_link_client_reconnects_total{collector=\"col-test\"}"), metrics);
                app.close();
                assertEquals(0, sink.stats().lost());
            }
        }
        long cc = stored.stream().filter(r -> r.stream() == StreamType.CC).count();
        long iri = stored.stream().filter(r -> r.stream() == StreamType.IRI).count();
        assertEquals(50, cc);
        assertEquals(4, iri);
        for (LinkRecord r : stored) {
            assertEquals("icpt-m", r.interceptName());
            assertEquals("lea1", r.agency());
            assertEquals("LIID-M", r.liid());
            assertEquals(5, r.cin());
        }
        long expectCc = 0;
        long expectIri = 0;
        for (LinkRecord r : stored) {
            assertEquals(
                    r.stream() == StreamType.CC ? expectCc++ : expectIri++,
                    r.sequence(),
                    "contiguous across a clean restart");
        }
    }

    @Test
    void anInstanceLinksOnlyToItsReplica() {
        for (String node : List.of("n1", "n2", "n3", "n4")) {
            CollectorSettings cfg = CollectorSettings.parse(
                    new String[] {
                        "--source",
                        "pcapfile:/x.pcap",
                        "--intercepts",
                        "/tmp",
                        "--output",
                        "mediator:kubeli-mediator-{replica}.kubeli-mediator-headless.invalid:9100",
                        "--mediator-replicas",
                        "3",
                        "--collector-id",
                        "edge",
                        "--spool",
                        tmp.resolve(node).toString()
                    },
                    java.util.Map.of("NODE_NAME", node)::get);
            MediatorSink sink = MediatorSink.open(cfg);
            try {
                int r = io.kubeli.link.ReplicaPick.of("edge/" + node, 3);
                assertEquals(
                        "kubeli-mediator-" + r + ".kubeli-mediator-headless.invalid",
                        sink.linkConfig().host());
            } finally {
                sink.close();
            }
        }
    }
}
