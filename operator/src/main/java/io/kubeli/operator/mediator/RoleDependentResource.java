package io.kubeli.operator.mediator;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.common.Labels;

/** The mediator's Role, built by a pure function from the Mediator. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class RoleDependentResource extends CRUDKubernetesDependentResource<Role, Mediator> {
    public RoleDependentResource() {
        super(Role.class);
    }

    @Override
    protected Role desired(Mediator m, Context<Mediator> context) {
        MediatorInputs in = MediatorInputs.from(context);
        return MediatorRbac.role(m);
    }
}
