package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.operator.common.Names;
import io.kubeli.operator.common.PodIdentity;
import java.util.List;

/** Builds the collector pods' identity: ServiceAccount, a read-only Role and its RoleBinding; pure. */
public final class CollectorRbac {
    private static final String COMPONENT = "collector";

    private CollectorRbac() {}

    /** The ServiceAccount of the collector pods. */
    public static ServiceAccount serviceAccount(Collector c) {
        return PodIdentity.serviceAccount(
                COMPONENT, c, Names.collector(c.getMetadata().getName()), true);
    }

    /**
     * Read Intercepts and Agencies (targets and handover details) and only this Collector (get, and list/watch
     * restricted by resourceNames, which the API server allows for a metadata.name field selector); nothing else.
     */
    public static Role role(Collector c) {
        String name = c.getMetadata().getName();
        return PodIdentity.role(
                COMPONENT,
                c,
                Names.collector(name),
                PodIdentity.kubeliRule(List.of("intercepts", "agencies"), null, "get", "list", "watch"),
                PodIdentity.kubeliRule(List.of("collectors"), name, "get", "list", "watch"));
    }

    /** Binds the Role to the ServiceAccount. */
    public static RoleBinding roleBinding(Collector c) {
        return PodIdentity.roleBinding(
                COMPONENT, c, Names.collector(c.getMetadata().getName()));
    }
}
