package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One mediator's handover figures towards one agency. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgencyHandoverSummary {
    @JsonPropertyDescription("Name of the Agency.")
    private String agency;

    @JsonPropertyDescription("HI2 (IRI) connection state.")
    private HandoverState hi2;

    @JsonPropertyDescription("HI3 (CC) connection state.")
    private HandoverState hi3;

    @JsonPropertyDescription("Records delivered to this agency on HI2 and HI3 together.")
    private Long recordsDelivered;

    @JsonPropertyDescription("Bytes buffered for this agency and not yet delivered.")
    private Long bufferBytes;

    @JsonPropertyDescription("RFC 3339 time of the last delivered record.")
    private String lastDelivery;

    public String getAgency() {
        return agency;
    }

    public void setAgency(String agency) {
        this.agency = agency;
    }

    public HandoverState getHi2() {
        return hi2;
    }

    public void setHi2(HandoverState hi2) {
        this.hi2 = hi2;
    }

    public HandoverState getHi3() {
        return hi3;
    }

    public void setHi3(HandoverState hi3) {
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

    public String getLastDelivery() {
        return lastDelivery;
    }

    public void setLastDelivery(String lastDelivery) {
        this.lastDelivery = lastDelivery;
    }
}
