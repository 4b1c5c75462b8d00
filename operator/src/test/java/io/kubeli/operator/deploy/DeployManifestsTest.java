package io.kubeli.operator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.helm.HelmChartTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** deploy/: kustomize files point at existing files, the base matches the chart, GitOps examples point at it. */
class DeployManifestsTest {
    static final Path DEPLOY = Fixtures.root().resolve("deploy");

    @Test
    @SuppressWarnings("unchecked")
    void kustomizationsReferenceExistingFiles() throws Exception {
        for (String k : List.of("base", "overlays/dev", "overlays/prod")) {
            Path dir = DEPLOY.resolve(k);
            Map<String, Object> kz =
                    Serialization.unmarshal(Files.readString(dir.resolve("kustomization.yaml")), Map.class);
            for (String r : (List<String>) kz.get("resources")) {
                assertTrue(Files.exists(dir.resolve(r).normalize()), k + " -> " + r);
            }
        }
    }

    @Test
    void baseIsTheRenderedChart() throws Exception {
        String rendered = new Helm(HelmChartTest.CHART)
                .template()
                .withName("kubeli")
                .withNamespace("kubeli-system")
                .call();
        assertEquals(
                normalize(rendered),
                normalize(Files.readString(DEPLOY.resolve("base/kubeli.yaml"))),
                "deploy/base/kubeli.yaml is stale: regenerate it from the chart (deploy/README.md)");
    }

