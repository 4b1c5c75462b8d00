package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML directory source (multi-document, reload, bad files), manager rules, metrics and health endpoints. */
class InterceptSourceTest {
    @TempDir
    Path tmp;

    private static String window(Instant now) {
        return now.minusSeconds(60).toString();
    }

    @Test
    void readsMultiDocumentFilesAndReloadsOnChange() throws Exception {
        Instant now = Instant.now();
        Files.writeString(
                tmp.resolve("a.yaml"),
                PcapEndToEndTest.agencyYaml()
                        + PcapEndToEndTest.interceptYaml(
                                "one",
                                "L1",
                                window(now),
                                now.plusSeconds(600).toString(),
                                "both",
                                "  - {ip: 198.18.2.1}"));
        Files.writeString(tmp.resolve("ignored.txt"), "not yaml");
        LinkedBlockingQueue<ResourceSet> q = new LinkedBlockingQueue<>();
        try (YamlDirSource src = new YamlDirSource(tmp, Duration.ofMillis(100), null)) {
            src.start(q::add);
            ResourceSet first = q.poll(1, TimeUnit.SECONDS);
            assertEquals(1, first.intercepts().size());
            assertEquals(1, first.agencies().size());
            // a broken file is rejected alone: the others stay in force (and it is reported)
            Files.writeString(tmp.resolve("b.yaml"), "kind: Intercept\nspec: [unclosed\n");
            ResourceSet broken = q.poll(3, TimeUnit.SECONDS);
            assertNotNull(broken);
            assertEquals(1, broken.intercepts().size());
            assertEquals(1, broken.rejected().size());
            assertTrue(
                    broken.rejected().get(0).startsWith("b.yaml"),
                    broken.rejected().toString());
            Files.writeString(
                    tmp.resolve("b.yaml"),
                    PcapEndToEndTest.interceptYaml(
                            "two",
                            "L2",
                            window(now),
                            now.plusSeconds(600).toString(),
                            "ccOnly",
                            "  - {ip: 198.18.2.2}"));
            ResourceSet second = q.poll(3, TimeUnit.SECONDS);
            assertNotNull(second, "reloaded within the poll interval");
            assertEquals(2, second.intercepts().size());
        }
    }

    @Test
    void managerRejectsUnusableInterceptsAndNeverLogsTargets() {
        Instant now = Instant.now();
        CapturedLogs logs = new CapturedLogs(InterceptManager.class.getName());
        try {
            Path dir = tmp;
            Files.writeString(
                    dir.resolve("x.yaml"),
                    PcapEndToEndTest.agencyYaml()
                            + PcapEndToEndTest.interceptYaml(
                                    "ok",
                                    "L1",
                                    window(now),
                                    now.plusSeconds(600).toString(),
                                    "both",
                                    "  - {ip: 198.18.2.77}")
                            + PcapEndToEndTest.interceptYaml(
                                    "mixed",
                                    "L4",
                                    window(now),
                                    now.plusSeconds(600).toString(),
                                    "both",
                                    "  - {ip: 198.18.2.80}\n  - {ip: not-an-ip}\n  - {radiusUser: alice}")
                            + PcapEndToEndTest.interceptYaml(
                                    "badwin",
                                    "L2",
                                    now.plusSeconds(600).toString(),
                                    window(now),
                                    "both",
                                    "  - {ip: 198.18.2.78}")
                            + PcapEndToEndTest.interceptYaml(
                                            "noagency",
                                            "L3",
                                            window(now),
                                            now.plusSeconds(600).toString(),
                                            "both",
                                            "  - {ip: 198.18.2.79}")
                                    .replace("agencyRef: lea1", "agencyRef: nope"));
            CollectingSink sink = new CollectingSink();
            CollectorPipeline p = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
            InterceptManager m = new InterceptManager(p, null, Clock.systemUTC());
            m.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
            assertEquals(1, m.activeIntercepts());
            assertEquals(3, m.rejectedIntercepts());
            assertNotNull(p.table()
                    .lookup4(ByteBuffer.wrap(Frames.addr("198.18.2.77")).getInt()));
            assertNull(
                    p.table()
                            .lookup4(ByteBuffer.wrap(Frames.addr("198.18.2.80")).getInt()),
                    "an intercept with an unusable target is never half-active");
            assertEquals(1, sink.records.size(), "IRI-Begin of the active target");
            m.update(ResourceSet.EMPTY);
            assertEquals(2, sink.records.size(), "IRI-End when the intercept is removed");
            assertTrue(p.table().isEmpty());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            logs.close();
        }
        assertFalse(logs.toString().contains("198.18"), logs.toString());
        assertFalse(logs.toString().contains("alice"), logs.toString());
        assertFalse(logs.toString().contains("not-an-ip"), logs.toString());
    }

