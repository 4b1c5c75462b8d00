package io.kubeli.systemit.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubeli.operator.mockapi.ExamplesScenario;
import io.kubeli.operator.mockapi.MockApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped operator (operator/target/quarkus-app/quarkus-run.jar, prod profile: server-side apply and leader
 * election on) as a process against the Fabric8 mock API server with server-side apply emulated
 * ({@link ApplyingDispatcher}); deploy/examples applied as a user would; the same observations as the in-process
 * ExamplesTest. Every wait is bounded (30 s) and fails with the operator's last log lines.
 */
class PackagedOperatorIT {
    static final String NS = "kubeli"; // the examples' comments: kubectl apply -n kubeli
    static final String LEASE = "kubeli-operator-leader";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path ROOT =
            Path.of(System.getProperty("kubeli.root", "..")).toAbsolutePath().normalize();
    static final Path JAR = ROOT.resolve("operator/target/quarkus-app/quarkus-run.jar");

    KubernetesMockServer server;
    ApplyingDispatcher dispatcher;
    KubernetesClient client;
    Path work;
    Process operator;

    @BeforeEach
    void cluster() throws IOException {
        assumeTrue(Files.exists(JAR), "operator not packaged: " + JAR);
        // JOSDK checks its Lease permissions with a SelfSubjectRulesReview before electing: answer as the chart's RBAC
        String review = MockApiServer.leaseRulesReview(NS, LEASE);
        dispatcher = new ApplyingDispatcher(review);
        server = MockApiServer.start(dispatcher);
        client = server.createClient();
        MockApiServer.applyCrds(client, ROOT.resolve("crds"), NS);
        Path out = Path.of(System.getProperty("kubeli.systemit.out", "target"));
        Files.createDirectories(out);
        work = Files.createTempDirectory(out, "packaged-operator");
        MockApiServer.writeKubeconfig(server, work.resolve("kubeconfig"), "it", NS);
    }

    @AfterEach
    void stop() {
        if (operator != null) {
            operator.descendants().forEach(ProcessHandle::destroyForcibly);
            operator.destroyForcibly();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    void startOperator() throws IOException {
        operator = MockApiServer.packagedOperator(
                        JAR, work.resolve("kubeconfig"), "packaged-it", work.resolve("operator.log"))
                .start();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(work.resolve("operator.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no operator log: " + e + ")";
        }
    }

    <T> T await(String what, Supplier<T> cond) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end && operator.isAlive()) {
            T v = cond.get();
            if (v != null && !Boolean.FALSE.equals(v)) {
                return v;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what
                + (operator.isAlive() ? "" : " (operator exited " + operator.exitValue() + ")")
                + "\n--- operator log (last lines):\n" + logTail());
    }

    @Test
    void examplesYieldWorkloadsSecretsAndStatusesThroughServerSideApply() throws Exception {
        List<HasMetadata> all = new ArrayList<>();
        for (String f : List.of("agency.yaml", "mediator.yaml", "collector.yaml", "intercept.yaml")) {
            try (InputStream in =
                    Files.newInputStream(ROOT.resolve("deploy/examples").resolve(f))) {
                all.addAll(client.load(in).items());
            }
        }
        long t0 = System.nanoTime();
        startOperator();
        await("the operator leads", () -> {
            var l = client.leases().inNamespace(NS).withName(LEASE).get();
            return l != null
                    && l.getSpec() != null
                    && "packaged-it".equals(l.getSpec().getHolderIdentity());
        });
        String med = ExamplesScenario.run(client, NS, all, this::await).mediatorWorkload();
        assertTrue(dispatcher.applies.get() > 0, "the operator patched with server-side apply");
        // a status applied later must not have dropped what the controller wrote
        assertEquals(
                2,
                client.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName(med)
                        .get()
                        .getStatus()
                        .getReadyReplicas(),
                "StatefulSet status kept across the operator's applies");
        System.out.printf(
                "figures: operator start to Intercept Active %d ms; %d apply requests%n",
                (System.nanoTime() - t0) / 1_000_000, dispatcher.applies.get());
    }
}
