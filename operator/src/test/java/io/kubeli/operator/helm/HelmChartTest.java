package io.kubeli.operator.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.operator.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Lints and renders helm/kubeli with the real Helm library (helm-java) and checks the objects. */
public class HelmChartTest {
    /** The shipped chart. */
    static final Path SHIPPED = Fixtures.root().resolve("helm/kubeli");
    /**
     * The shipped chart with only its kubeVersion constraint lifted: helm-java renders as Kubernetes v1.20.0 and has
     * no --kube-version (MonitoringChartTest checks that the shipped chart refuses that version).
     */
    public static final Path CHART = renderable();

    static Path renderable() {
        try {
            Path dir = Files.createTempDirectory("kubeli-chart");
            try (Stream<Path> files = Files.walk(SHIPPED)) {
                for (Path f : files.toList()) {
                    Path to = dir.resolve(SHIPPED.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to);
                    }
                }
            }
            Path chart = dir.resolve("Chart.yaml");
            String yaml = Files.readString(chart);
            Files.writeString(
                    chart,
                    yaml.lines().filter(l -> !l.startsWith("kubeVersion:")).collect(Collectors.joining("\n")));
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<HasMetadata> render(Helm helm, Object... sets) {
        var t = helm.template().withName("kubeli").withNamespace("kubeli-system");
        for (int i = 0; i < sets.length; i += 2) {
            t = t.set((String) sets[i], sets[i + 1]);
        }
        String out = t.call();
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : out.split("(?m)^---\\s*$")) {
            String body = doc.lines()
                    .filter(l -> !l.startsWith("#"))
                    .collect(Collectors.joining("\n"))
                    .strip();
            if (!body.isEmpty()) {
                objects.add(Serialization.unmarshal(body, HasMetadata.class));
            }
        }
        return objects;
    }

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        return (T) objects.stream()
                .filter(o -> type.isInstance(o) && o.getMetadata().getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    static Set<String> resources(ClusterRole role) {
        return role.getRules().stream().flatMap(r -> r.getResources().stream()).collect(Collectors.toSet());
    }

    @Test
    void chartLints() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertFalse(result.isFailed(), String.join("\n", result.getMessages()));
    }

