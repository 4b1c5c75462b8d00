package io.kubeli.api.v1alpha1;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Which Collectors serve an Intercept (its collectorSelector against the Collector's labels; shared by the collector,
 * which decides whether it intercepts, and the operator, which reports it) and what they track.
 */
public final class CollectorSelection {
    private CollectorSelection() {}

    /** Whether {@code sel} (null = every Collector) selects {@code collector}. */
    public static boolean matches(LabelSelector sel, Collector collector) {
        if (sel == null) {
            return true;
        }
        Map<String, String> labels =
                collector.getMetadata() == null || collector.getMetadata().getLabels() == null
                        ? Map.of()
                        : collector.getMetadata().getLabels();
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

    /** Whether the Collector tracks RADIUS (what radiusUser targets need): unless spec.radius.ports is empty. */
    public static boolean tracksRadius(Collector collector) {
        CollectorSpec s = collector.getSpec();
        return s == null
                || s.getRadius() == null
                || s.getRadius().getPorts() == null
                || !s.getRadius().getPorts().isEmpty();
    }
}
