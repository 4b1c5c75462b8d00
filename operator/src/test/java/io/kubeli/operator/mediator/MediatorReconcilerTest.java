package io.kubeli.operator.mediator;

import static io.kubeli.operator.OperatorHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.MutableClock;
import io.kubeli.operator.OperatorHarness;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.OperatorSettings;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Mediator reconciler against the mock API server: workloads, TLS Secrets, status and Events. */
@EnableKubernetesMockClient(crud = true, https = false)
class MediatorReconcilerTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    @Test
    void mediatorBecomesStatefulSetServicePolicyAndCertificates() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (var h = new OperatorHarness(client, new MediatorReconciler(OperatorSettings.defaults(), clock))) {
            client.resource(Fixtures.mediator("mediator.yaml")).create();
            String name = "kubeli-mediator-central";
            StatefulSet sts = await(
                    "StatefulSet",
                    () -> client.apps()
                            .statefulSets()
                            .inNamespace("li")
                            .withName(name)
                            .get());
            assertEquals(
                    "buffer",
                    sts.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName());
            Service svc = await(
                    "Service",
                    () -> client.services().inNamespace("li").withName(name).get());
            assertEquals(9100, svc.getSpec().getPorts().get(0).getPort());
            NetworkPolicy np = await(
                    "NetworkPolicy",
                    () -> client.network()
                            .v1()
                            .networkPolicies()
                            .inNamespace("li")
                            .withName(name)
                            .get());
            assertEquals(
                    9100,
                    np.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal());
            for (String s : new String[] {name + "-ca", name + "-tls"}) {
                assertTrue(await(
                                s,
                                () -> client.secrets()
                                        .inNamespace("li")
                                        .withName(s)
                                        .get())
                        .getData()
                        .containsKey("ca.crt"));
            }
            // no shared client certificate any more: each Collector gets its own (C2)
            assertEquals(
                    null,
                    client.secrets()
                            .inNamespace("li")
                            .withName(name + "-client-tls")
                            .get());
            // C4: the StatefulSet is governed by a headless Service, giving each replica a stable DNS name
            Service pods = await(
                    "headless Service",
                    () -> client.services()
                            .inNamespace("li")
                            .withName(name + "-pods")
                            .get());
            assertEquals("None", pods.getSpec().getClusterIP());
            assertEquals(name + "-pods", sts.getSpec().getServiceName());
            Mediator m = await("status", () -> {
                Mediator x = client.resources(Mediator.class)
                        .inNamespace("li")
                        .withName("central")
                        .get();
                return x.getStatus() != null && ConditionSet.find(x.getStatus().getConditions(), "TLSReady") != null
                        ? x
                        : null;
            });
            assertEquals(
                    "False",
                    ConditionSet.find(m.getStatus().getConditions(), "Ready").getStatus());
            assertEquals(
                    "OperatorManaged",
                    ConditionSet.find(m.getStatus().getConditions(), "TLSReady").getReason());
            Event issued = await(
                    "event",
                    () -> client.v1().events().inNamespace("li").list().getItems().stream()
                            .filter(e -> e.getReason().equals("CertificatesIssued"))
                            .findFirst()
                            .orElse(null));
            assertEquals("Mediator", issued.getInvolvedObject().getKind());

            StatefulSet live = client.apps()
                    .statefulSets()
                    .inNamespace("li")
                    .withName(name)
                    .get();
            live.setStatus(new StatefulSetStatusBuilder()
                    .withReplicas(2)
                    .withReadyReplicas(2)
                    .build());
            client.apps().statefulSets().inNamespace("li").resource(live).updateStatus();
            Mediator ready = await("ready", () -> {
                Mediator x = client.resources(Mediator.class)
                        .inNamespace("li")
                        .withName("central")
                        .get();
                return ConditionSet.isTrue(x.getStatus().getConditions(), "Ready") ? x : null;
            });
            assertEquals(2, ready.getStatus().getReadyReplicas());
            assertEquals(
                    1L,
                    ConditionSet.find(ready.getStatus().getConditions(), "Ready")
                            .getObservedGeneration());
        }
    }

    /** Misconfiguration: a namespace the chart does not grant Secrets in gives one clear condition, no crash loop. */
    @Test
    void namespaceWithoutSecretPermissionIsAClearCondition() {
        // the Secret informer sees nothing there; writing the CA is refused
        server.expect()
                .post()
                .withPath("/api/v1/namespaces/denied/secrets")
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage("secrets is forbidden")
                                .build())
                .always();
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (var h = new OperatorHarness(client, new MediatorReconciler(OperatorSettings.defaults(), clock))) {
            Mediator m = Fixtures.mediator("mediator.yaml");
            m.getMetadata().setNamespace("denied");
            client.resource(m).create();
            Mediator x = awaitForbiddenTls("denied");
            assertEquals(
                    "False",
                    ConditionSet.find(x.getStatus().getConditions(), "Ready").getStatus());
        }
    }

    /**
     * Issue 17: with liNamespaces set (the chart grants Secrets only there), the Secret informer watches only those
     * namespaces (never a cluster-wide list RBAC would refuse), and a Mediator elsewhere gets the Forbidden condition
     * without a single Secret request and without generating keys.
     */
    @Test
    void secretsAreWatchedOnlyInLiNamespaces() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        OperatorSettings s = OperatorSettings.defaults().withLiNamespaces(java.util.List.of("li-only"));
        while (server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
            // drop what earlier tests sent
        }
        try (var h = new OperatorHarness(client, new MediatorReconciler(s, clock))) {
            Mediator m = Fixtures.mediator("mediator.yaml");
            m.getMetadata().setNamespace("elsewhere");
            client.resource(m).create();
            Mediator inside = Fixtures.mediator("mediator.yaml");
            inside.getMetadata().setNamespace("li-only");
            client.resource(inside).create();
            Mediator x = awaitForbiddenTls("elsewhere");
            await(
                    "certificates in li-only",
                    () -> client.secrets()
                                            .inNamespace("li-only")
                                            .list()
                                            .getItems()
                                            .size()
                                    == 2
                            ? true
                            : null);
            java.util.List<String> secretRequests = new java.util.ArrayList<>();
            for (var r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                    r != null;
                    r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                String p = r.getMethod() + " " + r.getPath();
                // the test's own list of li-only aside
                if (p.contains("secrets")
                        && !(p.startsWith("GET /api/v1/namespaces/li-only/secrets") && !p.contains("?"))) {
                    secretRequests.add(p);
                }
            }
            assertTrue(
                    secretRequests.stream().noneMatch(p -> p.contains("/namespaces/elsewhere/")),
                    secretRequests.toString());
            assertTrue(
                    secretRequests.stream().noneMatch(p -> p.startsWith("GET /api/v1/secrets")),
                    "no cluster-wide list: " + secretRequests);
            assertTrue(
                    secretRequests.stream().anyMatch(p -> p.startsWith("GET /api/v1/namespaces/li-only/secrets?")),
                    "the informer lists li-only: " + secretRequests);
            assertTrue(
                    secretRequests.stream().noneMatch(p -> p.matches("GET /api/v1/namespaces/li-only/secrets/.*")),
                    "no GET by name: " + secretRequests);
        }
    }

    /**
     * Misconfiguration (issue 17): a CA Secret of the operator's name without its labels is invisible to the Secret
     * cache; the operator does not overwrite it blindly (its create fails with 409) but says which label to restore.
     */
    @Test
    void anUnlabelledSecretOfTheOperatorsNameIsNotOverwritten() {
        String ns = "unlabelled";
        client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                        .withNewMetadata()
                        .withName("kubeli-mediator-central-ca")
                        .withNamespace(ns)
                        .endMetadata()
                        .addToData(
                                "note", java.util.Base64.getEncoder().encodeToString("not the operator's".getBytes()))
                        .build())
                .create();
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (var h = new OperatorHarness(client, new MediatorReconciler(OperatorSettings.defaults(), clock))) {
            Mediator m = Fixtures.mediator("mediator.yaml");
            m.getMetadata().setNamespace(ns);
            client.resource(m).create();
            var tls = await("conflict condition", () -> {
                Mediator y = client.resources(Mediator.class)
                        .inNamespace(ns)
                        .withName("central")
                        .get();
                return y.getStatus() == null
                        ? null
                        : ConditionSet.find(y.getStatus().getConditions(), "TLSReady");
            });
            assertEquals("SecretConflict", tls.getReason());
            assertTrue(tls.getMessage().contains("app.kubernetes.io/managed-by=kubeli-operator"), tls.getMessage());
            var kept = client.secrets()
                    .inNamespace(ns)
                    .withName("kubeli-mediator-central-ca")
                    .get();
            assertTrue(kept.getData().containsKey("note") && !kept.getData().containsKey("ca.key"), "left as it was");
        }
    }

    /** Waits for the Mediator "central" in {@code namespace} to report TLSReady Forbidden, naming liNamespaces. */
    private static Mediator awaitForbiddenTls(String namespace) {
        Mediator x = await("forbidden condition", () -> {
            Mediator y = client.resources(Mediator.class)
                    .inNamespace(namespace)
                    .withName("central")
                    .get();
            return y.getStatus() != null && ConditionSet.find(y.getStatus().getConditions(), "TLSReady") != null
                    ? y
                    : null;
        });
        var tls = ConditionSet.find(x.getStatus().getConditions(), "TLSReady");
        assertEquals("Forbidden", tls.getReason());
        assertTrue(tls.getMessage().contains("liNamespaces"), tls.getMessage());
        return x;
    }
}