    @Test
    void iriBeginAtWindowStartAndEndAtWindowEnd() throws Exception {
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant until = Instant.parse("2026-01-01T01:00:00Z");
        Files.writeString(
                tmp.resolve("w.yaml"),
                PcapEndToEndTest.agencyYaml()
                        + PcapEndToEndTest.interceptYaml(
                                "timed",
                                "LT",
                                from.toString(),
                                until.toString(),
                                "both",
                                "  - {ip: 198.18.2.9, cin: 4}"));
        CollectingSink sink = new CollectingSink();
        CollectorPipeline p = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        MutableClock clock = new MutableClock(from.minusSeconds(10));
        InterceptManager m = new InterceptManager(p, "NE", clock);
        m.update(new YamlDirSource(tmp, Duration.ofSeconds(1), null).load());
        assertEquals(0, sink.records.size(), "not active before validFrom");
        clock.now = from;
        m.tick();
        assertEquals(1, sink.records.size(), "IRI-Begin at validFrom");
        m.tick();
        assertEquals(1, sink.records.size(), "once");
        clock.now = until.minusNanos(1);
        m.tick();
        assertEquals(1, sink.records.size());
        clock.now = until;
        m.tick();
        assertEquals(2, sink.records.size(), "IRI-End at validUntil");
        m.endAll();
        assertEquals(2, sink.records.size(), "no second End");
        java.util.List<io.kubeli.etsi.IriType> types = new java.util.ArrayList<>();
        for (CollectingSink.Rec r : sink.records) {
            types.add(((io.kubeli.etsi.Payload.Iri)
                            io.kubeli.etsi.PsPduDecoder.DEFAULT.decode(r.pdu()).payload())
                    .payloads()
                    .get(0)
                    .iriType());
        }
        assertEquals(java.util.List.of(io.kubeli.etsi.IriType.IRI_BEGIN, io.kubeli.etsi.IriType.IRI_END), types);
        assertEquals(
                java.util.List.of(0L, 1L),
                sink.records.stream().map(CollectingSink.Rec::seq).toList());
    }

    @Test
    void metricsAndHealthEndpoints() throws Exception {
        Instant now = Instant.now();
        Files.writeString(
                tmp.resolve("a.yaml"),
                PcapEndToEndTest.agencyYaml()
                        + PcapEndToEndTest.interceptYaml(
                                "metered",
                                "LM",
                                window(now),
                                now.plusSeconds(600).toString(),
                                "both",
                                "  - {ip: 198.18.2.5}"));
        Path pcap = tmp.resolve("p.pcap");
        long ts = now.getEpochSecond() * 1_000_000_000L;
        Frames.writePcap(
                pcap,
                1,
                java.util.List.of(
                        new Frames.Pkt(
                                ts,
                                Frames.ether(
                                        0x0800,
                                        Frames.ipv4("198.18.2.5", "198.18.2.6", 17, Frames.udp(1, 2, new byte[3])))),
                        new Frames.Pkt(
                                ts,
                                Frames.ether(
                                        0x0800,
                                        Frames.ipv4("198.18.2.7", "198.18.2.6", 17, Frames.udp(1, 2, new byte[3]))))));
        CollectorSettings cfg = CollectorSettings.parse(new String[] {
            "--source",
            "pcapfile:" + pcap,
            "--intercepts",
            tmp.toString(),
            "--output",
            "file:" + tmp.resolve("o.ber"),
            "--metrics-port",
            "0",
            "--metrics-address",
            "127.0.0.1"
        });
        CollectorApp app = CollectorApp.start(cfg);
        try (HttpClient c = HttpClient.newHttpClient()) {
            app.awaitFiniteEnd();
            Thread.sleep(100);
            String base = "http://127.0.0.1:" + app.metricsPort();
            HttpResponse<String> r = c.send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertTrue(body.contains("kubeli_collector_packets_total 2.0"), body);
            assertTrue(body.contains("kubeli_collector_matches_total 1.0"), body);
            assertTrue(body.contains("kubeli_collector_drops_total{place=\"socket\"}"), body);
            assertTrue(body.contains("kubeli_collector_records_total{intercept=\"metered\",stream=\"cc\"} 1.0"), body);
            assertFalse(body.contains("198.18"), "no targets in metrics");
            assertEquals(
                    200,
                    c.send(
                                    HttpRequest.newBuilder(URI.create(base + "/healthz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
            assertEquals(
                    200,
                    c.send(
                                    HttpRequest.newBuilder(URI.create(base + "/readyz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
            // bound to the chosen address only (per-intercept counts are sensitive)
            assertThrows(java.io.IOException.class, () -> new java.net.Socket("127.0.0.2", app.metricsPort()).close());
        } finally {
            app.close();
        }
    }
}
