package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed state of one handover interface (HI2 or HI3) towards an agency. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HandoverStatus {
    @JsonPropertyDescription("Connection state: Disconnected, Connecting, Connected or Failed.")
    private HandoverState state;

    @JsonPropertyDescription("RFC 3339 time of the last answered keep-alive.")
    private String lastKeepalive;

    @JsonPropertyDescription("Round-trip time of the last answered keep-alive, in milliseconds.")
    private Long lastKeepaliveRttMillis;

    @JsonPropertyDescription(
            "Records delivered (acknowledged by TCP) on this interface since the mediator started counting.")
    private Long recordsDelivered;

    @JsonPropertyDescription("Records sent again after a reconnect because their delivery was not confirmed.")
    private Long resent;

    public HandoverState getState() {
        return state;
    }

    public void setState(HandoverState state) {
        this.state = state;
    }

    public String getLastKeepalive() {
        return lastKeepalive;
    }

    public void setLastKeepalive(String lastKeepalive) {
        this.lastKeepalive = lastKeepalive;
    }

    public Long getLastKeepaliveRttMillis() {
        return lastKeepaliveRttMillis;
    }

    public void setLastKeepaliveRttMillis(Long lastKeepaliveRttMillis) {
        this.lastKeepaliveRttMillis = lastKeepaliveRttMillis;
    }

    public Long getRecordsDelivered() {
        return recordsDelivered;
    }

    public void setRecordsDelivered(Long recordsDelivered) {
        this.recordsDelivered = recordsDelivered;
    }

    public Long getResent() {
        return resent;
    }

    public void setResent(Long resent) {
        this.resent = resent;
    }
}
