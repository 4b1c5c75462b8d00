package io.kubeli.systemit.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.kubeli.api.v1alpha1.Mediator;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        String review = Serialization.asJson(new SelfSubjectRulesReviewBuilder()
                .withNewSpec()
                .withNamespace(NS)
                .endSpec()
                .withNewStatus()
                .withIncomplete(false)
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withResourceNames(LEASE)
                .withVerbs("get", "update")
                .endResourceRule()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("create")
                .endResourceRule()
                .endStatus()
                .build());
        dispatcher = new ApplyingDispatcher(review);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        List<Path> crds;
        try (var s = Files.list(ROOT.resolve("crds"))) {
            crds = s.filter(p -> p.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
        assertTrue(crds.size() >= 4, "the four CRDs in crds/: " + crds);
        for (Path f : crds) {
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
                        .withName(NS)
                        .endMetadata()
                        .build())
                .create();
        Path out = Path.of(System.getProperty("kubeli.systemit.out", "target"));
        Files.createDirectories(out);
        work = Files.createTempDirectory(out, "packaged-operator");
        Files.writeString(work.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: http://%s:%d
        users:
        - name: it
          user:
            token: it
        contexts:
        - name: mock
          context:
            cluster: mock
            user: it
            namespace: %s
        current-context: mock
        """.formatted(
                        InetAddress.getLoopbackAddress().getHostAddress(), server.getPort(), NS));
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
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-jar",
                JAR.toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KUBERNETES_"));
        env.put("KUBECONFIG", work.resolve("kubeconfig").toString());
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("KUBELI_LEADER_ELECTION_IDENTITY", "packaged-it");
        pb.redirectErrorStream(true).redirectOutput(work.resolve("operator.log").toFile());
        operator = pb.start();
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

    <T extends HasMetadata> T apply(List<HasMetadata> all, String kind, Class<T> type) {
        HasMetadata h = all.stream()
                .filter(r -> kind.equals(r.getKind()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("deploy/examples has no " + kind));
        T t = Serialization.unmarshal(Serialization.asYaml(h), type);
        t.getMetadata().setNamespace(NS);
        return client.resource(t).create();
    }

    static boolean isTrue(List<Condition> conditions, String type) {
        return conditions != null
                && conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
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
        Agency agency = apply(all, "Agency", Agency.class);
        Mediator mediator = apply(all, "Mediator", Mediator.class);
        Collector collector = apply(all, "Collector", Collector.class);
        String med = "kubeli-mediator-" + mediator.getMetadata().getName();
        String col = "kubeli-collector-" + collector.getMetadata().getName();

        DaemonSet ds = await(
                "DaemonSet " + col,
                () -> client.apps().daemonSets().inNamespace(NS).withName(col).get());
        var pod = ds.getSpec().getTemplate().getSpec();
        assertTrue(pod.getHostNetwork(), "hostNetwork");
        assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy());
        assertEquals(Map.of("kubeli.io/capture", "true"), pod.getNodeSelector());
        var main = pod.getContainers().get(0);
        assertEquals(new Quantity("4"), main.getResources().getLimits().get("cpu"));
        assertEquals(main.getResources().getRequests(), main.getResources().getLimits());
        assertEquals(
                List.of("NET_ADMIN", "NET_RAW"),
                main.getSecurityContext().getCapabilities().getAdd());
        assertTrue(main.getSecurityContext().getReadOnlyRootFilesystem());

        StatefulSet sts = await(
                "StatefulSet " + med,
                () -> client.apps().statefulSets().inNamespace(NS).withName(med).get());
        assertEquals(2, sts.getSpec().getReplicas());
        assertEquals(med + "-pods", sts.getSpec().getServiceName(), "the StatefulSet's headless governing Service");
        assertEquals(
                new Quantity("10Gi"),
                sts.getSpec()
                        .getVolumeClaimTemplates()
                        .get(0)
                        .getSpec()
                        .getResources()
                        .getRequests()
                        .get("storage"));
        Service svc = await(
                "Service " + med,
                () -> client.services().inNamespace(NS).withName(med).get());
        assertEquals(9100, svc.getSpec().getPorts().get(0).getPort());
        Service pods = await(
                "Service " + med + "-pods",
                () -> client.services().inNamespace(NS).withName(med + "-pods").get());
        assertEquals("None", pods.getSpec().getClusterIP(), "headless");
        await(
                "NetworkPolicy",
                () -> client.network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(NS)
                        .withName(med)
                        .get());
        for (String name : List.of(med + "-ca", med + "-tls", col + "-tls")) {
            Secret s = await(
                    "Secret " + name,
                    () -> client.secrets().inNamespace(NS).withName(name).get());
            assertTrue(
                    s.getData() != null && s.getData().containsKey("tls.crt") || name.endsWith("-ca"),
                    name + " holds a certificate: "
                            + (s.getData() == null ? null : s.getData().keySet()));
        }
        // the collector pods mount their own client certificate, run in cluster mode with CIN slots freed, and
        // reach each mediator replica through the headless Service
        DaemonSet full = await("collector args complete", () -> {
            DaemonSet d =
                    client.apps().daemonSets().inNamespace(NS).withName(col).get();
            var p = d.getSpec().getTemplate().getSpec();
            var args = p.getContainers().get(0).getArgs();
            boolean tls = p.getVolumes().stream()
                    .anyMatch(v -> v.getSecret() != null
                            && (col + "-tls").equals(v.getSecret().getSecretName()));
            return tls && args.contains("--mediator-replicas") ? d : null;
        });
        List<String> args =
                full.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        // cluster mode: Intercepts from the API, the CIN slot from Collector status.cinSlots (no fixed --cin-slot)
        assertTrue(args.contains("--kubernetes"), "cluster mode: " + args);
        assertFalse(args.contains("--cin-slot"), "no fixed CIN slot in cluster mode: " + args);
        assertEquals("$(POD_IP)", args.get(args.indexOf("--metrics-address") + 1), "--metrics-address: " + args);

        await(
                "Agency Ready",
                () -> isTrue(
                        client.resources(Agency.class)
                                .inNamespace(NS)
                                .withName(agency.getMetadata().getName())
                                .get()
                                .getStatus()
                                .getConditions(),
                        "Ready"));
        Intercept intercept = apply(all, "Intercept", Intercept.class);
        String iname = intercept.getMetadata().getName();
        Intercept pending = await("Intercept Pending", () -> {
            Intercept x = client.resources(Intercept.class)
                    .inNamespace(NS)
                    .withName(iname)
                    .get();
            return x.getStatus() != null && x.getStatus().getPhase() == InterceptPhase.PENDING ? x : null;
        });
        assertEquals("MediatorNotReady", pending.getStatus().getReason());
        // play the StatefulSet controller: both mediator replicas ready
        StatefulSet live =
                client.apps().statefulSets().inNamespace(NS).withName(med).get();
        live.setStatus(new StatefulSetStatusBuilder()
                .withReplicas(2)
                .withReadyReplicas(2)
                .build());
        client.apps().statefulSets().inNamespace(NS).resource(live).updateStatus();
        await(
                "Mediator Ready",
                () -> isTrue(
                        client.resources(Mediator.class)
                                .inNamespace(NS)
                                .withName(mediator.getMetadata().getName())
                                .get()
                                .getStatus()
                                .getConditions(),
                        "Ready"));
        Intercept active = await("Intercept Active", () -> {
            Intercept x = client.resources(Intercept.class)
                    .inNamespace(NS)
                    .withName(iname)
                    .get();
            return x.getStatus() != null && x.getStatus().getPhase() == InterceptPhase.ACTIVE ? x : null;
        });
        assertEquals("WindowOpen", active.getStatus().getReason());
        assertFalse(active.getMetadata().getFinalizers().isEmpty(), "the Intercept carries the operator's finalizer");
        for (String type : List.of("Valid", "LiidOwned", "ReferencesReady", "WindowOpen", "Ready")) {
            assertTrue(
                    isTrue(active.getStatus().getConditions(), type),
                    "Intercept condition " + type + ": " + active.getStatus().getConditions());
        }
        Collector c = await("Collector MediatorReady", () -> {
            Collector x = client.resources(Collector.class)
                    .inNamespace(NS)
                    .withName(collector.getMetadata().getName())
                    .get();
            return x.getStatus() != null && isTrue(x.getStatus().getConditions(), "MediatorReady") ? x : null;
        });
        for (String type : List.of("Valid", "TLSReady")) {
            assertTrue(
                    isTrue(c.getStatus().getConditions(), type),
                    "Collector condition " + type + ": " + c.getStatus().getConditions());
        }
        // no node carries the capture label here: the DaemonSet has no pods, and the Collector says so
        Condition available = c.getStatus().getConditions().stream()
                .filter(x -> "Available".equals(x.getType()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("Collector has no Available condition"));
        assertEquals("False", available.getStatus());
        assertEquals("NoNodes", available.getReason());
        Mediator m = client.resources(Mediator.class)
                .inNamespace(NS)
                .withName(mediator.getMetadata().getName())
                .get();
        assertTrue(
                isTrue(m.getStatus().getConditions(), "Available"),
                "Mediator Available: " + m.getStatus().getConditions());
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
