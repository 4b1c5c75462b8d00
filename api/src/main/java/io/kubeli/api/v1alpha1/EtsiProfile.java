package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which ASN.1 module versions an agency's decoder expects. */
public enum EtsiProfile {
    /** The latest module versions KubeLI implements. */
    @JsonProperty("latest")
    LATEST,
    /** The module versions OpenLI emits, for agencies whose decoders were built against OpenLI. */
    @JsonProperty("openli")
    OPENLI
}
