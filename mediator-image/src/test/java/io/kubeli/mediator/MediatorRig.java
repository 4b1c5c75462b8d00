package io.kubeli.mediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkClientConfig;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up the mediator ITs share: test agencies (LEA receivers), mediator child processes and link clients below
 * the test's directory, closed in reverse order after each test (the mediators' last output lines printed first), and
 * the Agency/Intercept YAML they configure. Register with {@code @RegisterExtension MediatorRig rig = new
 * MediatorRig(() -> tmp);}.
 */
public final class MediatorRig implements AfterEachCallback {
    private static final Pattern METRICS = Pattern.compile("metrics on port (\\d+)");
    private final Supplier<Path> dir;
    private final List<AutoCloseable> closeMe =
            new java.util.concurrent.CopyOnWriteArrayList<>(); // tests add from their threads

    /** {@code dir}: the test's temporary directory (read when first needed: JUnit injects it after construction). */
    public MediatorRig(Supplier<Path> dir) {
        this.dir = dir;
    }

    /** {@code name} below the test's directory. */
    public Path path(String name) {
        return dir.get().resolve(name);
    }

    /** Closes {@code c} after the test (in reverse order of registration). */
    public <T extends AutoCloseable> T closeLater(T c) {
        closeMe.add(c);
        return c;
    }

    /** A started test agency recording into {@code recordDir} below the test's directory. */
    public LeaReceiver lea(String recordDir) throws Exception {
        return lea(recordDir, LeaOptions.defaults());
    }

    public LeaReceiver lea(String recordDir, LeaOptions options) throws Exception {
        LeaReceiver r = new LeaReceiver(options.withRecordDir(path(recordDir)));
        r.start();
        return closeLater(r);
    }

    /** A configuration directory "config" holding {@code yaml}. */
    public Path config(String yaml) throws IOException {
        Path c = Files.createDirectories(path("config"));
        Files.writeString(c.resolve("agency.yaml"), yaml);
        return c;
    }

    /** A configuration directory with agency-a at {@code lea} and Intercept ic-a (LIID-A, output both). */
    public Path config(LeaReceiver lea) throws IOException {
        return config(yaml("ic-a", "LIID-A", "both", lea.hi2Port(), lea.hi3Port()));
    }

    /** A mediator process started with exactly {@code args}. */
    public MediatorProcess mediator(List<String> args) throws Exception {
        return closeLater(new MediatorProcess(args));
    }

