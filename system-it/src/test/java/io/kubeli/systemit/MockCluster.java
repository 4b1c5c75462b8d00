package io.kubeli.systemit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.kubeli.operator.agency.AgencyReconciler;
import io.kubeli.operator.collector.CollectorReconciler;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.intercept.InterceptReconciler;
import io.kubeli.operator.mediator.MediatorReconciler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;

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
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    /** Creates the CRDs from {@code crds/} (CRUD mode then knows the kinds and their status subresource). */
    void applyCrds(Path crdDir, String namespace) throws IOException {
        List<Path> files;
        try (var s = Files.list(crdDir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
        if (files.size() < 4) {
            throw new IllegalStateException("expected the four CRDs in " + crdDir + ", found " + files);
        }
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                CustomResourceDefinition crd = client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(in)
                        .item();
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(crd)
                        .create();
            }
        }
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(namespace)
                        .endMetadata()
                        .build())
                .create();
    }

    /** A kubeconfig for processes (what a pod's service account would give them). */
    Path writeKubeconfig(Path file, String namespace) throws IOException {
        String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: http://%s:%d
        users:
        - name: system-it
          user:
            token: system-it
        contexts:
        - name: mock
          context:
            cluster: mock
            user: system-it
            namespace: %s
        current-context: mock
        """.formatted(InetAddress.getLoopbackAddress().getHostAddress(), server.getPort(), namespace);
        Files.writeString(file, yaml);
        return file;
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
