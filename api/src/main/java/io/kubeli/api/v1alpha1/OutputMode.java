package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which records of an intercept are delivered. */
public enum OutputMode {
    /** CC (HI3) and IRI (HI2). */
    @JsonProperty("both")
    BOTH,
    /** Content of communication only. */
    @JsonProperty("ccOnly")
    CC_ONLY,
    /** Intercept-related information only. */
    @JsonProperty("iriOnly")
    IRI_ONLY;

    /** Whether CC records are delivered. */
    public boolean includesCc() {
        return this != IRI_ONLY;
    }

    /** Whether IRI records are delivered. */
    public boolean includesIri() {
        return this != CC_ONLY;
    }
}
