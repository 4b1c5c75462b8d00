package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.time.Duration;

/** Keep-alive timing of a handover connection (ETSI TS 102 232-1 keep-alive PDUs). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Keepalive {
    /** Default keep-alive interval. */
    public static final String DEFAULT_INTERVAL = "30s";
    /** Default time to wait for a keep-alive response. */
    public static final String DEFAULT_RESPONSE_TIMEOUT = "10s";

    @Default(DEFAULT_INTERVAL)
    @Pattern(Durations.PATTERN)
    @Size(max = 32)
    @JsonPropertyDescription("Time between keep-alive PDUs on an idle connection, e.g. 30s or 1m.")
    private String interval = DEFAULT_INTERVAL;

    @Default(DEFAULT_RESPONSE_TIMEOUT)
    @Pattern(Durations.PATTERN)
    @Size(max = 32)
    @JsonPropertyDescription(
            "How long to wait for the keep-alive response before the connection is considered dead and re-opened.")
    private String responseTimeout = DEFAULT_RESPONSE_TIMEOUT;

    public String getInterval() {
        return interval;
    }

    public void setInterval(String interval) {
        this.interval = interval;
    }

    public String getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(String responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    /** The interval as a Duration (default when unset). */
    @JsonIgnore
    public Duration intervalDuration() {
        return Durations.parse(interval != null ? interval : DEFAULT_INTERVAL);
    }

    /** The response timeout as a Duration (default when unset). */
    @JsonIgnore
    public Duration responseTimeoutDuration() {
        return Durations.parse(responseTimeout != null ? responseTimeout : DEFAULT_RESPONSE_TIMEOUT);
    }
}
