package io.kubeli.operator.common;

/** Every reason the operator writes on an Event, with its type: the audit trail's fixed vocabulary. */
public enum EventReason {
    // Intercept lifecycle
    PENDING("Pending", false),
    ACTIVATED("Activated", false),
    EXPIRED("Expired", false),
    DELETED("Deleted", false),
    STOPPING("Stopping", false),
    STOPPED("Stopped", false),
    FINALIZER_TIMEOUT("FinalizerTimeout", true),
    // Intercept refusals (the Failed phase's reason)
    INVALID_SPEC("InvalidSpec", true),
    UNSUPPORTED_TARGET("UnsupportedTarget", true),
    LIID_IN_USE("LiidInUse", true),
    NO_RADIUS_COLLECTOR("NoRadiusCollector", true),
    AGENCY_NOT_FOUND("AgencyNotFound", true),
    MEDIATOR_NOT_FOUND("MediatorNotFound", true),
    /** A failure whose reason has no constant of its own. */
    FAILED("Failed", true),
    // certificates and CIN slots
    CERTIFICATE_ISSUED("CertificateIssued", false),
    CERTIFICATES_ISSUED("CertificatesIssued", false),
    CIN_SLOT_CONFLICT("CinSlotConflict", true),
    CIN_SLOTS_EXHAUSTED("CinSlotsExhausted", true);

    private final String reason;
    private final boolean warning;

    EventReason(String reason, boolean warning) {
        this.reason = reason;
        this.warning = warning;
    }

    /** The Event's reason field (CamelCase, as kubectl shows it). */
    public String reason() {
        return reason;
    }

    /** The Event's type: Warning or Normal. */
    public String type() {
        return warning ? "Warning" : "Normal";
    }

    /** The Warning reason for a Failed phase's status reason; FAILED when it has no constant. */
    public static EventReason ofFailure(String statusReason) {
        for (EventReason r : values()) {
            if (r.warning && r.reason.equals(statusReason)) {
                return r;
            }
        }
        return FAILED;
    }
}
