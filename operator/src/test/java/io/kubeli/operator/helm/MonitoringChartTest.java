package io.kubeli.operator.helm;

import static io.kubeli.operator.helm.HelmChartTest.CHART;
import static io.kubeli.operator.helm.HelmChartTest.env;
import static io.kubeli.operator.helm.HelmChartTest.find;
import static io.kubeli.operator.helm.HelmChartTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.common.OperatorSettings;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Issue 17: chart metadata, image tags from appVersion, and the Prometheus/Grafana objects behind their API guard. */
class MonitoringChartTest {
    static final String MONITORING = "monitoring.coreos.com/v1";
    static final Set<String> MONITORING_KINDS = Set.of("ServiceMonitor", "PodMonitor", "PrometheusRule");

    @SuppressWarnings("unchecked")
    static Map<String, Object> chartYaml() throws Exception {
        return Serialization.unmarshal(Files.readString(HelmChartTest.SHIPPED.resolve("Chart.yaml")), Map.class);
    }

    @Test
    void chartHasAnIconInTheRepositoryAndAKubeVersion() throws Exception {
        Map<String, Object> chart = chartYaml();
        String icon = (String) chart.get("icon");
        String prefix = "https://raw.githubusercontent.com/kubeli/kubeli/main/";
        assertTrue(icon.startsWith(prefix), icon);
        assertTrue(Files.isRegularFile(Fixtures.root().resolve(icon.substring(prefix.length()))), "icon file " + icon);
        assertEquals(">=1.27.0-0", chart.get("kubeVersion"));
        // misconfiguration: a cluster older than 1.27 (helm-java's client-only default is v1.20.0) is refused
        RuntimeException old = assertThrows(
                RuntimeException.class,
                () -> new Helm(HelmChartTest.SHIPPED)
                        .template()
                        .withName("kubeli")
                        .call());
        assertTrue(old.getMessage().contains("kubeVersion"), old.getMessage());
    }

