package io.kubeli.operator.collector;

import static io.kubeli.operator.OperatorHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.CollectorStatus;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.MutableClock;
import io.kubeli.operator.OperatorHarness;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.mediator.MediatorCertificates;
import io.kubeli.operator.mediator.MediatorReconciler;
import io.kubeli.pki.CertificateAuthority;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Collector reconciler against the mock API server: workloads, status and conditions, config roll. */
@EnableKubernetesMockClient(crud = true, https = false)
class CollectorReconcilerTest {
    static KubernetesClient client;
    static io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;

    @Test
    void collectorBecomesDaemonSetAndReportsNodes() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (var h = new OperatorHarness(client, new CollectorReconciler(OperatorSettings.defaults(), clock))) {
            client.resource(Fixtures.collector("collector-dpdk.yaml")).create();
            String name = "kubeli-collector-core-dpdk";
            DaemonSet ds = await(
                    "DaemonSet",
                    () -> client.apps()
                            .daemonSets()
                            .inNamespace("li")
                            .withName(name)
                            .get());
            assertTrue(ds.getSpec().getTemplate().getSpec().getHostNetwork());
            assertEquals(
                    "core-dpdk", ds.getMetadata().getOwnerReferences().get(0).getName());
            ConfigMap cm = await(
                    "ConfigMap",
                    () -> client.configMaps().inNamespace("li").withName(name).get());
            assertTrue(cm.getData()
                    .get(CollectorConfig.FILE)
                    .contains("mediator.address=kubeli-mediator-central.li.svc:9100"));
            await(
                    "ServiceAccount",
                    () -> client.resources(ServiceAccount.class)
                            .inNamespace("li")
                            .withName(name)
                            .get());
            Role role = await(
                    "Role",
                    () -> client.rbac().roles().inNamespace("li").withName(name).get());
            assertEquals("core-dpdk", role.getRules().get(1).getResourceNames().get(0));
            await(
                    "RoleBinding",
                    () -> client.resources(RoleBinding.class)
                            .inNamespace("li")
                            .withName(name)
                            .get());

            Collector c = await("status", () -> {
                Collector x = client.resources(Collector.class)
                        .inNamespace("li")
                        .withName("core-dpdk")
                        .get();
                return x.getStatus() != null
                                && x.getStatus().getConditions() != null
                                && !x.getStatus().getConditions().isEmpty()
                        ? x
                        : null;
            });
            Condition ready = ConditionSet.find(c.getStatus().getConditions(), "Ready");
            assertEquals("False", ready.getStatus());
            assertEquals(1L, ready.getObservedGeneration());
            assertEquals(
                    "MediatorNotFound",
                    ConditionSet.find(c.getStatus().getConditions(), "MediatorReady")
                            .getReason());
            assertEquals(
                    "True",
                    ConditionSet.find(c.getStatus().getConditions(), "Valid").getStatus());

            // the DaemonSet controller reports 3 of 3 pods ready
            DaemonSet live =
                    client.apps().daemonSets().inNamespace("li").withName(name).get();
            live.setStatus(new DaemonSetStatusBuilder()
                    .withDesiredNumberScheduled(3)
                    .withNumberReady(3)
                    .withCurrentNumberScheduled(3)
                    .withNumberMisscheduled(0)
                    .build());
            client.apps().daemonSets().inNamespace("li").resource(live).updateStatus();
            Collector reported = await("ready nodes", () -> {
                Collector x = client.resources(Collector.class)
                        .inNamespace("li")
                        .withName("core-dpdk")
                        .get();
                return Integer.valueOf(3).equals(x.getStatus().getReadyNodes()) ? x : null;
            });
            assertEquals(3, reported.getStatus().getDesiredNodes());
            assertEquals(
                    "True",
                    ConditionSet.find(reported.getStatus().getConditions(), "Available")
                            .getStatus());

            // a config change rolls the pods through the checksum annotation
            String before =
                    ds.getSpec().getTemplate().getMetadata().getAnnotations().get(Labels.CONFIG_CHECKSUM);
            Collector edit = client.resources(Collector.class)
                    .inNamespace("li")
                    .withName("core-dpdk")
                    .get();
            edit.getSpec().setThreads(8);
            client.resource(edit).update();
            String after = await("rolled checksum", () -> {
                String a = client.apps()
                        .daemonSets()
                        .inNamespace("li")
                        .withName(name)
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(Labels.CONFIG_CHECKSUM);
                return a.equals(before) ? null : a;
            });
            assertNotEquals(before, after);
            // the ConfigMap and the DaemonSet are separate dependents: the ConfigMap may land a moment later
            await(
                    "config map updated",
                    () -> client.configMaps()
                                    .inNamespace("li")
                                    .withName(name)
                                    .get()
                                    .getData()
                                    .get(CollectorConfig.FILE)
                                    .contains("threads=8")
                            ? Boolean.TRUE
                            : null);
        }
    }

    @Test
    void invalidCollectorGetsClearConditionAndNoWorkload() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (var h = new OperatorHarness(client, new CollectorReconciler(OperatorSettings.defaults(), clock))) {
            Collector c = Fixtures.collector("collector-dpdk.yaml");
            c.getMetadata().setName("bad");
            c.getSpec().setCpus(null);
            client.resource(c).create();
            Collector x = await("invalid status", () -> {
                Collector y = client.resources(Collector.class)
                        .inNamespace("li")
                        .withName("bad")
                        .get();
                return y.getStatus() != null && ConditionSet.find(y.getStatus().getConditions(), "Valid") != null
                        ? y
                        : null;
            });
            Condition valid = ConditionSet.find(x.getStatus().getConditions(), "Valid");
            assertEquals("False", valid.getStatus());
            assertEquals("InvalidSpec", valid.getReason());
            assertTrue(valid.getMessage().contains("dpdk sources need spec.cpus"));
            // kubectl get collectors: READY (from the Ready condition) shows the invalid spec
            assertEquals(
                    "False",
                    ConditionSet.find(x.getStatus().getConditions(), "Ready").getStatus());
            assertEquals(
                    "InvalidSpec",
                    ConditionSet.find(x.getStatus().getConditions(), "Ready").getReason());
            assertEquals(
                    null,
                    client.apps()
                            .daemonSets()
                            .inNamespace("li")
                            .withName("kubeli-collector-bad")
                            .get());
        }
    }

    private static Collector collector(String ns, String name) {
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        c.getMetadata().setNamespace(ns);
        c.getMetadata().setName(name);
        return c;
    }

    private static java.security.cert.X509Certificate cert(Secret s) {
        return CertificateAuthority.parseCert(MediatorCertificates.decode(s, "tls.crt"));
    }

    /**
     * Issue 17: the referenced Mediator is read from the informer cache, never fetched by name per reconcile; a
     * Mediator created after its Collector still reaches it (through the reference event source), and so does its
     * removal.
     */
    @Test
    void referencedMediatorComesFromTheInformerCache() throws Exception {
        String ns = "cache";
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (var h = new OperatorHarness(client, new CollectorReconciler(OperatorSettings.defaults(), clock))) {
            while (server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
                // drop what earlier tests sent
            }
            client.resource(collector(ns, "edge")).create();
            await("MediatorNotFound", () -> "MediatorNotFound".equals(mediatorReason(ns, "edge")) ? true : null);
            Mediator m = Fixtures.mediator("mediator.yaml");
            m.getMetadata().setNamespace(ns);
            client.resource(m).create();
            await(
                    "mediator seen",
                    () -> mediatorReason(ns, "edge") != null && !"MediatorNotFound".equals(mediatorReason(ns, "edge"))
                            ? true
                            : null);
            client.resources(Mediator.class).inNamespace(ns).withName("central").delete();
            await("mediator gone", () -> "MediatorNotFound".equals(mediatorReason(ns, "edge")) ? true : null);
            String byName = "/apis/li.kubeli.io/v1alpha1/namespaces/" + ns + "/mediators/central";
            java.util.List<String> gets = new java.util.ArrayList<>();
            for (var r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                    r != null;
                    r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (r.getMethod().equals("GET") && r.getPath().equals(byName)) {
                    gets.add(r.getPath());
                }
            }
            assertEquals(java.util.List.of(), gets, "the Mediator is read from the cache, not fetched per reconcile");
        }
    }

    private static String mediatorReason(String ns, String name) {
        Collector x =
                client.resources(Collector.class).inNamespace(ns).withName(name).get();
        Condition c = x == null || x.getStatus() == null
                ? null
                : ConditionSet.find(x.getStatus().getConditions(), "MediatorReady");
        return c == null ? null : c.getReason();
    }

    /** Contract C2 (issue 12 obs 3): one client certificate per Collector, its name as the subject. */
    @Test
    void eachCollectorGetsItsOwnClientCertificateSignedByItsMediatorsCa() throws Exception {
        String ns = "tls";
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        OperatorSettings s = OperatorSettings.defaults();
        try (var h = new OperatorHarness(client, new MediatorReconciler(s, clock), new CollectorReconciler(s, clock))) {
            Mediator m = Fixtures.mediator("mediator.yaml");
            m.getMetadata().setNamespace(ns);
            client.resource(m).create();
            client.resource(collector(ns, "edge-a")).create();
            client.resource(collector(ns, "edge-b")).create();
            Secret a = await(
                    "edge-a cert",
                    () -> client.secrets()
                            .inNamespace(ns)
                            .withName("kubeli-collector-edge-a-tls")
                            .get());
            Secret b = await(
                    "edge-b cert",
                    () -> client.secrets()
                            .inNamespace(ns)
                            .withName("kubeli-collector-edge-b-tls")
                            .get());
            Secret ca = client.secrets()
                    .inNamespace(ns)
                    .withName("kubeli-mediator-central-ca")
                    .get();
            var caCert = CertificateAuthority.parseCert(MediatorCertificates.decode(ca, "ca.crt"));
            for (var e : java.util.Map.of("edge-a", a, "edge-b", b).entrySet()) {
                var x = cert(e.getValue());
                x.verify(caCert.getPublicKey());
                assertEquals("kubeli-collector:" + e.getKey(), CertificateAuthority.commonName(x));
                assertTrue(x.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "clientAuth");
                assertEquals(
                        e.getKey(),
                        e.getValue()
                                .getMetadata()
                                .getOwnerReferences()
                                .getFirst()
                                .getName());
                assertEquals(
                        "Collector",
                        e.getValue()
                                .getMetadata()
                                .getOwnerReferences()
                                .getFirst()
                                .getKind());
                // the DaemonSet of that Collector mounts its own Secret, not a shared one
                await(
                        e.getKey() + " mounts its cert",
                        () -> client
                                        .apps()
                                        .daemonSets()
                                        .inNamespace(ns)
                                        .withName("kubeli-collector-" + e.getKey())
                                        .get()
                                        .getSpec()
                                        .getTemplate()
                                        .getSpec()
                                        .getVolumes()
                                        .stream()
                                        .anyMatch(v -> v.getSecret() != null
                                                && v.getSecret()
                                                        .getSecretName()
                                                        .equals("kubeli-collector-" + e.getKey() + "-tls"))
                                ? true
                                : null);
            }
            assertNotEquals(cert(a).getPublicKey(), cert(b).getPublicKey());
            assertEquals(
                    null,
                    client.secrets()
                            .inNamespace(ns)
                            .withName("kubeli-mediator-central-client-tls")
                            .get());

            // hostile: edge-b's certificate copied into edge-a's Secret is replaced by one naming edge-a again
            // (edits race the operator's own writes: re-read and retry on 409 like kubectl edit)
            await("edge-b's certificate swapped in", () -> {
                Secret swapped = client.secrets()
                        .inNamespace(ns)
                        .withName("kubeli-collector-edge-a-tls")
                        .get();
                swapped.setData(new java.util.HashMap<>(b.getData()));
                return updated(() -> client.resource(swapped).update());
            });
            await("edge-a's spec edited", () -> {
                Collector edit = client.resources(Collector.class)
                        .inNamespace(ns)
                        .withName("edge-a")
                        .get();
                edit.getSpec().setThreads(2);
                return updated(() -> client.resource(edit).update());
            });
            await(
                    "edge-a re-issued",
                    () -> "kubeli-collector:edge-a"
                                    .equals(CertificateAuthority.commonName(cert(client.secrets()
                                            .inNamespace(ns)
                                            .withName("kubeli-collector-edge-a-tls")
                                            .get())))
                            ? true
                            : null);
        }
    }

    @Test
    void collectorCertificateRotatesWithAThirdLeftAndWaitsForTheCa() {
        Collector c = collector("li", "edge");
        c.getMetadata().setUid("uid-edge");
        Mediator m = Fixtures.mediator("mediator.yaml");
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        OperatorSettings s = OperatorSettings.defaults();
        // misconfiguration / ordering: no CA yet (mediator not reconciled): nothing issued, the caller retries
        assertEquals(null, CollectorCertificate.plan(c, null, null, null, t0, s));
        var mp = MediatorCertificates.plan(m, null, null, t0, s);
        Secret ca = mp.toWrite().get(0);
        Secret server = mp.toWrite().get(1);
        var first = CollectorCertificate.plan(c, ca, server, null, t0, s);
        assertNotEquals(null, first.toWrite());
        assertEquals(
                null,
                CollectorCertificate.plan(c, ca, server, first.toWrite(), t0.plus(Duration.ofDays(30)), s)
                        .toWrite());
        var renewed = CollectorCertificate.plan(c, ca, server, first.toWrite(), t0.plus(Duration.ofDays(61)), s);
        assertNotEquals(null, renewed.toWrite());
        assertEquals(
                MediatorCertificates.decode(server, "ca.crt"),
                MediatorCertificates.decode(renewed.toWrite(), "ca.crt"));
        // a certificate of another CA (e.g. the mediator was re-created) is replaced at once
        var other = MediatorCertificates.plan(m, null, null, t0, s);
        assertNotEquals(
                null,
                CollectorCertificate.plan(
                                c,
                                other.toWrite().get(0),
                                other.toWrite().get(1),
                                first.toWrite(),
                                t0.plusSeconds(10),
                                s)
                        .toWrite());
    }

    private static Pod pod(String ns, Collector c, String name, String node, String affinityNode) {
        var b = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(Labels.selector("collector", c))
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("collector")
                .withImage("x")
                .endContainer();
        if (affinityNode != null) {
            b = b.withNewAffinity()
                    .withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm()
                    .addNewMatchField()
                    .withKey("metadata.name")
                    .withOperator("In")
                    .withValues(affinityNode)
                    .endMatchField()
                    .endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity()
                    .endAffinity();
        }
        return client.resource(b.endSpec().build()).create();
    }

    private static void scheduled(String ns, String collector, int n) {
        DaemonSet live = client.apps()
                .daemonSets()
                .inNamespace(ns)
                .withName("kubeli-collector-" + collector)
                .get();
        live.setStatus(new DaemonSetStatusBuilder()
                .withDesiredNumberScheduled(n)
                .withCurrentNumberScheduled(n)
                .withNumberReady(0)
                .withNumberMisscheduled(0)
                .build());
        client.apps().daemonSets().inNamespace(ns).resource(live).updateStatus();
    }

    private static java.util.Map<String, Integer> slots(String ns, String name, int expected) {
        return await(name + " slots", () -> {
            Collector x = client.resources(Collector.class)
                    .inNamespace(ns)
                    .withName(name)
                    .get();
            return x != null
                            && x.getStatus() != null
                            && x.getStatus().getCinSlots() != null
                            && x.getStatus().getCinSlots().size() == expected
                    ? x.getStatus().getCinSlots()
                    : null;
        });
    }

    /** Contract C3 (issue 12 obs 5): each instance its own CIN slot, stable, never reused in the namespace. */
    @Test
    void cinSlotsAreAssignedPerNodeStableAndNeverReused() {
        String ns = "slots";
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (var h = new OperatorHarness(client, new CollectorReconciler(OperatorSettings.defaults(), clock))) {
            Collector a = client.resource(collector(ns, "cap-a")).create();
            await(
                    "DaemonSet a",
                    () -> client.apps()
                            .daemonSets()
                            .inNamespace(ns)
                            .withName("kubeli-collector-cap-a")
                            .get());
            pod(ns, a, "cap-a-1", "node-1", null);
            pod(ns, a, "cap-a-2", "node-2", null);
            pod(ns, a, "cap-a-3", null, "node-3"); // created by the DaemonSet controller, not bound yet
            scheduled(ns, "cap-a", 3);
            assertEquals(java.util.Map.of("node-1", 0, "node-2", 1, "node-3", 2), slots(ns, "cap-a", 3));
            ConfigMap ledger = client.configMaps()
                    .inNamespace(ns)
                    .withName("kubeli-cin-slots")
                    .get();
            assertEquals(java.util.Set.of("0", "1", "2"), ledger.getData().keySet());
            assertTrue(ledger.getData().get("0").startsWith("cap-a/node-1/"));

            Collector b = client.resource(collector(ns, "cap-b")).create();
            await(
                    "DaemonSet b",
                    () -> client.apps()
                            .daemonSets()
                            .inNamespace(ns)
                            .withName("kubeli-collector-cap-b")
                            .get());
            pod(ns, b, "cap-b-1", "node-1", null);
            scheduled(ns, "cap-b", 1);
            assertEquals(java.util.Map.of("node-1", 3), slots(ns, "cap-b", 1));

            // hostile edit: cap-b's status claims cap-a's slot on node-1; the ledger puts it back and warns
            Collector tampered = client.resources(Collector.class)
                    .inNamespace(ns)
                    .withName("cap-b")
                    .get();
            tampered.getStatus().setCinSlots(new java.util.TreeMap<>(java.util.Map.of("node-1", 0)));
            client.resource(tampered).updateStatus();
            tampered = client.resources(Collector.class)
                    .inNamespace(ns)
                    .withName("cap-b")
                    .get();
            tampered.getSpec().setThreads(3);
            client.resource(tampered).update();
            await(
                    "cap-b restored",
                    () -> Integer.valueOf(3)
                                    .equals(client.resources(Collector.class)
                                            .inNamespace(ns)
                                            .withName("cap-b")
                                            .get()
                                            .getStatus()
                                            .getCinSlots()
                                            .get("node-1"))
                            ? true
                            : null);
            await(
                    "conflict event",
                    () -> client.v1().events().inNamespace(ns).list().getItems().stream()
                                    .anyMatch(e -> e.getReason().equals("CinSlotConflict"))
                            ? true
                            : null);

            // a new pod on node-1 (pod restart) keeps the slot; a deleted and re-created cap-a gets fresh slots
            client.pods().inNamespace(ns).withName("cap-a-1").delete();
            pod(ns, a, "cap-a-1b", "node-1", null);
            scheduled(ns, "cap-a", 3);
            assertEquals(0, slots(ns, "cap-a", 3).get("node-1"));
            client.resources(Collector.class).inNamespace(ns).withName("cap-a").delete();
            await(
                    "cap-a gone",
                    () -> client.resources(Collector.class)
                                    .inNamespace(ns)
                                    .withName("cap-a")
                                    .get()
                            == null);
            client.resource(collector(ns, "cap-a")).create();
            scheduled(ns, "cap-a", 3);
            java.util.Map<String, Integer> again = slots(ns, "cap-a", 3);
            assertEquals(java.util.Set.of(4, 5, 6), new java.util.HashSet<>(again.values()), again.toString());
            assertEquals(
                    7,
                    client.configMaps()
                            .inNamespace(ns)
                            .withName("kubeli-cin-slots")
                            .get()
                            .getData()
                            .size());
        }
    }

    /**
     * Misconfiguration: a Collector outside liNamespaces (the chart grants Pods and Secrets only there, and the
     * informers watch only there): no slot, a clear condition, and its namespace's Pods are never listed.
     */
    @Test
    void outsideLiNamespacesNoSlotIsGivenAndTheConditionSaysWhy() throws Exception {
        String ns = "nopods";
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        OperatorSettings s = OperatorSettings.defaults().withLiNamespaces(java.util.List.of("li"));
        try (var h = new OperatorHarness(client, new CollectorReconciler(s, clock))) {
            requests(x -> false);
            Collector c = client.resource(collector(ns, "cap")).create();
            pod(ns, c, "cap-1", "node-1", null);
            Condition slots = await("forbidden condition", () -> {
                Collector x = client.resources(Collector.class)
                        .inNamespace(ns)
                        .withName("cap")
                        .get();
                return x.getStatus() == null
                        ? null
                        : ConditionSet.find(x.getStatus().getConditions(), "CinSlotsAssigned");
            });
            assertEquals("Forbidden", slots.getReason());
            assertTrue(slots.getMessage().contains("liNamespaces"));
            assertTrue(client.resources(Collector.class)
                    .inNamespace(ns)
                    .withName("cap")
                    .get()
                    .getStatus()
                    .getCinSlots()
                    .isEmpty());
            assertEquals(
                    java.util.List.of(),
                    requests(r -> r.startsWith("GET /api/v1/pods")
                            || r.startsWith("GET /api/v1/namespaces/" + ns + "/pods?")),
                    "no pod list outside liNamespaces");
        }
    }

    /** Requests to the mock server since the last call whose method and path match (drains the queue). */
    private static java.util.List<String> requests(java.util.function.Predicate<String> matches) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (var r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                r != null;
                r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (matches.test(r.getMethod() + " " + r.getPath())) {
                out.add(r.getMethod() + " " + r.getPath());
            }
        }
        return out;
    }

    /**
     * Issue 17: the certificate Secrets (the Mediator's CA and server Secrets, each Collector's own), the CIN slot
     * ledger and the collector pods are read from informer caches, never fetched per reconcile (the old code: three
     * Secret GETs, one ledger GET and one pod LIST per Collector reconcile, two Secret GETs per Mediator reconcile).
     */
    @Test
    void secretsAndTheSlotLedgerComeFromInformerCaches() throws Exception {
        String ns = "cached";
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        OperatorSettings s = OperatorSettings.defaults();
        try (var h = new OperatorHarness(client, new MediatorReconciler(s, clock), new CollectorReconciler(s, clock))) {
            requests(x -> false); // drop what earlier tests sent
            Mediator m = Fixtures.mediator("mediator.yaml");
            m.getMetadata().setNamespace(ns);
            client.resource(m).create();
            Collector a = client.resource(collector(ns, "edge")).create();
            await(
                    "client certificate",
                    () -> client.secrets().inNamespace(ns).list().getItems().stream()
                                    .anyMatch(x -> x.getMetadata().getName().equals("kubeli-collector-edge-tls"))
                            ? true
                            : null);
            await(
                    "DaemonSet",
                    () -> client.apps()
                            .daemonSets()
                            .inNamespace(ns)
                            .withName("kubeli-collector-edge")
                            .get());
            pod(ns, a, "edge-1", "node-1", null);
            pod(ns, a, "edge-2", "node-2", null);
            scheduled(ns, "edge", 2);
            assertEquals(java.util.Map.of("node-1", 0, "node-2", 1), slots(ns, "edge", 2));
            // more reconciles: a spec edit, a third node
            await("spec edited", () -> {
                Collector edit = client.resources(Collector.class)
                        .inNamespace(ns)
                        .withName("edge")
                        .get();
                edit.getSpec().setThreads(2);
                return updated(() -> client.resource(edit).update());
            });
            pod(ns, a, "edge-3", "node-3", null);
            scheduled(ns, "edge", 3);
            assertEquals(2, slots(ns, "edge", 3).get("node-3"));
            java.util.List<String> gets = requests(r -> r.startsWith("GET /api/v1/namespaces/" + ns + "/secrets/")
                    || r.startsWith("GET /api/v1/namespaces/" + ns + "/configmaps/kubeli-cin-slots")
                    || r.startsWith("GET /api/v1/namespaces/" + ns + "/pods?")
                    || r.matches("GET /apis/li\\.kubeli\\.io/v1alpha1/namespaces/" + ns + "/collectors(\\?.*)?"));
            assertEquals(java.util.List.of(), gets, "Secrets, the ledger and the collector pods are read from caches");
            // the ledger has exactly the three slots, written once each (no reassignment on a cache behind)
            ConfigMap ledger = client.configMaps().inNamespace(ns).list().getItems().stream()
                    .filter(x -> x.getMetadata().getName().equals("kubeli-cin-slots"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(java.util.Set.of("0", "1", "2"), ledger.getData().keySet());
        }
    }

    /**
     * Issue 17, C3: the ledger is read from a cache that may be behind; a slot decided on a stale ledger is never
     * given: the write (an update with the cached resourceVersion, or a create when the cache shows none) fails with
     * 409, the status keeps what it had, the server's ledger is unchanged; the next attempt on the caught-up ledger
     * gives the next free slot.
     */
    @Test
    void aStaleLedgerNeverGivesASlotTwice() {
        String ns = "stale";
        CollectorReconciler r = new CollectorReconciler(
                OperatorSettings.defaults(), new MutableClock(Instant.parse("2030-01-01T00:00:00Z")));
        var stub = io.kubeli.operator.StubContext.<Collector>of(client);
        ConfigMap stale = client.resource(CinSlots.newLedger(ns)).create(); // what the cache still shows: empty
        ConfigMap moved = new io.fabric8.kubernetes.api.model.ConfigMapBuilder(stale).build();
        moved.setData(java.util.Map.of("0", "cap-a/node-1/uid-a")); // meanwhile cap-a got slot 0
        client.resource(moved).update();
        Collector b = client.resource(collector(ns, "cap-b")).create();
        pod(ns, b, "cap-b-1", "node-1", null);
        DaemonSet ds = new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder()
                .withNewMetadata()
                .withName("kubeli-collector-cap-b")
                .withNamespace(ns)
                .endMetadata()
                .withStatus(new DaemonSetStatusBuilder()
                        .withDesiredNumberScheduled(1)
                        .build())
                .build();
        for (ConfigMap cached : java.util.Arrays.asList(stale, null)) {
            CollectorStatus owned = CollectorReconciler.emptyStatus();
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    io.fabric8.kubernetes.client.KubernetesClientException.class,
                    () -> r.assignCinSlots(b, stub, ds, cached, owned, new ConditionSet()));
            assertEquals(409, e.getCode(), String.valueOf(cached));
            assertEquals(java.util.Map.of(), owned.getCinSlots(), "nothing given on a stale ledger");
            assertEquals(
                    java.util.Map.of("0", "cap-a/node-1/uid-a"),
                    client.configMaps()
                            .inNamespace(ns)
                            .withName("kubeli-cin-slots")
                            .get()
                            .getData(),
                    "slot 0 stays cap-a's");
        }
        // the cache caught up: the next free slot
        ConfigMap current =
                client.configMaps().inNamespace(ns).withName("kubeli-cin-slots").get();
        CollectorStatus owned = CollectorReconciler.emptyStatus();
        ConditionSet conditions = new ConditionSet();
        r.assignCinSlots(b, stub, ds, current, owned, conditions);
        assertEquals(java.util.Map.of("node-1", 1), owned.getCinSlots());
        var data = client.configMaps()
                .inNamespace(ns)
                .withName("kubeli-cin-slots")
                .get()
                .getData();
        assertEquals("cap-a/node-1/uid-a", data.get("0"));
        assertTrue(data.get("1").startsWith("cap-b/node-1/"), data.toString());
        // an assigned slot whose ledger entry a stale cache does not show yet is kept, never changed (the re-seeding
        // write fails and the status keeps the slot)
        Collector assigned = client.resources(Collector.class)
                .inNamespace(ns)
                .withName("cap-b")
                .get();
        assigned.setStatus(CollectorReconciler.emptyStatus());
        assigned.getStatus().setCinSlots(new java.util.TreeMap<>(java.util.Map.of("node-1", 1)));
        CollectorStatus kept = CollectorReconciler.emptyStatus();
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                io.fabric8.kubernetes.client.KubernetesClientException.class,
                () -> r.assignCinSlots(assigned, stub, ds, stale, kept, new ConditionSet()));
        assertEquals(409, e.getCode());
        assertEquals(java.util.Map.of("node-1", 1), kept.getCinSlots());
    }

    /** True once {@code write} succeeded, null on a 409 conflict (to be retried by await). */
    private static Boolean updated(Runnable write) {
        try {
            write.run();
            return true;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() == 409) {
                return null;
            }
            throw e;
        }
    }
}
