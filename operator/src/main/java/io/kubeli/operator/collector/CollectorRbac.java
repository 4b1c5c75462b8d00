package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.KubeLi;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;

/** Builds the collector pods' identity: ServiceAccount, a read-only Role and its RoleBinding; pure. */
public final class CollectorRbac {
    private CollectorRbac() {}

    /** The ServiceAccount of the collector pods. */
    public static ServiceAccount serviceAccount(Collector c) {
        return new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(Names.collector(c.getMetadata().getName()))
                .withNamespace(c.getMetadata().getNamespace())
                .withLabels(Labels.of("collector", c))
                .endMetadata()
                .withAutomountServiceAccountToken(true)
                .build();
    }

    /**
     * Read Intercepts and Agencies (targets and handover details) and only this Collector (get, and list/watch
     * restricted by resourceNames, which the API server allows for a metadata.name field selector); nothing else.
     */
    public static Role role(Collector c) {
        String name = c.getMetadata().getName();
        return new RoleBuilder()
                .withNewMetadata()
                .withName(Names.collector(name))
                .withNamespace(c.getMetadata().getNamespace())
                .withLabels(Labels.of("collector", c))
                .endMetadata()
                .withRules(
                        new PolicyRuleBuilder()
                                .withApiGroups(KubeLi.GROUP)
                                .withResources("intercepts", "agencies")
                                .withVerbs("get", "list", "watch")
                                .build(),
                        new PolicyRuleBuilder()
                                .withApiGroups(KubeLi.GROUP)
                                .withResources("collectors")
                                .withResourceNames(name)
                                .withVerbs("get", "list", "watch")
                                .build())
                .build();
    }

    /** Binds the Role to the ServiceAccount. */
    public static RoleBinding roleBinding(Collector c) {
        String name = Names.collector(c.getMetadata().getName());
        return new RoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(c.getMetadata().getNamespace())
                .withLabels(Labels.of("collector", c))
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName(name)
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(name)
                .withNamespace(c.getMetadata().getNamespace())
                .endSubject()
                .build();
    }
}
