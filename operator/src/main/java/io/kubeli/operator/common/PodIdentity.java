package io.kubeli.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.kubeli.api.v1alpha1.KubeLi;
import java.util.List;

/**
 * The ServiceAccount, Role and RoleBinding of a workload's pods, all named {@code name} in the owner's namespace with
 * the component's labels; the callers only choose the Role's rules. Pure.
 */
public final class PodIdentity {
    private PodIdentity() {}

    /** The pods' ServiceAccount; {@code automountToken} null leaves the API server's default. */
    public static ServiceAccount serviceAccount(
            String component, HasMetadata owner, String name, Boolean automountToken) {
        return new ServiceAccountBuilder()
                .withMetadata(Labels.metadata(component, owner, name))
                .withAutomountServiceAccountToken(automountToken)
                .build();
    }

    /** A namespaced Role holding only {@code rules}. */
    public static Role role(String component, HasMetadata owner, String name, PolicyRule... rules) {
        return new RoleBuilder()
                .withMetadata(Labels.metadata(component, owner, name))
                .withRules(rules)
                .build();
    }

    /** Binds the Role {@code name} to the ServiceAccount {@code name}. */
    public static RoleBinding roleBinding(String component, HasMetadata owner, String name) {
        return new RoleBindingBuilder()
                .withMetadata(Labels.metadata(component, owner, name))
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName(name)
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(name)
                .withNamespace(owner.getMetadata().getNamespace())
                .endSubject()
                .build();
    }

    /** A rule on KubeLi resources: {@code verbs} on {@code resources}, only the object {@code only} when not null. */
    public static PolicyRule kubeliRule(List<String> resources, String only, String... verbs) {
        PolicyRuleBuilder rule =
                new PolicyRuleBuilder().withApiGroups(KubeLi.GROUP).withResources(resources);
        if (only != null) {
            rule.withResourceNames(only);
        }
        return rule.withVerbs(verbs).build();
    }
}