    @Test
    void workloadImagesFollowAppVersionWithAnOptionalDigest() throws Exception {
        String app = (String) chartYaml().get("appVersion");
        var c = container(render(new Helm(CHART)));
        assertEquals("ghcr.io/kubeli/operator:" + app, c.getImage());
        assertEquals("ghcr.io/kubeli/collector:" + app, env(c.getEnv(), "KUBELI_COLLECTOR_IMAGE"));
        assertEquals("ghcr.io/kubeli/mediator:" + app, env(c.getEnv(), "KUBELI_MEDIATOR_IMAGE"));
        // the operator's own defaults (runs outside the chart) may not drift from the chart's appVersion
        assertEquals(
                "ghcr.io/kubeli/collector:" + app, OperatorSettings.defaults().collectorImage());
        assertEquals(
                "ghcr.io/kubeli/mediator:" + app, OperatorSettings.defaults().mediatorImage());
        // ... nor its packaged configuration (application.properties) and the CDI defaults behind it
        var props = new java.util.Properties();
        try (var in = OperatorSettings.class.getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        assertEquals("ghcr.io/kubeli/collector:" + app, props.getProperty("kubeli.collector.image"));
        assertEquals("ghcr.io/kubeli/mediator:" + app, props.getProperty("kubeli.mediator.image"));
        for (String field : List.of("collectorImage", "mediatorImage")) {
            String dflt = io.kubeli.operator.OperatorBeans.class
                    .getDeclaredField(field)
                    .getAnnotation(org.eclipse.microprofile.config.inject.ConfigProperty.class)
                    .defaultValue();
            assertTrue(dflt.endsWith(":" + app), field + " " + dflt);
        }
        String digest = "sha256:" + "ab".repeat(32);
        c = container(render(
                new Helm(CHART),
                "workloadImages.mediator.digest",
                digest,
                "workloadImages.collector.tag",
                "1.2.3",
                "image.digest",
                digest));
        assertEquals("ghcr.io/kubeli/mediator:" + app + "@" + digest, env(c.getEnv(), "KUBELI_MEDIATOR_IMAGE"));
        assertEquals("ghcr.io/kubeli/collector:1.2.3", env(c.getEnv(), "KUBELI_COLLECTOR_IMAGE"));
        assertEquals("ghcr.io/kubeli/operator:" + app + "@" + digest, c.getImage());
        // misconfiguration: a digest that is not sha256:<64 hex> and the old string form are refused by the schema
        assertThrows(RuntimeException.class, () -> render(new Helm(CHART), "workloadImages.mediator.digest", "latest"));
        assertThrows(RuntimeException.class, () -> render(new Helm(CHART), "workloadImages.collector", "ghcr.io/x:1"));
    }

    static io.fabric8.kubernetes.api.model.Container container(List<HasMetadata> objects) {
        return find(objects, Deployment.class, "kubeli")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
    }

    static List<HasMetadata> monitoring(List<HasMetadata> objects) {
        return objects.stream()
                .filter(o -> MONITORING_KINDS.contains(o.getKind()))
                .toList();
    }

    /** Without the Prometheus Operator API nothing of it is rendered, even when enabled (as the GitOps examples do). */
    @Test
    void monitoringObjectsNeedTheirApi() throws Exception {
        assertEquals(
                List.of(),
                monitoring(render(
                        new Helm(CHART),
                        "metrics.serviceMonitor.enabled",
                        "true",
                        "metrics.podMonitor.enabled",
                        "true",
                        "metrics.prometheusRule.enabled",
                        "true")));
        // the values the Argo CD and Flux examples pass
        GenericKubernetesResource app = Serialization.unmarshal(
                Files.readString(Fixtures.root().resolve("deploy/argocd/application.yaml")),
                GenericKubernetesResource.class);
        Map<String, Object> argoValues = app.get("spec", "source", "helm", "valuesObject");
        List<GenericKubernetesResource> flux =
                Serialization.unmarshal(Files.readString(Fixtures.root().resolve("deploy/flux/helmrelease.yaml")));
        Map<String, Object> fluxValues = flux.stream()
                .filter(r -> r.getKind().equals("HelmRelease"))
                .findFirst()
                .orElseThrow()
                .get("spec", "values");
        for (Map<String, Object> values : List.of(argoValues, fluxValues)) {
            var file = Files.createTempFile("values", ".yaml");
            try {
                Files.writeString(file, Serialization.asYaml(values));
                String out = new Helm(CHART)
                        .template()
                        .withName("kubeli")
                        .withNamespace("kubeli-system")
                        .withValuesFile(file)
                        .call();
                assertTrue(!out.contains("kind: ServiceMonitor") && !out.contains("kind: PodMonitor"), out);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void withTheApiCollectorsAndMediatorsAreScrapedAndAlertsInstalled() {
        List<HasMetadata> objects = render(
                new Helm(CHART),
                "metrics.apiVersions[0]",
                MONITORING,
                "liNamespaces[0]",
                "li-a",
                "liNamespaces[1]",
                "li-b",
                "metrics.podMonitor.labels.release",
                "prom");
        assertEquals(
                Set.of("PodMonitor", "PrometheusRule"),
                monitoring(objects).stream().map(HasMetadata::getKind).collect(Collectors.toSet()),
                "ServiceMonitor stays off");
        String pm = Serialization.asYaml(monitoring(objects).stream()
                .filter(o -> o.getKind().equals("PodMonitor"))
                .findFirst()
                .orElseThrow());
        GenericKubernetesResource pod = Serialization.unmarshal(pm, GenericKubernetesResource.class);
        assertEquals("kubeli-workloads", pod.getMetadata().getName());
        assertEquals("prom", pod.getMetadata().getLabels().get("release"));
        assertEquals(List.of("li-a", "li-b"), pod.get("spec", "namespaceSelector", "matchNames"));
        assertEquals(
                List.of("kubeli-collector", "kubeli-mediator"),
                pod.get("spec", "selector", "matchExpressions", 0, "values"));
        // the container port names the operator renders (CollectorWorkloads, MediatorWorkloads)
        assertEquals("metrics", pod.get("spec", "podMetricsEndpoints", 0, "port"));
        assertEquals("/metrics", pod.get("spec", "podMetricsEndpoints", 0, "path"));
        Set<String> alerts = MonitoringMetricNamesTest.ruleExpressions(objects).keySet();
        assertTrue(
                alerts.containsAll(Set.of(
                        "KubeliCollectorDrops",
                        "KubeliCollectorSpoolFilling",
                        "KubeliMediatorBufferFilling",
                        "KubeliHandoverDown",
                        "KubeliStorageFailed",
                        "KubeliRoutingAlarm",
                        "KubeliInterceptFailed",
                        "KubeliWarrantExpiringSoon")),
                alerts.toString());
        // the default namespace list is the release namespace
        GenericKubernetesResource def = Serialization.unmarshal(
                Serialization.asYaml(monitoring(render(new Helm(CHART), "metrics.apiVersions[0]", MONITORING)).stream()
                        .filter(o -> o.getKind().equals("PodMonitor"))
                        .findFirst()
                        .orElseThrow()),
                GenericKubernetesResource.class);
        assertEquals(List.of("kubeli-system"), def.get("spec", "namespaceSelector", "matchNames"));
    }

    @Test
    void dashboardConfigMapCarriesTheSidecarLabelAndTheChartsJson() throws Exception {
        assertTrue(render(new Helm(CHART)).stream().noneMatch(o -> o instanceof ConfigMap), "optional, off by default");
        ConfigMap cm =
                find(render(new Helm(CHART), "metrics.dashboard.enabled", "true"), ConfigMap.class, "kubeli-dashboard");
        assertNotNull(cm);
        assertEquals("1", cm.getMetadata().getLabels().get("grafana_dashboard"));
        ObjectMapper json = new ObjectMapper();
        JsonNode shipped = json.readTree(cm.getData().get("kubeli.json"));
        assertEquals(json.readTree(CHART.resolve("dashboards/kubeli.json").toFile()), shipped);
        List<String> titles = new ArrayList<>();
        shipped.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        assertTrue(titles.size() >= 10, titles.toString());
    }
}
