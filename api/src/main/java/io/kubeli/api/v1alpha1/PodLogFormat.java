package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The log line format of the collector or mediator pods the operator renders (their {@code --log-format}). */
public enum PodLogFormat {
    /** One human-readable line per record. */
    @JsonProperty("text")
    TEXT,
    /** One JSON object per line: time, level, logger, message (and error). */
    @JsonProperty("json")
    JSON;

    /** The command-line value: text or json. */
    public String argument() {
        return this == JSON ? "json" : "text";
    }
}
