package io.kubeli.operator.mediator;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.common.OperatorSettings;

/** What the reconciler decided and the dependents build from, handed over through the workflow context. */
public record MediatorInputs(String tlsChecksum, OperatorSettings settings) {
    static final String KEY = MediatorInputs.class.getName();

    void put(Context<Mediator> context) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, this);
    }

    static MediatorInputs from(Context<Mediator> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, MediatorInputs.class);
    }
}
