package io.kubeli.operator;

import static io.kubeli.operator.OperatorHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.agency.AgencyReconciler;
import io.kubeli.operator.collector.CollectorReconciler;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.intercept.InterceptReconciler;
import io.kubeli.operator.mediator.MediatorReconciler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * End to end on a real API server (K3s in Docker): the chart installs, the CRDs accept the examples, and the
 * reconcilers, with server-side apply on, create the workloads. Skipped where no Docker engine is reachable.
 */
class K3sOperatorE2E {
    @Test
    void chartAndOperatorOnK3s() throws Exception {
        assumeTrue(dockerAvailable(), "no Docker engine: K3s end-to-end test skipped");
        try (K3sContainer k3s = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"))) {
            k3s.start();
            Path kubeconfig = Files.createTempFile("k3s", ".yaml");
            Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
            new Helm(Fixtures.root().resolve("helm/kubeli"))
                    .install()
                    .withName("kubeli")
                    .withNamespace("kubeli-system")
                    .createNamespace()
                    .withKubeConfig(kubeconfig)
                    .set("replicaCount", "0")
                    .call();
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
                    .build()) {
                await(
                        "CRDs established",
                        () -> client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                                                .filter(c ->
                                                        c.getSpec().getGroup().equals("li.kubeli.io"))
                                                .count()
                                        == 4
                                ? true
                                : null);
                client.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName("kubeli")
                                .endMetadata()
                                .build())
                        .serverSideApply();
                Operator operator =
                        new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
                OperatorSettings s = OperatorSettings.defaults();
                operator.register(new AgencyReconciler(Clock.systemUTC()));
                operator.register(new MediatorReconciler(s, Clock.systemUTC()));
                operator.register(new CollectorReconciler(s, Clock.systemUTC()));
                operator.register(new InterceptReconciler(s, Clock.systemUTC()));
                operator.start();
                try {
                    List<HasMetadata> examples = Fixtures.examples();
                    for (HasMetadata h : examples) {
                        if (!h.getKind().equals("Intercept")) {
                            h.getMetadata().setNamespace("kubeli");
                            client.resource(Serialization.asYaml(h))
                                    .inNamespace("kubeli")
                                    .create();
                        }
                    }
                    await(
                            "DaemonSet",
                            () -> client.apps()
                                    .daemonSets()
                                    .inNamespace("kubeli")
                                    .withName("kubeli-collector-edge")
                                    .get());
                    await(
                            "StatefulSet",
                            () -> client.apps()
                                    .statefulSets()
                                    .inNamespace("kubeli")
                                    .withName("kubeli-mediator-mediator")
                                    .get());
                    Agency a = await("agency ready", () -> {
                        Agency x = client.resources(Agency.class)
                                .inNamespace("kubeli")
                                .withName("lea-demo")
                                .get();
                        return x.getStatus() != null
                                        && ConditionSet.isTrue(x.getStatus().getConditions(), "Ready")
                                ? x
                                : null;
                    });
                    assertEquals(a.getMetadata().getGeneration(), a.getStatus().getObservedGeneration());
                    assertTrue(client.resources(Collector.class)
                                    .inNamespace("kubeli")
                                    .withName("edge")
                                    .get()
                                    .getStatus()
                            != null);
                    assertTrue(client.resources(Mediator.class)
                                    .inNamespace("kubeli")
                                    .withName("mediator")
                                    .get()
                                    .getStatus()
                            != null);
                } finally {
                    operator.stop();
                }
            }
        }
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }
}