    static String normalize(String yaml) {
        return yaml.lines()
                .filter(l -> !l.startsWith("#") && !l.contains("helm.sh/chart:") && !l.isBlank())
                .map(l -> l.replace("managed-by: Helm", "managed-by: kustomize"))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void gitOpsExamplesInstallTheChart() throws Exception {
        GenericKubernetesResource app = Serialization.unmarshal(
                Files.readString(DEPLOY.resolve("argocd/application.yaml")), GenericKubernetesResource.class);
        assertEquals("Application", app.getKind());
        assertEquals("helm/kubeli", app.get("spec", "source", "path"));
        assertTrue(Files.isDirectory(Fixtures.root().resolve((String) app.get("spec", "source", "path"))));
        List<GenericKubernetesResource> flux =
                Serialization.unmarshal(Files.readString(DEPLOY.resolve("flux/helmrelease.yaml")));
        GenericKubernetesResource release = flux.stream()
                .filter(r -> r.getKind().equals("HelmRelease"))
                .findFirst()
                .orElseThrow();
        assertEquals("./helm/kubeli", release.get("spec", "chart", "spec", "chart"));
        assertEquals("CreateReplace", release.get("spec", "install", "crds"));
    }

    static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace",
            "ClusterRole",
            "ClusterRoleBinding",
            "CustomResourceDefinition",
            "PriorityClass",
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration");

    /** The overlay built by kubectl kustomize (the tool deploy/README.md tells users to run). */
    static List<GenericKubernetesResource> build(String overlay) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(
                            "kubectl",
                            "kustomize",
                            "--load-restrictor",
                            "LoadRestrictionsNone",
                            DEPLOY.resolve(overlay).toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            Assumptions.abort("kubectl not installed: overlays not built (" + e.getMessage() + ")");
            return List.of();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize hung");
        assertEquals(0, p.exitValue(), out);
        List<HasMetadata> typed = Serialization.unmarshal(out);
        return typed.stream()
                .map(o -> Serialization.unmarshal(Serialization.asYaml(o), GenericKubernetesResource.class))
                .toList();
    }

    /** Issue 17: dev and prod can be applied to one cluster: no shared cluster-scoped name but the CRDs, no shared
     * namespace, and disjoint watched namespaces (no resource reconciled by two operators). */
    @Test
    @SuppressWarnings("unchecked")
    void devAndProdOverlaysCoexist() throws Exception {
        List<GenericKubernetesResource> dev = build("overlays/dev");
        List<GenericKubernetesResource> prod = build("overlays/prod");
        Set<String> devNames = clusterScoped(dev);
        Set<String> shared = new HashSet<>(devNames);
        shared.retainAll(clusterScoped(prod));
        assertEquals(
                Set.of(
                        "CustomResourceDefinition/agencies.li.kubeli.io",
                        "CustomResourceDefinition/collectors.li.kubeli.io",
                        "CustomResourceDefinition/intercepts.li.kubeli.io",
                        "CustomResourceDefinition/mediators.li.kubeli.io"),
                shared,
                "only the CRDs may be shared");
        for (String crd : shared) {
            assertEquals(Serialization.asYaml(find(dev, crd)), Serialization.asYaml(find(prod, crd)), crd);
        }
        String devNs = watched(dev);
        String prodNs = watched(prod);
        assertEquals("kubeli-dev", devNs);
        assertEquals("kubeli-system", prodNs);
        assertFalse(devNs.contains("JOSDK_ALL_NAMESPACES") || prodNs.contains("JOSDK_ALL_NAMESPACES"));
        // the Secret informers watch exactly where each overlay's workloads Role grants Secrets (else they are refused)
        for (var set : List.of(dev, prod)) {
            List<String> roleNamespaces = set.stream()
                    .filter(r -> r.getKind().equals("Role")
                            && r.getMetadata().getName().startsWith("kubeli-operator-workloads"))
                    .map(r -> r.getMetadata().getNamespace())
                    .toList();
            assertEquals(List.of(env(set, "KUBELI_LI_NAMESPACES")), roleNamespaces);
            assertEquals("Always".equals(env(set, "KUBELI_IMAGE_PULL_POLICY")), set == dev, "dev pulls moving tags");
            assertTrue(env(set, "KUBELI_MEDIATOR_IMAGE").startsWith("ghcr.io/kubeli/mediator:"));
        }
        // each operator's ClusterRoleBinding grants its own ClusterRole to its own ServiceAccount
        for (var set : List.of(dev, prod)) {
            GenericKubernetesResource binding = set.stream()
                    .filter(r -> r.getKind().equals("ClusterRoleBinding"))
                    .findFirst()
                    .orElseThrow();
            GenericKubernetesResource deployment = set.stream()
                    .filter(r -> r.getKind().equals("Deployment"))
                    .findFirst()
                    .orElseThrow();
            String ns = deployment.getMetadata().getNamespace();
            assertTrue(clusterScoped(set).contains("ClusterRole/" + binding.get("roleRef", "name")));
            Map<String, Object> subject = ((List<Map<String, Object>>)
                            binding.getAdditionalProperties().get("subjects"))
                    .getFirst();
            assertEquals(ns, subject.get("namespace"));
            assertEquals(deployment.get("spec", "template", "spec", "serviceAccountName"), subject.get("name"));
            assertTrue(set.stream()
                    .anyMatch(r -> r.getKind().equals("Namespace")
                            && r.getMetadata().getName().equals(ns)));
        }
        assertNotEquals(namespaceOf(dev), namespaceOf(prod));
    }

    static Set<String> clusterScoped(List<GenericKubernetesResource> set) {
        return set.stream()
                .filter(r -> CLUSTER_SCOPED.contains(r.getKind()))
                .map(r -> r.getKind() + "/" + r.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    static GenericKubernetesResource find(List<GenericKubernetesResource> set, String kindName) {
        return set.stream()
                .filter(r -> (r.getKind() + "/" + r.getMetadata().getName()).equals(kindName))
                .findFirst()
                .orElseThrow();
    }

    static String namespaceOf(List<GenericKubernetesResource> set) {
        return set.stream()
                .filter(r -> r.getKind().equals("Namespace"))
                .findFirst()
                .orElseThrow()
                .getMetadata()
                .getName();
    }

    static String watched(List<GenericKubernetesResource> set) {
        return env(set, "QUARKUS_OPERATOR_SDK_NAMESPACES");
    }

    @SuppressWarnings("unchecked")
    static String env(List<GenericKubernetesResource> set, String name) {
        GenericKubernetesResource d = set.stream()
                .filter(r -> r.getKind().equals("Deployment"))
                .findFirst()
                .orElseThrow();
        List<Map<String, Object>> containers = d.get("spec", "template", "spec", "containers");
        return ((List<Map<String, Object>>) containers.getFirst().get("env"))
                .stream()
                        .filter(e -> name.equals(e.get("name")))
                        .map(e -> (String) e.get("value"))
                        .findFirst()
                        .orElseThrow();
    }
}
