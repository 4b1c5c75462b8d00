package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Life-cycle phase of an Intercept. */
public enum InterceptPhase {
    /** Accepted, but not (yet) capturing: window not started or references not ready. */
    @JsonProperty("Pending")
    PENDING,
    /** Inside its window and distributed to the collectors. */
    @JsonProperty("Active")
    ACTIVE,
    /** Its window has ended. */
    @JsonProperty("Expired")
    EXPIRED,
    /** Cannot be served (e.g. missing Agency or Mediator, invalid target); see reason/message. */
    @JsonProperty("Failed")
    FAILED;

    /** The name as written in status.phase, e.g. "Active". */
    public String wireName() {
        String n = name();
        return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
