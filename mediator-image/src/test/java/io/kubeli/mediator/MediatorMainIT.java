package io.kubeli.mediator;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mediator command line: help, clear errors with exit status 2, metrics and health endpoints. */
class MediatorMainIT {
    @TempDir
    Path tmp;

    static Process run(String... args) throws Exception {
        List<String> cmd = MediatorProcess.command(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Writes intercept ic-a of agency-a (at {@code lea}) into tmp/cfg. */
    Path config(LeaReceiver lea) throws Exception {
        Path cfg = Files.createDirectories(tmp.resolve("cfg"));
        Files.writeString(
                cfg.resolve("a.yaml"), MediatorRig.yaml("ic-a", "LIID-A", "both", lea.hi2Port(), lea.hi3Port()));
        return cfg;
    }

    /** File mode from {@code cfg}, ephemeral plain link, data in tmp/d, then {@code more}. */
    List<String> plainArgs(Path cfg, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--config",
                cfg.toString(),
                "--listen",
                "0",
                "--data",
                tmp.resolve("d").toString(),
                "--plain"));
        args.addAll(List.of(more));
        return args;
    }

    static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String finish(Process p, int expectedExit) throws Exception {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(expectedExit, p.exitValue(), out);
        return out;
    }

    @Test
    void helpListsTheOptions() throws Exception {
        String out = finish(run("--help"), 0);
        assertTrue(
                out.contains("--config=DIR") && out.contains("--listen=PORT") && out.contains("--fsync=POLICY"), out);
        assertTrue(out.contains("--log-format=text|json"), out);
    }

    @Test
    void helpStartsNothing() throws Exception {
        Path data = tmp.resolve("d");
        String out = finish(
                run("--config", tmp.toString(), "--listen", "0", "--data", data.toString(), "--plain", "--help"), 0);
        assertTrue(out.startsWith("Usage: ./kubeli mediator"), out);
        assertFalse(out.contains("listening"), out);
        assertFalse(Files.exists(data), "--help must not create the data directory");
    }

    @Test
    void badOptionsAreOneLineWithExitTwo() throws Exception {
        for (String[] bad : new String[][] {
            {"--bogus"},
            {"--listen", "x"},
            {"--metrics-port", "70000"},
            {"--log-format", "xml"},
            {"--replica-index"},
            {"--fsync", "sometimes"}
        }) {
            List<String> args = new ArrayList<>(List.of(
                    "--config",
                    tmp.toString(),
                    "--listen",
                    "0",
                    "--data",
                    tmp.resolve("d").toString(),
                    "--plain"));
            args.addAll(List.of(bad));
            String out = finish(run(args.toArray(String[]::new)), 2);
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.startsWith("kubeli mediator: "), out);
        }
        assertFalse(Files.exists(tmp.resolve("d")));
    }

    @Test
    void jsonLogsAreOneObjectPerLine() throws Exception {
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            Path cfg = config(lea);
            List<String> out;
            try (MediatorProcess m =
                    new MediatorProcess(plainArgs(cfg, "--status-interval", "1", "--log-format", "json"))) {
                for (int i = 0; i < 200 && m.output().stream().noneMatch(l -> l.startsWith("{")); i++) Thread.sleep(50);
                assertTrue(m.terminate(30) >= 0);
                out = m.output();
            }
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            List<String> logs =
                    out.stream().filter(l -> !l.startsWith("kubeli-mediator: ")).toList(); // stdout lines
            assertFalse(logs.isEmpty(), String.join("\n", out));
            for (String l : logs) {
                var n = json.readTree(l);
                List<String> keys = new ArrayList<>();
                n.fieldNames().forEachRemaining(keys::add);
                assertEquals(List.of("time", "level", "logger", "message"), keys, l);
                java.time.Instant.parse(n.get("time").asText());
            }
        }
    }

    @Test
    void missingTransportChoiceIsAClearError() throws Exception {
        String out = finish(
                run(
                        "--config",
                        tmp.toString(),
                        "--listen",
                        "0",
                        "--data",
                        tmp.resolve("d").toString()),
                2);
        assertTrue(out.contains("give --tls-dir DIR (mutual TLS on the link) or --plain"), out);
    }

    @Test
    void invalidResourceYamlIsAClearError() throws Exception {
        Files.writeString(tmp.resolve("bad.yaml"), """
                apiVersion: li.kubeli.io/v1alpha1
                kind: Agency
                metadata: {name: broken}
                spec:
                  hi2: {host: 127.0.0.1, port: 70000}
                """);
        String out = finish(run(plainArgs(tmp).toArray(String[]::new)), 2);
        assertTrue(out.contains("invalid configuration") && out.contains("bad.yaml") && out.contains("broken"), out);
    }

    @Test
    void metricsAndHealthEndpoints() throws Exception {
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            Path cfg = config(lea);
            try (MediatorProcess m = new MediatorProcess(plainArgs(cfg, "--metrics-port", "0"))) {
                int port = -1;
                for (int i = 0; i < 100 && port < 0; i++) {
                    for (String l : m.output()) {
                        Matcher mm = Pattern.compile("metrics on port (\\d+)").matcher(l);
                        if (mm.find()) port = Integer.parseInt(mm.group(1));
                    }
                    if (port < 0) Thread.sleep(50);
                }
                assertTrue(port > 0, "metrics port printed");
                try (HttpClient http = HttpClient.newHttpClient()) {
                    String base = "http://127.0.0.1:" + port;
                    assertEquals(200, get(http, base + "/healthz").statusCode());
                    assertEquals(200, get(http, base + "/readyz").statusCode());
                    String metrics = get(http, base + "/metrics").body();
                    assertTrue(metrics.contains("kubeli_mediator_records_stored_total"), metrics);
                    assertTrue(metrics.contains("kubeli_mediator_buffer_full"), metrics);
                    assertTrue(
                            metrics.contains("kubeli_link_server_connections_refused_total"),
                            metrics); // the link's own meters
                }
            }
        }
    }

    /** Misconfiguration: two mediators on one data directory (two replicas on one volume) would corrupt its logs. */
    @Test
    void aSecondMediatorOnTheSameDataDirectoryIsRefusedWithOneLine() throws Exception {
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            Path cfg = config(lea);
            Path data = tmp.resolve("shared");
            List<String> args =
                    List.of("--config", cfg.toString(), "--listen", "0", "--data", data.toString(), "--plain");
            try (MediatorProcess first = new MediatorProcess(args)) {
                String out = finish(run(args.toArray(String[]::new)), 2);
                List<String> errors = out.lines()
                        .filter(l -> l.contains("cannot use the data directory"))
                        .toList();
                assertEquals(1, errors.size(), out);
                assertTrue(
                        errors.get(0).startsWith("mediator: ") && errors.get(0).contains("in use by another mediator"),
                        out);
                assertFalse(out.contains("\tat "), "no stack trace: " + out);
                assertEquals(0600, (int) Files.getAttribute(data.resolve(".lock"), "unix:mode") & 0777);
                first.kill(); // the lock dies with the process
                try (MediatorProcess again = new MediatorProcess(args)) {
                    assertTrue(again.port() > 0, "a restart after the old process ended takes the directory");
                }
            }
        }
    }
}
