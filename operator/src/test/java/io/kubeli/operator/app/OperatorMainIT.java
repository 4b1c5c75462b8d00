package io.kubeli.operator.app;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeli.operator.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator's command line: {@code --help} prints the usage and exits 0 without starting Quarkus (it used
 * to start the operator and print a stack trace ~20 s later), a bad option is one line with exit 2, and
 * {@code --log-format json} makes every log line one JSON object (quarkus-logging-json).
 */
class OperatorMainIT {
    static final Path JAR = Fixtures.root().resolve("operator/target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path tmp;

    record Run(Process process, Path out, Path err) {
        String stdout() throws Exception {
            return Files.readString(out);
        }

        String stderr() throws Exception {
            return Files.readString(err);
        }
    }

    /** The operator with a kubeconfig naming an unreachable API server (nothing listens on port 1). */
    Run start(String... args) throws Exception {
        assumeTrue(Files.exists(JAR), "operator not packaged: " + JAR);
        Path kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: none, cluster: {server: "http://127.0.0.1:1"}}]
        users: [{name: it, user: {token: it}}]
        contexts: [{name: none, context: {cluster: none, user: it, namespace: kubeli-system}}]
        current-context: none
        """);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-jar",
                JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.startsWith("QUARKUS_LOG"));
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("QUARKUS_HTTP_PORT", "0");
        Path out = tmp.resolve("out-" + System.nanoTime()), err = tmp.resolve("err-" + System.nanoTime());
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new Run(pb.start(), out, err);
    }

    int exit(Run r, int seconds) throws Exception {
        if (!r.process().waitFor(seconds, TimeUnit.SECONDS)) {
            r.process().destroyForcibly();
            fail("still running after " + seconds + " s: " + r.stdout() + r.stderr());
        }
        return r.process().exitValue();
    }

    @Test
    void helpStartsNothing() throws Exception {
        Run r = start("--help");
        assertEquals(0, exit(r, 60), r.stderr());
        assertTrue(r.stdout().startsWith("Usage: ./kubeli operator"), r.stdout());
        assertTrue(r.stdout().contains("--log-format=text|json"), r.stdout());
        assertFalse((r.stdout() + r.stderr()).contains("Exception"), r.stderr());
        assertFalse(r.stdout().contains("kubeli-operator"), "Quarkus did not start: " + r.stdout());
    }

    @Test
    void badOptionsAreOneLineWithExitTwo() throws Exception {
        for (String[] bad : new String[][] {{"--bogus"}, {"--log-format", "xml"}, {"--log-format"}}) {
            Run r = start(bad);
            assertEquals(2, exit(r, 60), r.stderr());
            List<String> lines =
                    r.stderr().lines().filter(l -> !l.startsWith("WARNING: ")).toList(); // JVM notices
            assertEquals(1, lines.size(), r.stderr());
            assertTrue(lines.getFirst().startsWith("kubeli operator: "), r.stderr());
            assertEquals("", r.stdout());
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLine() throws Exception {
        Run r = start("--log-format", "json");
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < end
                    && r.stdout().lines().count() < 2
                    && r.process().isAlive()) {
                Thread.sleep(200);
            }
        } finally {
            r.process().destroy();
            r.process().waitFor(30, TimeUnit.SECONDS);
            r.process().destroyForcibly();
        }
        List<String> lines = r.stdout().lines().filter(l -> !l.isBlank()).toList();
        assertFalse(lines.isEmpty(), r.stderr());
        ObjectMapper json = new ObjectMapper();
        for (String l : lines) {
            JsonNode n = json.readTree(l);
            assertTrue(
                    n.isObject() && n.has("timestamp") && n.has("level") && n.has("loggerName") && n.has("message"), l);
        }
    }
}
