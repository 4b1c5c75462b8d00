package io.kubeli.operator;

import static io.kubeli.operator.OperatorHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.agency.AgencyReconciler;
import io.kubeli.operator.collector.CollectorReconciler;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.intercept.InterceptReconciler;
import io.kubeli.operator.mediator.MediatorReconciler;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Applies deploy/examples to the mock API server with all four reconcilers and checks what the operator made. */
@EnableKubernetesMockClient(crud = true, https = false)
class ExamplesTest {
    static KubernetesClient client;
    static final String NS = "kubeli";

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T example(List<HasMetadata> all, String kind, Class<T> type) {
        HasMetadata h =
                all.stream().filter(r -> kind.equals(r.getKind())).findFirst().orElseThrow();
        T t = type.isInstance(h) ? (T) h : Serialization.unmarshal(Serialization.asYaml(h), type);
        t.getMetadata().setNamespace(NS);
        return t;
    }

    @Test
    void examplesYieldWorkloadsSecretsAndStatuses() throws Exception {
        List<HasMetadata> all = Fixtures.examples();
        assumeTrue(all.size() >= 4, "deploy/examples not present");
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        OperatorSettings s = OperatorSettings.defaults();
        try (var h = new OperatorHarness(
                client,
                new AgencyReconciler(clock),
                new MediatorReconciler(s, clock),
                new CollectorReconciler(s, clock),
                new InterceptReconciler(s, clock))) {
            Agency agency =
                    client.resource(example(all, "Agency", Agency.class)).create();
            Mediator mediator =
                    client.resource(example(all, "Mediator", Mediator.class)).create();
            Collector collector =
                    client.resource(example(all, "Collector", Collector.class)).create();
            String med = "kubeli-mediator-" + mediator.getMetadata().getName();
            String col = "kubeli-collector-" + collector.getMetadata().getName();

            var ds = await(
                    "DaemonSet",
                    () -> client.apps()
                            .daemonSets()
                            .inNamespace(NS)
                            .withName(col)
                            .get());
            var pod = ds.getSpec().getTemplate().getSpec();
            assertTrue(pod.getHostNetwork());
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
                    "StatefulSet",
                    () -> client.apps()
                            .statefulSets()
                            .inNamespace(NS)
                            .withName(med)
                            .get());
            assertEquals(2, sts.getSpec().getReplicas());
            assertEquals(
                    new Quantity("10Gi"),
                    sts.getSpec()
                            .getVolumeClaimTemplates()
                            .get(0)
                            .getSpec()
                            .getResources()
                            .getRequests()
                            .get("storage"));
            assertEquals(
                    9100,
                    await(
                                    "Service",
                                    () -> client.services()
                                            .inNamespace(NS)
                                            .withName(med)
                                            .get())
                            .getSpec()
                            .getPorts()
                            .get(0)
                            .getPort());
            await(
                    "NetworkPolicy",
                    () -> client.network()
                            .v1()
                            .networkPolicies()
                            .inNamespace(NS)
                            .withName(med)
                            .get());
            for (String secret : List.of(med + "-ca", med + "-tls", col + "-tls")) {
                await(
                        secret,
                        () -> client.secrets().inNamespace(NS).withName(secret).get());
            }
            // the collector pods mount their own client certificate once the mediator is known
            await(
                    "client TLS mounted",
                    () -> client
                                    .apps()
                                    .daemonSets()
                                    .inNamespace(NS)
                                    .withName(col)
                                    .get()
                                    .getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getVolumes()
                                    .stream()
                                    .anyMatch(v -> v.getSecret() != null
                                            && v.getSecret().getSecretName().equals(col + "-tls"))
                            ? true
                            : null);
            // the example has 2 mediator replicas: each collector instance is pinned to one through the headless
            // Service
            await(
                    "per-replica mediator host",
                    () -> client.apps()
                                    .daemonSets()
                                    .inNamespace(NS)
                                    .withName(col)
                                    .get()
                                    .getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getContainers()
                                    .get(0)
                                    .getArgs()
                                    .contains("--mediator-replicas")
                            ? true
                            : null);

            await(
                    "agency ready",
                    () -> ConditionSet.isTrue(
                                    client.resources(Agency.class)
                                            .inNamespace(NS)
                                            .withName(agency.getMetadata().getName())
                                            .get()
                                            .getStatus()
                                            .getConditions(),
                                    "Ready")
                            ? true
                            : null);
            // the intercept waits for its mediator, and goes Active as soon as the mediator becomes Ready
            Intercept intercept =
                    client.resource(example(all, "Intercept", Intercept.class)).create();
            String iname = intercept.getMetadata().getName();
            Intercept pending = await("intercept pending", () -> {
                Intercept x = client.resources(Intercept.class)
                        .inNamespace(NS)
                        .withName(iname)
                        .get();
                return x.getStatus() != null && x.getStatus().getPhase() == InterceptPhase.PENDING ? x : null;
            });
            assertEquals("MediatorNotReady", pending.getStatus().getReason());
            StatefulSet live =
                    client.apps().statefulSets().inNamespace(NS).withName(med).get();
            live.setStatus(new StatefulSetStatusBuilder()
                    .withReplicas(2)
                    .withReadyReplicas(2)
                    .build());
            client.apps().statefulSets().inNamespace(NS).resource(live).updateStatus();
            await(
                    "mediator ready",
                    () -> ConditionSet.isTrue(
                                    client.resources(Mediator.class)
                                            .inNamespace(NS)
                                            .withName(mediator.getMetadata().getName())
                                            .get()
                                            .getStatus()
                                            .getConditions(),
                                    "Ready")
                            ? true
                            : null);
            Intercept active = await("intercept active", () -> {
                Intercept x = client.resources(Intercept.class)
                        .inNamespace(NS)
                        .withName(iname)
                        .get();
                return x.getStatus() != null && x.getStatus().getPhase() == InterceptPhase.ACTIVE ? x : null;
            });
            assertEquals("WindowOpen", active.getStatus().getReason());
            assertFalse(active.getMetadata().getFinalizers().isEmpty());
        }
    }
}
