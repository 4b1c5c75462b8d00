package io.kubeli.operator.mockapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.kubeli.api.v1alpha1.Mediator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * deploy/examples applied to a running operator and what it must make of them (workloads, Secrets, statuses, the
 * Intercept going Active once the mediator is ready): the same observations for the in-process operator
 * (ExamplesTest) and the packaged one (system-it PackagedOperatorIT).
 */
public final class ExamplesScenario {
    /** The caller's bounded wait: returns the first value other than null or false, else fails with its diagnostics. */
    public interface Await {
        <T> T until(String what, Supplier<T> probe) throws InterruptedException;
    }

    /** What the scenario made: the workload names, and the StatefulSet name the caller may inspect further. */
    public record Outcome(String mediatorWorkload, String collectorWorkload) {}

    private ExamplesScenario() {}

    /** Creates the first object of {@code kind} from {@code all} in {@code namespace}. */
    public static <T extends HasMetadata> T create(
            KubernetesClient client, String namespace, List<HasMetadata> all, String kind, Class<T> type) {
        HasMetadata h = all.stream()
                .filter(r -> kind.equals(r.getKind()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("deploy/examples has no " + kind));
        T t = Serialization.unmarshal(Serialization.asYaml(h), type);
        t.getMetadata().setNamespace(namespace);
        return client.resource(t).create();
    }

    /** Whether {@code conditions} hold {@code type} with status True. */
    public static boolean isTrue(List<Condition> conditions, String type) {
        return conditions != null
                && conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Applies the examples' Agency, Mediator, Collector and Intercept and checks every observation. */
    public static Outcome run(KubernetesClient client, String ns, List<HasMetadata> all, Await await)
            throws InterruptedException {
        Agency agency = create(client, ns, all, "Agency", Agency.class);
        Mediator mediator = create(client, ns, all, "Mediator", Mediator.class);
        Collector collector = create(client, ns, all, "Collector", Collector.class);
        String med = "kubeli-mediator-" + mediator.getMetadata().getName();
        String col = "kubeli-collector-" + collector.getMetadata().getName();

        DaemonSet ds = await.until(
                "DaemonSet " + col,
                () -> client.apps().daemonSets().inNamespace(ns).withName(col).get());
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

        StatefulSet sts = await.until(
                "StatefulSet " + med,
                () -> client.apps().statefulSets().inNamespace(ns).withName(med).get());
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
        Service svc = await.until(
                "Service " + med,
                () -> client.services().inNamespace(ns).withName(med).get());
        assertEquals(9100, svc.getSpec().getPorts().get(0).getPort());
        Service pods = await.until(
                "Service " + med + "-pods",
                () -> client.services().inNamespace(ns).withName(med + "-pods").get());
        assertEquals("None", pods.getSpec().getClusterIP(), "headless");
        await.until(
                "NetworkPolicy",
                () -> client.network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(ns)
                        .withName(med)
                        .get());
        for (String name : List.of(med + "-ca", med + "-tls", col + "-tls")) {
            Secret s = await.until(
                    "Secret " + name,
                    () -> client.secrets().inNamespace(ns).withName(name).get());
            assertTrue(
                    s.getData() != null && s.getData().containsKey("tls.crt") || name.endsWith("-ca"),
                    name + " holds a certificate: "
                            + (s.getData() == null ? null : s.getData().keySet()));
        }
        // the collector pods mount their own client certificate, run in cluster mode with CIN slots freed, and
        // reach each mediator replica (the example has 2) through the headless Service
        DaemonSet full = await.until("collector args complete", () -> {
            DaemonSet d =
                    client.apps().daemonSets().inNamespace(ns).withName(col).get();
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

        await.until("Agency Ready", () -> {
            Agency a = client.resources(Agency.class)
                    .inNamespace(ns)
                    .withName(agency.getMetadata().getName())
                    .get();
            return a.getStatus() != null && isTrue(a.getStatus().getConditions(), "Ready");
        });
        // the intercept waits for its mediator, and goes Active as soon as the mediator becomes Ready
        Intercept intercept = create(client, ns, all, "Intercept", Intercept.class);
        String iname = intercept.getMetadata().getName();
        Intercept pending = await.until("Intercept Pending", () -> inPhase(client, ns, iname, InterceptPhase.PENDING));
        assertEquals("MediatorNotReady", pending.getStatus().getReason());
        // play the StatefulSet controller: both mediator replicas ready
        StatefulSet live =
                client.apps().statefulSets().inNamespace(ns).withName(med).get();
        live.setStatus(new StatefulSetStatusBuilder()
                .withReplicas(2)
                .withReadyReplicas(2)
                .build());
        client.apps().statefulSets().inNamespace(ns).resource(live).updateStatus();
        await.until("Mediator Ready", () -> {
            Mediator m = client.resources(Mediator.class)
                    .inNamespace(ns)
                    .withName(mediator.getMetadata().getName())
                    .get();
            return m.getStatus() != null && isTrue(m.getStatus().getConditions(), "Ready");
        });
        Intercept active = await.until("Intercept Active", () -> inPhase(client, ns, iname, InterceptPhase.ACTIVE));
        assertEquals("WindowOpen", active.getStatus().getReason());
        assertFalse(active.getMetadata().getFinalizers().isEmpty(), "the Intercept carries the operator's finalizer");
        for (String type : List.of("Valid", "LiidOwned", "ReferencesReady", "WindowOpen", "Ready")) {
            assertTrue(
                    isTrue(active.getStatus().getConditions(), type),
                    "Intercept condition " + type + ": " + active.getStatus().getConditions());
        }
        Collector c = await.until("Collector MediatorReady", () -> {
            Collector x = client.resources(Collector.class)
                    .inNamespace(ns)
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
                .inNamespace(ns)
                .withName(mediator.getMetadata().getName())
                .get();
        assertTrue(
                isTrue(m.getStatus().getConditions(), "Available"),
                "Mediator Available: " + m.getStatus().getConditions());
        return new Outcome(med, col);
    }

    private static Intercept inPhase(KubernetesClient client, String ns, String name, InterceptPhase phase) {
        Intercept x =
                client.resources(Intercept.class).inNamespace(ns).withName(name).get();
        return x.getStatus() != null && x.getStatus().getPhase() == phase ? x : null;
    }
}
