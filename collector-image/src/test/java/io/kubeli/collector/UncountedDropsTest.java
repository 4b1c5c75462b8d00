package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.CaptureException;
import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureProvider;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.CaptureStats;
import io.kubeli.capture.CaptureUri;
import io.kubeli.capture.ConsumerFactory;
import io.kubeli.capture.LinkTypes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: a capture method that cannot count its drops (e.g. dpdk: net_af_packet without its PMD sockets) is
 * shown next to the drop counters, in the metrics and in the exit summary, so "drops=0" is never read as "nothing
 * lost" for it; a method that counts everything shows 0.
 */
class UncountedDropsTest {
    static final String REASON = "blind: this driver reports no drops";

    @TempDir
    Path tmp;

    /** {@code blind:FILE}: a pcapfile source that, like a driver without drop statistics, cannot count drops. */
    @BeforeAll
    static void registerBlindProvider() {
        CaptureSources.register(new CaptureProvider() {
            @Override
            public String scheme() {
                return "blind";
            }

            @Override
            public CaptureSource open(CaptureUri uri, CaptureOptions options) {
                CaptureSource d = CaptureSources.open("pcapfile:" + uri.target(), options);
                return new CaptureSource() {
                    public String uri() {
                        return "blind:" + uri.target();
                    }

                    public int threads() {
                        return d.threads();
                    }

                    public boolean isFinite() {
                        return d.isFinite();
                    }

                    public void start(ConsumerFactory f) {
                        d.start(f);
                    }

                    public boolean awaitEnd(Duration t) throws InterruptedException {
                        return d.awaitEnd(t);
                    }

                    public void stop() {
                        d.stop();
                    }

                    public CaptureStats stats() {
                        return d.stats();
                    }

                    public String uncountedDrops() {
                        return REASON;
                    }

                    public Optional<CaptureException> failure() {
                        return d.failure();
                    }

                    public void close() {
                        d.close();
                    }
                };
            }
        });
    }

    private CollectorApp run(String... sources) throws Exception {
        Instant now = Instant.now();
        Path dir = PcapEndToEndTest.interceptsDir(tmp, "u-icpt", "LIID-U", now, "  - {ip: 198.18.2.20, cin: 5}");
        Path pcap = tmp.resolve("u.pcap");
        writePcap(
                pcap,
                LinkTypes.ETHERNET,
                List.of(new Pkt(
                        now.getEpochSecond() * 1_000_000_000L,
                        ether(0x0800, ipv4("198.18.2.20", "198.18.2.1", 17, udp(1, 2, new byte[10]))))));
        java.util.ArrayList<String> args = new java.util.ArrayList<>();
        for (String s : sources) {
            args.add("--source");
            args.add(s + pcap);
        }
        Path out = tmp.resolve("out.ber");
        args.addAll(List.of(
                "--intercepts",
                dir.toString(),
                "--output",
                "file:" + out,
                "--metrics-port",
                "0",
                "--metrics-address",
                "127.0.0.1"));
        CollectorSettings cfg = CollectorSettings.parse(args.toArray(String[]::new));
        CollectorApp app = CollectorApp.start(cfg, FileSink.forPath(out.toString()), Clock.systemUTC());
        app.awaitFiniteEnd();
        return app;
    }

    private static String scrape(CollectorApp app) throws Exception {
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.metricsPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    @Test
    void aSourceThatCannotCountItsDropsIsShownInMetricsAndSummary() throws Exception {
        CollectorApp app = run("blind:", "pcapfile:");
        try {
            assertEquals(List.of(REASON), app.uncountedDropSources());
            String metrics = scrape(app);
            assertTrue(metrics.contains("kubeli_collector_uncounted_drop_sources 1.0"), metrics);
        } finally {
            app.close();
        }
        String summary = app.summary();
        assertTrue(summary.contains(" drops=0 "), summary);
        assertTrue(summary.contains(" uncounted-drop-sources=1 (" + REASON + ")"), summary);
    }

    @Test
    void sourcesThatCountEverythingShowZero() throws Exception {
        CollectorApp app = run("pcapfile:");
        try {
            assertEquals(List.of(), app.uncountedDropSources());
            assertTrue(scrape(app).contains("kubeli_collector_uncounted_drop_sources 0.0"));
        } finally {
            app.close();
        }
        assertTrue(app.summary().matches(".* uncounted-drop-sources=0( .*)?"), app.summary());
    }
}
