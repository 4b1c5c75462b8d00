package io.kubeli.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generated CRDs carry what users see: columns, short names, status subresource, descriptions, rules. */
class CrdContentTest {
    // Kubernetes built-in types embedded in our specs: documented upstream, so not walked.
    private static final Set<String> BUILT_IN = Set.of(
            ".spec.affinity", ".spec.tolerations", ".spec.resources", ".spec.collectorSelector", ".status.conditions");

    @Test
    void kubectlGetShowsTheColumnsAnOfficerNeeds() {
        assertEquals(
                List.of("Ready", "LIID", "Agency", "Phase", "From", "Until", "CC", "IRI", "Age"),
                columns("intercepts"));
        assertEquals(List.of("Ready", "Country", "HI2", "HI3", "Delivered", "Age"), columns("agencies"));
        assertEquals(List.of("Ready", "Replicas", "Ready-Replicas", "Age"), columns("mediators"));
        assertEquals(List.of("Ready", "Desired", "Ready-Nodes", "Drops", "Mediator", "Age"), columns("collectors"));
    }

    /** Issue 17: an invalid spec is visible in kubectl get (READY from the Ready condition), and kubectl get kubeli. */
    @ParameterizedTest
    @ValueSource(strings = {"agencies", "mediators", "collectors", "intercepts"})
    void readyColumnFromTheReadyConditionAndKubeliCategory(String plural) {
        Map<String, Object> crd = ApiServerChecks.forCrd(plural).crd();
        List<Map<String, Object>> cols = ApiServerChecks.at(crd, "spec", "versions", 0, "additionalPrinterColumns");
        Map<String, Object> ready = cols.stream()
                .filter(c -> "Ready".equals(c.get("name")))
                .findFirst()
                .orElseThrow();
        assertEquals(".status.conditions[?(@.type==\"Ready\")].status", ready.get("jsonPath"));
        assertEquals("string", ready.get("type"));
        assertEquals(List.of("kubeli"), ApiServerChecks.at(crd, "spec", "names", "categories"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"agencies", "mediators", "collectors", "intercepts"})
    void namespacedWithStatusSubresourceInOurGroup(String plural) {
        Map<String, Object> crd = ApiServerChecks.forCrd(plural).crd();
        assertEquals(plural + ".li.kubeli.io", ApiServerChecks.at(crd, "metadata", "name"));
        assertEquals("Namespaced", ApiServerChecks.at(crd, "spec", "scope"));
        assertEquals("v1alpha1", ApiServerChecks.at(crd, "spec", "versions", 0, "name"));
        assertNotNull(ApiServerChecks.at(crd, "spec", "versions", 0, "subresources", "status"));
        List<String> shortNames = ApiServerChecks.at(crd, "spec", "names", "shortNames");
        assertTrue(shortNames != null && !shortNames.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"agencies", "mediators", "collectors", "intercepts"})
    void everyFieldHasADescription(String plural) {
        List<String> missing = new ArrayList<>();
        walk(ApiServerChecks.forCrd(plural).schema(), "", missing);
        assertEquals(
                List.of(), missing, "fields without description in " + plural + " (kubectl explain shows nothing)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"agencies", "mediators", "collectors", "intercepts"})
    void everyCelRuleCompilesAndHasAMessage(String plural) {
        List<Map<String, Object>> rules = new ArrayList<>();
        collectRules(ApiServerChecks.forCrd(plural).schema(), rules);
        for (Map<String, Object> r : rules) {
            assertNotNull(r.get("message"), "rule without message: " + r.get("rule"));
        }
        if (plural.equals("intercepts")) {
            assertTrue(rules.stream().anyMatch(r -> "self == oldSelf".equals(r.get("rule"))), "LIID immutability rule");
            assertTrue(rules.size() >= 6, "LIID (2), window, countries (2), targets (2)");
        }
    }

    private static void walk(Map<String, Object> schema, String path, List<String> missing) {
        if (!path.isEmpty() && schema.get("description") == null) {
            missing.add(path);
        }
        if (BUILT_IN.contains(path)) {
            return;
        }
        Map<String, Object> props = ApiServerChecks.cast(schema.get("properties"));
        if (props != null) {
            props.forEach((k, v) -> walk(ApiServerChecks.cast(v), path + "." + k, missing));
        }
        Map<String, Object> items = ApiServerChecks.cast(schema.get("items"));
        if (items != null && items.get("properties") != null) {
            Map<String, Object> p = ApiServerChecks.cast(items.get("properties"));
            p.forEach((k, v) -> walk(ApiServerChecks.cast(v), path + "[]." + k, missing));
        }
    }

    private static void collectRules(Map<String, Object> schema, List<Map<String, Object>> out) {
        List<Map<String, Object>> rules = ApiServerChecks.cast(schema.get("x-kubernetes-validations"));
        if (rules != null) {
            for (Map<String, Object> r : rules) {
                ApiServerChecks.compile((String) r.get("rule"), ApiServerChecks.celType(schema));
                out.add(r);
            }
        }
        Map<String, Object> props = ApiServerChecks.cast(schema.get("properties"));
        if (props != null) {
            props.values().forEach(v -> collectRules(ApiServerChecks.cast(v), out));
        }
        if (schema.get("items") instanceof Map<?, ?> items) {
            collectRules(ApiServerChecks.cast(items), out);
        }
    }

    private static List<String> columns(String plural) {
        List<Map<String, Object>> cols = ApiServerChecks.at(
                ApiServerChecks.forCrd(plural).crd(), "spec", "versions", 0, "additionalPrinterColumns");
        return cols.stream().map(c -> (String) c.get("name")).toList();
    }
}
