package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.operator.common.Labels;

/** The collector's RoleBinding, built by a pure function from the Collector. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class RoleBindingDependentResource extends CRUDKubernetesDependentResource<RoleBinding, Collector> {
    public RoleBindingDependentResource() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(Collector c, Context<Collector> context) {
        CollectorInputs in = CollectorInputs.from(context);
        return CollectorRbac.roleBinding(c);
    }
}
