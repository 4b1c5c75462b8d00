package io.kubeli.operator.helm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.operator.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * After the Quarkus build (integration-test phase): the chart's operator ClusterRole covers every rule QOSDK
 * generated from the reconcilers into target/kubernetes/kubernetes.yml, except the deliberate reductions.
 */
class GeneratedRbacIT {
    static final Path CHART = HelmChartTest.CHART;

    @Test
    void chartRbacCoversTheRulesQosdkGenerates() throws Exception {
        // QOSDK generates roles/rolebindings CRUD and secrets/pods per reconciler; the chart grants them in the LI
        // namespaces' Role (see rbac.yaml); coverage below is over both
        Path generated = Fixtures.root().resolve("operator/target/kubernetes/kubernetes.yml");
        assertTrue(Files.exists(generated), "QOSDK did not generate " + generated);
        var objects = HelmChartTest.render(new Helm(CHART));
        ClusterRole clusterRole = HelmChartTest.find(objects, ClusterRole.class, "kubeli-operator");
        // the chart splits the rules: cluster-wide ones, and the Role of the namespaces where workloads run
        List<PolicyRule> chartRules = new ArrayList<>(clusterRole.getRules());
        chartRules.addAll(HelmChartTest.find(objects, Role.class, "kubeli-operator-workloads")
                .getRules());
        List<String> missing = new ArrayList<>();
        for (String doc : Files.readString(generated).split("(?m)^---\\s*$")) {
            if (!doc.contains("kind: ClusterRole\n")) {
                continue;
            }
            ClusterRole gen = Serialization.unmarshal(doc, ClusterRole.class);
            for (PolicyRule r : gen.getRules()) {
                for (String res : r.getResources()) {
                    for (String verb : r.getVerbs()) {
                        boolean covered = chartRules.stream()
                                .anyMatch(c -> c.getApiGroups().containsAll(r.getApiGroups())
                                        && c.getResources().contains(res)
                                        && c.getVerbs().contains(verb));
                        boolean cr = res.matches("(collectors|mediators|agencies|intercepts)");
                        boolean deliberatelyDropped = cr
                                        && Set.of("create", "delete").contains(verb)
                                || res.endsWith("/status")
                                        && !Set.of("get", "patch", "update").contains(verb)
                                || res.endsWith("/finalizers") && !verb.equals("update")
                                || res.equals("secrets")
                                        && Set.of("patch", "delete").contains(verb);
                        if (!covered && !deliberatelyDropped) {
                            missing.add(res + ":" + verb);
                        }
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "chart ClusterRole misses generated rules " + missing);
    }
}
