package io.kubeli.api.v1alpha1;

/** API group, version and shared condition types of li.kubeli.io/v1alpha1. */
public final class KubeLi {
    /** The API group of every KubeLI custom resource. */
    public static final String GROUP = "li.kubeli.io";
    /** The API version of this package. */
    public static final String VERSION = "v1alpha1";
    /** group/version as it appears in apiVersion. */
    public static final String API_VERSION = GROUP + "/" + VERSION;

    /** Condition type: the resource is fully reconciled and working. */
    public static final String CONDITION_READY = "Ready";
    /** Condition type: spec and references are valid (agency, mediator, secrets exist). */
    public static final String CONDITION_VALID = "Valid";
    /** Condition type: records are being handed over to the agency. */
    public static final String CONDITION_DELIVERING = "Delivering";
    /** Condition type: a handover interface (HI2/HI3) is connected. */
    public static final String CONDITION_CONNECTED = "Connected";

    private KubeLi() {}
}
