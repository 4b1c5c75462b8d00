package io.kubeli.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/** Standard labels and annotations the operator puts on what it creates. */
public final class Labels {
    /** Value of app.kubernetes.io/managed-by on every operator-owned object. */
    public static final String MANAGER = "kubeli-operator";

    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    /** Selector label every managed object carries: managed-by=kubeli-operator. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;
    /** Pod-template annotation holding the SHA-256 of the config, so config changes roll the pods. */
    public static final String CONFIG_CHECKSUM = "li.kubeli.io/config-checksum";
    /** Label naming the mediator a collector pod streams to (NetworkPolicy selects on it). */
    public static final String MEDIATOR = "li.kubeli.io/mediator";

    private Labels() {}

    /** Selector labels of the workload for {@code owner} with component ("collector", "mediator"). */
    public static Map<String, String> selector(String component, HasMetadata owner) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(NAME, "kubeli-" + component);
        m.put(INSTANCE, owner.getMetadata().getName());
        return m;
    }

    /** Full label set: selector labels plus component, part-of and managed-by. */
    public static Map<String, String> of(String component, HasMetadata owner) {
        Map<String, String> m = selector(component, owner);
        m.put(COMPONENT, component);
        m.put(PART_OF, "kubeli");
        m.put(MANAGED_BY, MANAGER);
        return m;
    }

    /** Metadata of an object {@code owner} owns: {@code name} in the owner's namespace, with the full label set. */
    public static ObjectMeta metadata(String component, HasMetadata owner, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(owner.getMetadata().getNamespace())
                .withLabels(of(component, owner))
                .build();
    }
}
