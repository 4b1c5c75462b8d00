package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.operator.common.OperatorSettings;

/** What the reconciler observed and the dependents build from, handed over through the workflow context. */
public record CollectorInputs(MediatorLink link, ConfigMap configMap, OperatorSettings settings) {
    static final String KEY = CollectorInputs.class.getName();

    /** Stores the inputs for the dependents of this reconcile. */
    void put(Context<Collector> context) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, this);
    }

    /** The inputs stored by the reconciler. */
    static CollectorInputs from(Context<Collector> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, CollectorInputs.class);
    }
}
