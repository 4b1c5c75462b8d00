package io.kubeli.operator.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.mockapi.MockApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 on the packaged operator (target/quarkus-app/quarkus-run.jar, prod profile: leader election on) against
 * the Fabric8 mock API server (CRUD mode; no custom resources exist, so nothing is patched with server-side apply,
 * which the mock cannot do): two operators, SIGTERM the leader, it exits within 10 s with code 0 having released
 * the Lease, the standby leads at once; then the Lease is taken from the running leader, which exits with code 1.
 * Timing bounds are generous (2-core machine under load): 10 s to exit is the bound.
 */
class OperatorShutdownIT {
    static final String NS = "kubeli-system";
    static final String LEASE = "kubeli-operator-leader";
    static final Path JAR = Fixtures.root().resolve("operator/target/quarkus-app/quarkus-run.jar");

    KubernetesMockServer server;
    KubernetesClient client;
    Path work;
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void server() throws IOException {
        assumeTrue(Files.exists(JAR), "operator not packaged: " + JAR);
        // JOSDK checks its Lease permissions with a SelfSubjectRulesReview before electing: answer as RBAC would
        String review = MockApiServer.leaseRulesReview(NS, LEASE);
        server = MockApiServer.start(new KubernetesCrudDispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
                    return new MockResponse().setResponseCode(201).setBody(review);
                }
                return super.dispatch(request);
            }
        });
        client = server.createClient();
        work = Files.createTempDirectory(Path.of("target"), "shutdown-it");
        MockApiServer.writeKubeconfig(server, work.resolve("kubeconfig"), "it", NS);
    }

    @AfterEach
    void stop() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    Process start(String identity) throws IOException {
        ProcessBuilder pb = MockApiServer.packagedOperator(
                JAR, work.resolve("kubeconfig"), identity, work.resolve(identity + ".log"));
        pb.environment().put("HOSTNAME", identity); // JOSDK's default identity (what a build without the setting uses)
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    String holder() {
        Lease l = client.leases().inNamespace(NS).withName(LEASE).get();
        return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
    }

    String log(String identity) {
        try {
            return Files.readString(work.resolve(identity + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    <T> T await(String what, Duration bound, Supplier<T> cond) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < end) {
            if (processes.stream().anyMatch(p -> !p.isAlive() && p.exitValue() != 0 && p.exitValue() != 1)) {
                break; // an operator died (e.g. failed to start): report its log at once
            }
            T v = cond.get();
            if (v != null && !Boolean.FALSE.equals(v)) {
                return v;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "\n--- op-a:\n" + tail(log("op-a")) + "\n--- op-b:\n"
                + tail(log("op-b")));
    }

    static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    @Test
    void sigtermReleasesTheLeaseAndExitsZeroAndALostLeaseEndsTheProcess() throws Exception {
        Process a = start("op-a");
        await("op-a leads", Duration.ofSeconds(90), () -> "op-a".equals(holder()));
        Process b = start("op-b");
        await(
                "op-b started as standby",
                Duration.ofSeconds(90),
                () -> log("op-b").contains("New leader with identity: op-a"));

        long t0 = System.nanoTime();
        a.destroy(); // SIGTERM
        boolean exited = a.waitFor(10, TimeUnit.SECONDS);
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(exited, "the leader did not exit within 10 s of SIGTERM\n" + tail(log("op-a")));
        assertEquals(0, a.exitValue(), tail(log("op-a")));
        assertTrue(log("op-a").contains("released the leader Lease"), tail(log("op-a")));
        await("op-b leads", Duration.ofSeconds(10), () -> "op-b".equals(holder()));
        long takeoverMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("figures: SIGTERM to exit %d ms; SIGTERM to standby leading %d ms%n", stopMs, takeoverMs);

        // take the Lease away from the running leader (as a second operator or an admin would)
        // like any writer of a Lease the intruder retries when the holder renewed in between (409 Conflict)
        for (int attempt = 1; ; attempt++) {
            Lease l = client.leases().inNamespace(NS).withName(LEASE).get();
            l.getSpec().setHolderIdentity("intruder");
            l.getSpec().setLeaseDurationSeconds(60);
            l.getSpec().setRenewTime(ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS));
            try {
                client.leases().inNamespace(NS).resource(l).update();
                break;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 20) throw e;
            }
        }
        long t1 = System.nanoTime();
        boolean lostExit = b.waitFor(40, TimeUnit.SECONDS);
        long lostMs = (System.nanoTime() - t1) / 1_000_000;
        assertTrue(lostExit, "the operator that lost its Lease did not end\n" + tail(log("op-b")));
        assertEquals(1, b.exitValue(), tail(log("op-b")));
        assertTrue(log("op-b").contains("lost the leader Lease"), tail(log("op-b")));
        assertEquals("intruder", holder(), "the process that lost the Lease must not release or overwrite it");
        System.out.printf("figures: Lease taken to exit %d ms%n", lostMs);
    }
}