    /**
     * A mediator process on a plain link: {@code config}, link port {@code port} (0: any), data directory {@code data}
     * below the test's, status every second, then {@code extra}.
     */
    public MediatorProcess mediator(Path config, int port, String data, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--config",
                config.toString(),
                "--listen",
                Integer.toString(port),
                "--data",
                path(data).toString(),
                "--plain",
                "--status-interval",
                "1"));
        args.addAll(List.of(extra));
        return mediator(args);
    }

    /** A link client configuration to 127.0.0.1:{@code port}, its own spool below the test's directory, quick reconnects. */
    public LinkClientConfig clientConfig(String id, int port, TlsConfig tls) {
        return LinkClientConfig.of("127.0.0.1", port, id, tls, path("spool-" + id.replace('/', '_')))
                .withReconnect(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    /** A started link client, closed after the test. */
    public LinkClient client(LinkClientConfig cfg) throws Exception {
        return closeLater(LinkClient.start(cfg));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (AutoCloseable c : closeMe) {
            if (c instanceof MediatorProcess m) {
                List<String> out = m.output();
                System.out.println("--- mediator output (last lines) ---");
                out.subList(Math.max(0, out.size() - 60), out.size()).forEach(System.out::println);
            }
        }
        for (AutoCloseable c : closeMe.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        closeMe.clear();
    }

    /** A TCP port free at the time of the call. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The metrics port a mediator printed (waits up to 10 s for the line). */
    public static int metricsPort(MediatorProcess m) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            for (String l : m.output()) {
                Matcher x = METRICS.matcher(l);
                if (x.find()) {
                    return Integer.parseInt(x.group(1));
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no metrics port printed");
    }

    /** The Prometheus text of a mediator's metrics port. */
    public static String scrape(int port) throws IOException, InterruptedException {
        try (HttpClient h = HttpClient.newHttpClient()) {
            return h.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    /** The Prometheus text of a mediator process. */
    public static String metrics(MediatorProcess m) throws IOException, InterruptedException {
        return scrape(metricsPort(m));
    }

    /** The value of {@code key} (a name with its labels, or a bare name: its first series) in {@code text}; NaN if absent. */
    public static double metric(String text, String key) {
        String[] lines = text.split("\n");
        for (String prefix : key.contains("{") ? List.of(key + " ") : List.of(key + " ", key + "{")) {
            for (String l : lines) {
                if (l.startsWith(prefix)) {
                    return Double.parseDouble(
                            l.substring(l.lastIndexOf(' ') + 1).trim());
                }
            }
        }
        return Double.NaN;
    }

    /** Agency and Intercept YAML (multi-document): agency-a at the given ports, {@code intercept} of mediator m1. */
    public static String yaml(String intercept, String liid, String output, int hi2, int hi3) {
        return agency("agency-a", hi2, hi3) + "---\n"
                + intercept(intercept, null, liid, "agency-a", "m1", "2030-01-01T00:00:00Z", "192.0.2.10")
                + "  output: " + output + "\n";
    }

    /** An Agency on 127.0.0.1 with quick reconnects and keep-alives (300 ms, answered within 2 s). */
    public static String agency(String name, int hi2, int hi3) {
        return """
                apiVersion: li.kubeli.io/v1alpha1
                kind: Agency
                metadata: {name: %s}
                spec:
                  hi2: {host: 127.0.0.1, port: %d}
                  hi3: {host: 127.0.0.1, port: %d}
                  countryCode: DE
                  operatorId: OP1
                  reconnectBackoff: 100ms
                  keepalive: {interval: 300ms, responseTimeout: 2s}
                """.formatted(name, hi2, hi3);
    }

    /** An Intercept valid from 2025 to {@code until} with one target address; {@code created} may be null. */
    public static String intercept(
            String name, String created, String liid, String agency, String mediator, String until, String target) {
        String metadata = created == null
                ? "{name: %s}".formatted(name)
                : "{name: %s, creationTimestamp: \"%s\"}".formatted(name, created);
        return """
                apiVersion: li.kubeli.io/v1alpha1
                kind: Intercept
                metadata: %s
                spec:
                  liid: %s
                  agencyRef: %s
                  mediatorRef: %s
                  authorizationCountryCode: DE
                  deliveryCountryCode: DE
                  validFrom: "2025-01-01T00:00:00Z"
                  validUntil: "%s"
                  targets: [{ip: %s}]
                """.formatted(metadata, liid, agency, mediator, until, target);
    }

    /** Offers CC and IRI records (1 IRI per 4 CC) for intercept ic-a; remembers what was sent per stream. */
    public static final class Producer {
        public final List<byte[]> cc = new ArrayList<>(), iri = new ArrayList<>();
        long ccSeq, iriSeq;

        public void offer(LinkClient c, int n) {
            offerAs(c, "LIID-A", n);
        }

        public void offerAs(LinkClient c, String liid, int n) {
            offerAs(c, liid, 9, n);
        }

        public void offerAs(LinkClient c, String liid, long cin, int n) {
            for (int i = 0; i < n; i++) {
                boolean isIri = (ccSeq + iriSeq) % 5 == 4;
                byte[] pdu = isIri ? TestPdus.iri(liid, cin, iriSeq, 150) : TestPdus.cc(liid, cin, ccSeq, 150);
                (isIri ? iri : cc).add(pdu);
                long seq = isIri ? iriSeq++ : ccSeq++;
                assertTrue(c.offer(new LinkRecord(
                        "default/ic-a", "agency-a", liid, cin, isIri ? StreamType.IRI : StreamType.CC, seq, pdu)));
            }
        }

        public long total() {
            return cc.size() + iri.size();
        }
    }

    /**
     * Waits until {@code lea} (recording into {@code recordDir} below the test's directory) has every record {@code p}
     * sent: each once after de-duplication ({@code exact}: without any duplicate), in order, no gap.
     */
    public void assertDelivered(LeaReceiver lea, String recordDir, Producer p, boolean exact) throws Exception {
        assertTrue(
                Streams.await(90_000, () -> lea.summary().uniqueRecords() >= p.total()),
                () -> lea.summary().oneLine());
        lea.flush();
        List<byte[]> cc = Streams.records(path(recordDir).resolve("hi3.ber")),
                iri = Streams.records(path(recordDir).resolve("hi2.ber"));
        if (exact) {
            Streams.assertSameRecords(p.cc, cc);
            Streams.assertSameRecords(p.iri, iri);
        }
        Streams.assertSameRecords(p.cc, Streams.dedup(cc));
        Streams.assertSameRecords(p.iri, Streams.dedup(iri));
        assertEquals(0, lea.summary().missing(), () -> lea.summary().toJson());
    }
}
