package io.kubeli.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** A status with standard conditions and the generation they describe, so one status writer serves every kind. */
public interface ConditionedStatus {
    List<Condition> getConditions();

    void setConditions(List<Condition> conditions);

    Long getObservedGeneration();

    void setObservedGeneration(Long observedGeneration);
}
