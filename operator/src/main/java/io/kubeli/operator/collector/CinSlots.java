package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * CIN slots (contract C3): each collector instance (Collector x node) numbers its communications in its own CIN
 * space, slot * 2^20 + base. A slot is given to an instance once and never to another one in the namespace: the
 * ledger ConfigMap kubeli-cin-slots records every slot ever assigned (key: the slot, value:
 * collector/node/collector-uid), so a deleted and re-created Collector of the same name gets new slots and the
 * agency never sees one (LIID, CIN, sequence number) twice. Pure.
 */
public final class CinSlots {
    /** app.kubernetes.io/component of the ledger (the operator's ledger informer selects on it). */
    public static final String COMPONENT = "cin-slots";
    /** Slots per namespace: 0..4095 (CIN = slot * 1048576 + base stays below 2^32). */
    public static final int SLOTS = 4096;

    /** New slot map for the Collector, the ledger entries to add, and nodes left without a slot (ledger full). */
    public record Assignment(
            Map<String, Integer> slots,
            Map<String, String> ledgerAdditions,
            Set<String> exhausted,
            Set<String> conflicts) {
        public boolean changed(Map<String, Integer> before) {
            return !slots.equals(before == null ? Map.of() : before);
        }
    }

    private CinSlots() {}

    /** The ledger value of an instance. */
    static String owner(Collector c, String node) {
        return c.getMetadata().getName() + "/" + node + "/" + c.getMetadata().getUid();
    }

    /**
     * Assigns slots to {@code nodes} for {@code c}. Kept: the Collector's current slots whose ledger entry is its own
     * (or missing: a lost ledger is re-seeded, never reused). Dropped with a conflict: a status entry whose slot the
     * ledger gives to another instance. New: the ledger's own entry for that instance, else the lowest slot neither in
     * the ledger nor in any Collector status of the namespace ({@code usedElsewhere}).
     */
    public static Assignment assign(
            Collector c, Collection<String> nodes, Map<String, String> ledger, Set<Integer> usedElsewhere) {
        Map<String, Integer> current = c.getStatus() == null || c.getStatus().getCinSlots() == null
                ? Map.of()
                : c.getStatus().getCinSlots();
        Map<String, Integer> slots = new TreeMap<>();
        Map<String, String> add = new LinkedHashMap<>();
        Set<String> conflicts = new TreeSet<>();
        for (var e : current.entrySet()) {
            Integer slot = e.getValue();
            String mine = owner(c, e.getKey());
            String recorded = slot == null ? null : ledger.get(Integer.toString(slot));
            if (slot == null || slot < 0 || slot >= SLOTS || recorded != null && !recorded.equals(mine)) {
                conflicts.add(e.getKey());
                continue;
            }
            if (recorded == null) {
                add.put(Integer.toString(slot), mine);
            }
            slots.put(e.getKey(), slot);
        }
        Set<Integer> taken = new HashSet<>(usedElsewhere);
        ledger.keySet().forEach(k -> taken.add(parse(k)));
        add.keySet().forEach(k -> taken.add(parse(k)));
        Set<String> exhausted = new TreeSet<>();
        int next = 0;
        for (String node : new TreeSet<>(nodes)) {
            if (slots.containsKey(node)) {
                continue;
            }
            String mine = owner(c, node);
            Integer own = ledger.entrySet().stream()
                    .filter(x -> x.getValue().equals(mine))
                    .map(x -> parse(x.getKey()))
                    .filter(s -> s >= 0 && s < SLOTS)
                    .findFirst()
                    .orElse(null);
            if (own != null) {
                slots.put(node, own);
                continue;
            }
            while (next < SLOTS && taken.contains(next)) {
                next++;
            }
            if (next >= SLOTS) {
                exhausted.add(node);
                continue;
            }
            slots.put(node, next);
            add.put(Integer.toString(next), mine);
            taken.add(next);
        }
        return new Assignment(slots, add, exhausted, conflicts);
    }

    /** The node of a DaemonSet pod: spec.nodeName, else the node its affinity pins it to (before binding). */
    public static String node(Pod p) {
        if (p.getSpec() == null) {
            return null;
        }
        if (p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty()) {
            return p.getSpec().getNodeName();
        }
        var aff = p.getSpec().getAffinity();
        if (aff == null
                || aff.getNodeAffinity() == null
                || aff.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return null;
        }
        for (var term : aff.getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()) {
            List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
            for (NodeSelectorRequirement r : fields) {
                if ("metadata.name".equals(r.getKey())
                        && "In".equals(r.getOperator())
                        && r.getValues() != null
                        && r.getValues().size() == 1) {
                    return r.getValues().getFirst();
                }
            }
        }
        return null;
    }

    /** A new ledger ConfigMap (no owner: it outlives every Collector). */
    public static ConfigMap newLedger(String namespace) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(Names.CIN_SLOT_LEDGER)
                .withNamespace(namespace)
                .addToLabels(Labels.PART_OF, "kubeli")
                .addToLabels(Labels.COMPONENT, COMPONENT)
                .addToAnnotations(
                        "li.kubeli.io/purpose", "every CIN slot ever assigned in this namespace; never edit or delete")
                .endMetadata()
                .withData(new TreeMap<>())
                .build();
    }

    private static int parse(String k) {
        try {
            return Integer.parseInt(k);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
