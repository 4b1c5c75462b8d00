package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of an Agency, written by the mediators (handover) and the operator (conditions). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgencyStatus implements ConditionedStatus {
    @JsonPropertyDescription("State of the HI2 (IRI) connection.")
    private HandoverStatus hi2;

    @JsonPropertyDescription("State of the HI3 (CC) connection.")
    private HandoverStatus hi3;

    @JsonPropertyDescription("Records delivered on HI2 and HI3 together.")
    private Long recordsDelivered;

    @JsonPropertyDescription("Bytes held in the mediators' durable buffers waiting for delivery to this agency.")
    private Long bufferBytes;

    @JsonPropertyDescription("Standard conditions (Ready, Connected, ...).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    public HandoverStatus getHi2() {
        return hi2;
    }

    public void setHi2(HandoverStatus hi2) {
        this.hi2 = hi2;
    }

    public HandoverStatus getHi3() {
        return hi3;
    }

    public void setHi3(HandoverStatus hi3) {
        this.hi3 = hi3;
    }

    public Long getRecordsDelivered() {
        return recordsDelivered;
    }

    public void setRecordsDelivered(Long recordsDelivered) {
        this.recordsDelivered = recordsDelivered;
    }

    public Long getBufferBytes() {
        return bufferBytes;
    }

    public void setBufferBytes(Long bufferBytes) {
        this.bufferBytes = bufferBytes;
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
