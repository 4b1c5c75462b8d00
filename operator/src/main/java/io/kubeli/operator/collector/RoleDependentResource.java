package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.operator.common.Labels;

/** The collector's Role, built by a pure function from the Collector. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class RoleDependentResource extends CRUDKubernetesDependentResource<Role, Collector> {
    public RoleDependentResource() {
        super(Role.class);
    }

    @Override
    protected Role desired(Collector c, Context<Collector> context) {
        CollectorInputs in = CollectorInputs.from(context);
        return CollectorRbac.role(c);
    }
}
