package io.kubeli.operator.mockapi;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Set-up shared by the tests that run an operator against the Fabric8 mock API server on loopback (in-process or the
 * packaged jar as a process): start it, create the project's CRDs and a namespace, write a kubeconfig, answer the
 * leader-election permission check. Exported in the operator's test-jar for system-it.
 */
public final class MockApiServer {
    private MockApiServer() {}

    /** A mock API server listening on loopback with {@code dispatcher} (not HTTPS: the kubeconfig says http). */
    public static KubernetesMockServer start(Dispatcher dispatcher) {
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    /** Creates the CRDs in {@code crdDir} (all four, else fails) and the namespace {@code namespace}. */
    public static void applyCrds(KubernetesClient client, Path crdDir, String namespace) throws IOException {
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

    /** Writes a kubeconfig for processes (what a pod's service account would give them) to {@code file}. */
    public static Path writeKubeconfig(KubernetesMockServer server, Path file, String user, String namespace)
            throws IOException {
        Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: http://%s:%d
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: mock
          context:
            cluster: mock
            user: %s
            namespace: %s
        current-context: mock
        """.formatted(
                InetAddress.getLoopbackAddress().getHostAddress(), server.getPort(), user, user, user, namespace));
        return file;
    }

    /**
     * The SelfSubjectRulesReview answer JOSDK asks for before electing a leader: get/update the Lease {@code lease}
     * and create Leases in {@code namespace}, as the chart's RBAC grants.
     */
    public static String leaseRulesReview(String namespace, String lease) {
        return Serialization.asJson(new SelfSubjectRulesReviewBuilder()
                .withNewSpec()
                .withNamespace(namespace)
                .endSpec()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withResourceNames(lease)
                .withVerbs("get", "update")
                .endResourceRule()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("create")
                .endResourceRule()
                .endStatus()
                .build());
    }

    /**
     * The packaged operator ({@code jar}, prod profile) as a process against the kubeconfig: small heap, no in-cluster
     * variables inherited, a free HTTP port, leader identity {@code identity}, output to {@code log}. Not started.
     */
    public static ProcessBuilder packagedOperator(Path jar, Path kubeconfig, String identity, Path log) {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-jar",
                jar.toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KUBERNETES_"));
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("KUBELI_LEADER_ELECTION_IDENTITY", identity);
        return pb.redirectErrorStream(true).redirectOutput(log.toFile());
    }
}
