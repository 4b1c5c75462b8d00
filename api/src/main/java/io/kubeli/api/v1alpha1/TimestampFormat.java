package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How PS-PDU timestamps are encoded for an agency (ETSI TS 102 232-1 timeStamp vs microSecondTimeStamp). */
public enum TimestampFormat {
    /** GeneralizedTime (timeStamp). */
    @JsonProperty("generalized")
    GENERALIZED,
    /** Seconds and microseconds since the epoch (microSecondTimeStamp). */
    @JsonProperty("microseconds")
    MICROSECONDS
}
