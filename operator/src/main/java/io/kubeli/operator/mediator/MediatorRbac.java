package io.kubeli.operator.mediator;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.kubeli.api.v1alpha1.KubeLi;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;

/** Builds the mediator pods' identity: read routing resources, write delivery status; pure. */
public final class MediatorRbac {
    private MediatorRbac() {}

    public static ServiceAccount serviceAccount(Mediator m) {
        return new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(Names.mediator(m.getMetadata().getName()))
                .withNamespace(m.getMetadata().getNamespace())
                .withLabels(Labels.of("mediator", m))
                .endMetadata()
                .build();
    }

    /**
     * Read Intercepts and Agencies, patch their status (delivery figures), patch Intercepts (the final-IRI annotation
     * that releases the deletion finalizer), get and patch only this Mediator's status.
     */
    public static Role role(Mediator m) {
        String name = m.getMetadata().getName();
        return new RoleBuilder()
                .withNewMetadata()
                .withName(Names.mediator(name))
                .withNamespace(m.getMetadata().getNamespace())
                .withLabels(Labels.of("mediator", m))
                .endMetadata()
                .withRules(
                        new PolicyRuleBuilder()
                                .withApiGroups(KubeLi.GROUP)
                                .withResources("intercepts", "agencies")
                                .withVerbs("get", "list", "watch")
                                .build(),
                        new PolicyRuleBuilder()
                                .withApiGroups(KubeLi.GROUP)
                                .withResources("intercepts/status", "agencies/status")
                                .withVerbs("get", "patch")
                                .build(),
                        new PolicyRuleBuilder()
                                .withApiGroups(KubeLi.GROUP)
                                .withResources("intercepts")
                                .withVerbs("patch")
                                .build(),
                        new PolicyRuleBuilder()
                                .withApiGroups(KubeLi.GROUP)
                                .withResources("mediators", "mediators/status")
                                .withResourceNames(name)
                                .withVerbs("get", "patch")
                                .build())
                .build();
    }

    public static RoleBinding roleBinding(Mediator m) {
        String name = Names.mediator(m.getMetadata().getName());
        return new RoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(m.getMetadata().getNamespace())
                .withLabels(Labels.of("mediator", m))
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName(name)
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(name)
                .withNamespace(m.getMetadata().getNamespace())
                .endSubject()
                .build();
    }
}
