package io.kubeli.systemit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.kubeli.operator.agency.AgencyReconciler;
import io.kubeli.operator.collector.CollectorReconciler;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.intercept.InterceptReconciler;
import io.kubeli.operator.mediator.MediatorReconciler;
import io.kubeli.operator.mockapi.MockApiServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The "cluster": a Fabric8 mock API server (CRUD mode) listening on loopback as a real HTTP server, with the
 * project's CRDs created in it, a kubeconfig for the processes, and the operator's four reconcilers in a plain
 * JOSDK Operator (SSA off: the mock server does not implement server-side apply).
 */
final class MockCluster implements AutoCloseable {
    final KubernetesMockServer server;
    final KubernetesClient client; // the test's "kubectl"
    private KubernetesClient operatorClient;
    private Operator operator;

    MockCluster() throws IOException {
        server = MockApiServer.start(new KubernetesCrudDispatcher());
        client = server.createClient();
    }

    /** Creates the CRDs from {@code crds/} (CRUD mode then knows the kinds and their status subresource). */
    void applyCrds(Path crdDir, String namespace) throws IOException {
        MockApiServer.applyCrds(client, crdDir, namespace);
    }

    /** A kubeconfig for processes (what a pod's service account would give them). */
    Path writeKubeconfig(Path file, String namespace) throws IOException {
        return MockApiServer.writeKubeconfig(server, file, "system-it", namespace);
    }

    /** Starts the reconcilers (Agency, Mediator, Collector, Intercept) against the mock server. */
    void startOperator(OperatorSettings settings) {
        Clock clock = Clock.systemUTC();
        operatorClient = server.createClient();
        operator = new Operator(o -> o.withKubernetesClient(operatorClient)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .checkingCRDAndValidateLocalModel(false)
                .withCloseClientOnStop(false));
        operator.register(new AgencyReconciler(clock));
        operator.register(new MediatorReconciler(settings, clock));
        operator.register(new CollectorReconciler(settings, clock));
        operator.register(new InterceptReconciler(settings, clock));
        operator.start();
    }

    @Override
    public void close() {
        if (operator != null) {
            try {
                operator.stop();
            } catch (RuntimeException e) {
                // shutting down anyway
            }
        }
        if (operatorClient != null) {
            operatorClient.close();
        }
        client.close();
        server.destroy();
    }
}
