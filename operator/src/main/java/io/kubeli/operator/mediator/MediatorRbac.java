package io.kubeli.operator.mediator;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.common.Names;
import io.kubeli.operator.common.PodIdentity;
import java.util.List;

/** Builds the mediator pods' identity: read routing resources, write delivery status; pure. */
public final class MediatorRbac {
    private static final String COMPONENT = "mediator";

    private MediatorRbac() {}

    public static ServiceAccount serviceAccount(Mediator m) {
        return PodIdentity.serviceAccount(
                COMPONENT, m, Names.mediator(m.getMetadata().getName()), null);
    }

    /**
     * Read Intercepts and Agencies, patch their status (delivery figures), patch Intercepts (the final-IRI annotation
     * that releases the deletion finalizer), get and patch only this Mediator's status.
     */
    public static Role role(Mediator m) {
        String name = m.getMetadata().getName();
        return PodIdentity.role(
                COMPONENT,
                m,
                Names.mediator(name),
                PodIdentity.kubeliRule(List.of("intercepts", "agencies"), null, "get", "list", "watch"),
                PodIdentity.kubeliRule(List.of("intercepts/status", "agencies/status"), null, "get", "patch"),
                PodIdentity.kubeliRule(List.of("intercepts"), null, "patch"),
                PodIdentity.kubeliRule(List.of("mediators", "mediators/status"), name, "get", "patch"));
    }

    public static RoleBinding roleBinding(Mediator m) {
        return PodIdentity.roleBinding(
                COMPONENT, m, Names.mediator(m.getMetadata().getName()));
    }
}