    @Test
    void defaultRenderHasHardenedOperatorDeploymentAndLeastPrivilegeRbac() {
        List<HasMetadata> objects = render(new Helm(CHART));
        Deployment d = find(objects, Deployment.class, "kubeli");
        assertNotNull(d, "operator Deployment");
        assertEquals(2, d.getSpec().getReplicas());
        var pod = d.getSpec().getTemplate().getSpec();
        assertEquals("kubeli", pod.getServiceAccountName());
        // issue 19: measured stop about 1 s idle, reconciles cut after 8 s (termination-timeout)
        assertEquals(15L, pod.getTerminationGracePeriodSeconds());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        var c = pod.getContainers().get(0);
        assertEquals("ghcr.io/kubeli/operator:0.1.0", c.getImage());
        assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertEquals("/q/health/live", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals("JOSDK_ALL_NAMESPACES", env(c.getEnv(), "QUARKUS_OPERATOR_SDK_NAMESPACES"));
        assertEquals("ghcr.io/kubeli/collector:0.1.0", env(c.getEnv(), "KUBELI_COLLECTOR_IMAGE"));
        assertEquals("false", env(c.getEnv(), "QUARKUS_LOG_CONSOLE_JSON_ENABLED"), "text logs by default");

        ClusterRole op = find(objects, ClusterRole.class, "kubeli-operator");
        PolicyRule crs = op.getRules().get(0);
        assertFalse(crs.getVerbs().contains("create") || crs.getVerbs().contains("delete"));
        assertNotNull(find(objects, ClusterRoleBinding.class, "kubeli-operator"));
        assertNotNull(find(objects, RoleBinding.class, "kubeli-leader-election"));

        ClusterRole officer = find(objects, ClusterRole.class, "kubeli-li-officer");
        assertTrue(resources(officer).containsAll(Set.of("intercepts", "agencies")));
        assertTrue(officer.getRules().get(0).getVerbs().containsAll(List.of("create", "delete", "update")));
        ClusterRole platform = find(objects, ClusterRole.class, "kubeli-platform-operator");
        assertTrue(resources(platform).containsAll(Set.of("collectors", "mediators")));
        assertTrue(
                resources(platform).stream().noneMatch(r -> r.startsWith("intercepts") || r.startsWith("agencies")),
                "platform operators must not reach Intercepts");
        assertTrue(objects.stream().noneMatch(o -> o.getKind().equals("ServiceMonitor")));
    }

    @Test
    void namespacedInstallBindsPerNamespaceAndServiceMonitorIsOptional() {
        List<HasMetadata> objects = render(
                new Helm(CHART),
                "watchNamespaces[0]",
                "li-a",
                "watchNamespaces[1]",
                "li-b",
                "metrics.serviceMonitor.enabled",
                "true",
                "metrics.apiVersions[0]",
                "monitoring.coreos.com/v1");
        assertEquals(null, find(objects, ClusterRoleBinding.class, "kubeli-operator"));
        List<String> bound = objects.stream()
                .filter(o ->
                        o instanceof RoleBinding && o.getMetadata().getName().equals("kubeli-operator"))
                .map(o -> o.getMetadata().getNamespace())
                .toList();
        assertEquals(List.of("li-a", "li-b"), bound);
        Deployment d = find(objects, Deployment.class, "kubeli");
        assertEquals(
                "li-a,li-b",
                env(
                        d.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getEnv(),
                        "QUARKUS_OPERATOR_SDK_NAMESPACES"));
        HasMetadata sm = objects.stream()
                .filter(o -> o.getKind().equals("ServiceMonitor"))
                .findFirst()
                .orElseThrow();
        assertTrue(Serialization.asYaml(sm).contains("/q/metrics"));
    }

    /**
     * Issue 12 (least privilege): no cluster-wide Secrets, Pods, or writing of Roles/RoleBindings; those only in the
     * namespaces where Collectors and Mediators run, Secrets by name (no list/watch), Pods list only; never bind,
     * escalate, impersonate, wildcards or cluster-scoped RBAC objects; the Lease by name.
     */
    @Test
    void operatorRbacIsLimitedToWhatItManagesWhereItManagesIt() {
        for (List<HasMetadata> objects : List.of(
                render(new Helm(CHART), "liNamespaces[0]", "li-a", "liNamespaces[1]", "li-b"),
                render(new Helm(CHART), "watchNamespaces[0]", "li-a", "watchNamespaces[1]", "li-b"))) {
            ClusterRole op = find(objects, ClusterRole.class, "kubeli-operator");
            for (PolicyRule r : op.getRules()) {
                assertFalse(
                        r.getResources().contains("secrets") || r.getResources().contains("pods"), r.toString());
                assertFalse(
                        r.getResources().stream().anyMatch(x -> x.startsWith("cluster") || x.equals("*")),
                        r.toString());
                assertFalse(r.getVerbs().stream()
                        .anyMatch(v ->
                                Set.of("bind", "escalate", "impersonate", "*").contains(v)));
                if (r.getResources().contains("roles") || r.getResources().contains("rolebindings")) {
                    assertEquals(List.of("get", "list", "watch"), r.getVerbs(), "read-only cluster-wide (informers)");
                }
            }
            List<Role> workloads = objects.stream()
                    .filter(o -> o instanceof Role && o.getMetadata().getName().equals("kubeli-operator-workloads"))
                    .map(Role.class::cast)
                    .toList();
            assertEquals(
                    List.of("li-a", "li-b"),
                    workloads.stream().map(r -> r.getMetadata().getNamespace()).toList());
            // the operator's Secret informers watch exactly where this Role grants Secrets
            assertEquals("li-a,li-b", liNamespacesEnv(objects));
            for (Role r : workloads) {
                PolicyRule secrets = rule(r.getRules(), "secrets");
                // list/watch for the informer of the operator's own labelled Secrets, only where the Role is bound
                assertEquals(List.of("get", "list", "watch", "create", "update"), secrets.getVerbs());
                assertEquals(
                        List.of("list", "watch"), rule(r.getRules(), "pods").getVerbs());
                assertFalse(rule(r.getRules(), "roles").getVerbs().contains("bind"));
                RoleBinding rb = objects.stream()
                        .filter(o -> o instanceof RoleBinding
                                && o.getMetadata().getName().equals("kubeli-operator-workloads")
                                && o.getMetadata()
                                        .getNamespace()
                                        .equals(r.getMetadata().getNamespace()))
                        .map(RoleBinding.class::cast)
                        .findFirst()
                        .orElseThrow();
                assertEquals("Role", rb.getRoleRef().getKind());
                assertEquals("kubeli", rb.getSubjects().getFirst().getName());
            }
            Role lease = find(objects, Role.class, "kubeli-leader-election");
            PolicyRule byName = lease.getRules().stream()
                    .filter(x -> x.getVerbs().contains("update"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(List.of("kubeli-operator-leader"), byName.getResourceNames());
        }
        // without any namespace list: only the release namespace
        List<HasMetadata> defaults = render(new Helm(CHART));
        assertEquals(
                List.of("kubeli-system"),
                defaults.stream()
                        .filter(o ->
                                o instanceof Role && o.getMetadata().getName().equals("kubeli-operator-workloads"))
                        .map(o -> o.getMetadata().getNamespace())
                        .toList());
        assertEquals("kubeli-system", liNamespacesEnv(defaults));
    }

    static PolicyRule rule(List<PolicyRule> rules, String resource) {
        return rules.stream()
                .filter(r -> r.getResources().contains(resource))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void jsonLogsOnRequestAndNothingElse() {
        Helm helm = new Helm(CHART);
        var c = find(render(helm, "logFormat", "json"), Deployment.class, "kubeli")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertEquals("true", env(c.getEnv(), "QUARKUS_LOG_CONSOLE_JSON_ENABLED"));
        assertThrows(RuntimeException.class, () -> render(helm, "logFormat", "yaml"));
    }

    @Test
    void schemaRejectsUnknownValues() {
        Helm helm = new Helm(CHART);
        assertThrows(RuntimeException.class, () -> render(helm, "replicaCoutn", "3"));
        assertThrows(RuntimeException.class, () -> render(helm, "image.registry", "x"));
    }

    /** The operator Deployment's KUBELI_LI_NAMESPACES (where its Secret informers watch). */
    static String liNamespacesEnv(List<HasMetadata> objects) {
        return env(
                find(objects, Deployment.class, "kubeli")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv(),
                "KUBELI_LI_NAMESPACES");
    }

    static String env(List<EnvVar> env, String name) {
        return env.stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst()
                .orElse(null);
    }
}
