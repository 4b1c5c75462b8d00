package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a Mediator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MediatorStatus implements ConditionedStatus {
    @JsonPropertyDescription("Mediator pods that are ready.")
    private Integer readyReplicas;

    @JsonPropertyDescription("Handover summary per agency served by this mediator.")
    private List<AgencyHandoverSummary> agencies = new ArrayList<>();

    @JsonPropertyDescription("Standard conditions (Ready, ...).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public List<AgencyHandoverSummary> getAgencies() {
        return agencies;
    }

    public void setAgencies(List<AgencyHandoverSummary> agencies) {
        this.agencies = agencies;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
