package io.kubeli.collector;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.kubeli.api.v1alpha1.Collector;
import java.util.List;
import java.util.Map;

/** Evaluates an Intercept's collectorSelector against this collector's Collector resource labels. */
final class Selectors {
    private Selectors() {
    }

    static boolean matches(LabelSelector sel, Collector collector) {
        if (sel == null) {
            return true;
        }
        Map<String, String> labels = collector.getMetadata() == null || collector.getMetadata().getLabels() == null
                ? Map.of() : collector.getMetadata().getLabels();
        if (sel.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : sel.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (sel.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : sel.getMatchExpressions()) {
                String v = labels.get(r.getKey());
                List<String> vals = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> v != null && vals.contains(v);
                    case "NotIn" -> v == null || !vals.contains(v);
                    case "Exists" -> v != null;
                    case "DoesNotExist" -> v == null;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
