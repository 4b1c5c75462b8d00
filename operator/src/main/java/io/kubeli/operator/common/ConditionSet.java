package io.kubeli.operator.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.kubeli.api.v1alpha1.KubeLi;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The status aggregator for conditions: collects the conditions one reconcile decides and merges them into the
 * existing list following the Kubernetes API conventions.
 */
public final class ConditionSet {
    /** One decided condition. */
    public record Decided(String type, boolean status, String reason, String message) {}

    private final Map<String, Decided> decided = new LinkedHashMap<>();

    /** Records the condition of {@code type} (the last call per type wins). */
    public ConditionSet set(String type, boolean status, String reason, String message) {
        decided.put(type, new Decided(type, status, reason, message));
        return this;
    }

    /**
     * A spec that failed validation: Valid and Ready False with reason {@code InvalidSpec} and the problems joined as
     * the message, which is returned (for a phase or an event).
     */
    public String invalidSpec(List<String> problems) {
        String msg = String.join("; ", problems);
        set(KubeLi.CONDITION_VALID, false, "InvalidSpec", msg);
        set(KubeLi.CONDITION_READY, false, "InvalidSpec", msg);
        return msg;
    }

    /** Whether a condition of this type was decided True. */
    public boolean isTrue(String type) {
        Decided d = decided.get(type);
        return d != null && d.status();
    }

    /** The decided conditions, in decision order. */
    public List<Decided> decided() {
        return List.copyOf(decided.values());
    }

    /**
     * Merges the decided conditions into {@code existing}: every decided type gets observedGeneration; its
     * lastTransitionTime is kept when the status did not change, else set to {@code now}; conditions of other types
     * (written by someone else, e.g. the mediator) are kept unchanged. Pure: returns a new list.
     */
    public List<Condition> mergeInto(List<Condition> existing, Long generation, Instant now) {
        List<Condition> out = new ArrayList<>();
        Map<String, Condition> old = new LinkedHashMap<>();
        if (existing != null) {
            existing.forEach(c -> old.put(c.getType(), c));
        }
        String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
        for (Condition c : old.values()) {
            if (!decided.containsKey(c.getType())) {
                out.add(c);
            }
        }
        for (Decided d : decided.values()) {
            Condition prev = old.get(d.type());
            String status = d.status() ? "True" : "False";
            String transition =
                    prev != null && Objects.equals(prev.getStatus(), status) && prev.getLastTransitionTime() != null
                            ? prev.getLastTransitionTime()
                            : nowText;
            out.add(new ConditionBuilder()
                    .withType(d.type())
                    .withStatus(status)
                    .withReason(d.reason())
                    .withMessage(d.message() == null ? "" : d.message())
                    .withObservedGeneration(generation)
                    .withLastTransitionTime(transition)
                    .build());
        }
        return out;
    }

    /** Finds a condition by type in a list, or null. */
    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
    }

    /** Whether the list holds {@code type} with status True. */
    public static boolean isTrue(List<Condition> conditions, String type) {
        Condition c = find(conditions, type);
        return c != null && "True".equals(c.getStatus());
    }
}
