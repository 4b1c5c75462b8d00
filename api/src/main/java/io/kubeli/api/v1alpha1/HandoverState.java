package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Connection state of one handover interface towards an agency. */
public enum HandoverState {
    /** Not connected and not trying (no mediator serves it yet). */
    @JsonProperty("Disconnected")
    DISCONNECTED,
    /** Connecting or waiting for the reconnect backoff. */
    @JsonProperty("Connecting")
    CONNECTING,
    /** Connected; keep-alives answered. */
    @JsonProperty("Connected")
    CONNECTED,
    /** Repeated failures (refused, TLS error, keep-alive timeouts). */
    @JsonProperty("Failed")
    FAILED
}
