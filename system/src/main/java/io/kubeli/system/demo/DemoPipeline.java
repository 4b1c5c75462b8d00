package io.kubeli.system.demo;

import io.kubeli.capture.CaptureStats;
import io.kubeli.collector.CollectorApp;
import io.kubeli.collector.CollectorPipeline;
import io.kubeli.collector.CollectorSettings;
import io.kubeli.collector.KeyState;
import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.Mediator;
import io.kubeli.mediator.MediatorSettings;
import io.kubeli.mediator.config.ConfigException;
import io.kubeli.mediator.config.FileResources;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.ingest.LinkIngress;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import io.kubeli.mediator.lea.Summary;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One run of the chain inside this JVM, over real sockets: the test agency (LEA receiver), a mediator (link server,
 * durable buffers, HI2/HI3 handover) and a collector on one capture source, configured from the example resources.
 * Private state (config, TLS material, mediator data, collector spool) lives in a temporary directory that
 * {@link #close} removes, so runs never see each other's state.
 */
final class DemoPipeline implements AutoCloseable {
    /** Files written to the output directory (replaced by every run). */
    static final List<String> OUTPUT_FILES = List.of("hi2.ber", "hi3.ber", "records.json", "cc.pcap", "summary.json");

    private final Path home;
    private final Path out;
    private final String sourceUri;
    private Path work;
    private PrintStream json;
    private LeaReceiver lea;
    private Mediator mediator;
    private LinkIngress link;
    private CollectorApp collector;
    private DemoResources resources;

    /** @param home the checkout (deploy/examples), @param out output directory, @param sourceUri the collector's source */
    DemoPipeline(Path home, Path out, String sourceUri) {
        this.home = home;
        this.out = out;
        this.sourceUri = sourceUri;
    }

    /** Starts agency, mediator and collector in that order (each is up before its client connects). */
    void start() throws Exception {
        work = Files.createTempDirectory("kubeli-demo-");
        Files.createDirectories(out);
        for (String f : OUTPUT_FILES) {
            Files.deleteIfExists(out.resolve(f)); // the receiver appends; a new run starts from empty files
        }
        json = new PrintStream(
                new BufferedOutputStream(Files.newOutputStream(out.resolve("records.json")), 1 << 16),
                false,
                StandardCharsets.UTF_8);
        lea = new LeaReceiver(LeaOptions.defaults()
                .withRecordDir(out)
                .withPcap(out.resolve("cc.pcap"))
                .withJson(true)
                .withSummaryFile(out.resolve("summary.json")));
        lea.jsonOutput(json);
        lea.start();

        Path config = work.resolve("config");
        resources = DemoResources.write(
                home.resolve("deploy").resolve("examples"), config, lea.hi2Port(), lea.hi3Port(), sourceUri);
        Path serverTls = work.resolve("tls-mediator");
        Path clientTls = work.resolve("tls-collector");
        io.kubeli.system.pki.LinkCertificates.write(serverTls, clientTls, resources.mediator(), resources.collector());

        MediatorSettings ms = new MediatorSettings(
                config,
                false,
                null,
                0,
                work.resolve("mediator-data"),
                serverTls,
                false,
                null,
                -1,
                resources.mediator(),
                64L << 20,
                4L << 20,
                FsyncPolicy.perBatch(),
                10,
                0);
        ResourceCatalog catalog = new ResourceCatalog();
        try {
            new FileResources(config, catalog).load();
        } catch (ConfigException e) {
            throw new IOException("the example resources do not load: " + e.getMessage(), e);
        }
        mediator = new Mediator(ms, catalog, ref -> {
            throw new IllegalStateException("agency TLS (" + ref + ") is not set up by the demo");
        });
        mediator.start();
        link = LinkIngress.start(ms, mediator.ingest());

        collector = CollectorApp.start(CollectorSettings.parse(new String[] {
            "--source", sourceUri,
            "--intercepts", config.toString(),
            "--output", "mediator:127.0.0.1:" + link.port(),
            "--tls", clientTls.toString(),
            "--collector-id", resources.collector(),
            "--spool", work.resolve("collector-spool").toString()
        }));
    }

    DemoResources resources() {
        return resources;
    }

    /** Packets the capture source has delivered so far. */
    long packetsCaptured() {
        return collector.captureStats().packets();
    }

    /** Waits until a file source has been read to its end. */
    void awaitCaptureEnd() throws InterruptedException {
        collector.awaitFiniteEnd();
    }

    /**
     * Stops capture (the collector drains, sends IRI-End and flushes its link), then waits until the agency holds
     * every record the collector encoded, at most {@code timeout}. {@code sent}: packets replayed, -1 for a file.
     */
    DemoResult finish(Duration timeout, long sent) throws InterruptedException {
        CaptureStats cap = collector.captureStats();
        collector.close();
        CollectorPipeline.Stats ps = collector.pipeline().stats();
        Map<String, Long> expected = new TreeMap<>();
        Map<String, Integer> cins = new TreeMap<>();
        for (KeyState k : collector.manager().keys()) {
            expected.merge(k.liid() + "\0CC", k.ccRecords(), Long::sum);
            expected.merge(k.liid() + "\0IRI", k.iriRecords(), Long::sum);
        }
        long want = expected.values().stream().mapToLong(Long::longValue).sum();
        long deadline = System.nanoTime() + timeout.toNanos();
        Summary s = lea.summary();
        while (s.uniqueRecords() < want && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = lea.summary();
        }
        lea.flush();
        Map<String, DemoResult.Row> rows = new TreeMap<>();
        for (Summary.Stream st : s.streams()) {
            String key = st.liid() + "\0" + st.stream();
            cins.merge(key, 1, Integer::sum);
            DemoResult.Row r = rows.get(key);
            List<long[]> gaps = new ArrayList<>(r == null ? List.of() : r.gaps());
            gaps.addAll(st.gaps());
            rows.put(
                    key,
                    new DemoResult.Row(
                            st.liid(),
                            st.stream(),
                            cins.get(key),
                            expected.getOrDefault(key, 0L),
                            (r == null ? 0 : r.received()) + st.unique(),
                            (r == null ? 0 : r.duplicates()) + st.duplicates(),
                            (r == null ? 0 : r.missing()) + st.missing(),
                            gaps));
        }
        expected.forEach((key, n) -> {
            if (n > 0 && !rows.containsKey(key)) {
                String[] p = key.split("\0");
                rows.put(key, new DemoResult.Row(p[0], p[1], 0, n, 0, 0, 0, List.of()));
            }
        });
        List<DemoResult.Row> sorted = rows.values().stream()
                .sorted(Comparator.comparing(DemoResult.Row::liid)
                        .thenComparing(r -> r.stream().equals("CC")))
                .toList();
        return new DemoResult(
                resources,
                cap.packets(),
                cap.bytes(),
                ps.matched(),
                sent,
                cap.socketDrops(),
                cap.interfaceDrops(),
                cap.backlogDrops(),
                ps.malformed(),
                ps.outOfWindow(),
                ps.encodeErrors(),
                sorted,
                want,
                s.uniqueRecords());
    }

    /** Stops everything still running (clients before servers) and removes the private state; idempotent. */
    @Override
    public synchronized void close() {
        if (collector != null) {
            collector.close();
        }
        if (link != null) {
            link.close();
        }
        if (mediator != null) {
            mediator.close();
        }
        if (lea != null) {
            lea.stop();
        }
        if (json != null) {
            json.close();
        }
        if (work != null) {
            deleteTree(work);
            work = null;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless; nothing to report to a demo user
        }
    }
}
