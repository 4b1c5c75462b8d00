package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of an Intercept: phase (operator) and delivery figures (mediators). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InterceptStatus implements ConditionedStatus {
    /** status.phase value Pending. */
    public static final String PHASE_PENDING = "Pending";
    /** status.phase value Active. */
    public static final String PHASE_ACTIVE = "Active";
    /** status.phase value Expired. */
    public static final String PHASE_EXPIRED = "Expired";
    /** status.phase value Failed. */
    public static final String PHASE_FAILED = "Failed";

    @JsonPropertyDescription("Life-cycle phase: Pending, Active, Expired or Failed.")
    private InterceptPhase phase;

    @JsonPropertyDescription("Machine-readable reason for the phase, e.g. AgencyNotFound or WindowNotStarted.")
    private String reason;

    @JsonPropertyDescription("Human-readable explanation of the phase.")
    private String message;

    @JsonPropertyDescription("Standard conditions (Valid, Ready, Delivering, ...).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("CC records delivered to the agency (HI3).")
    private Long ccRecords;

    @JsonPropertyDescription("IRI records delivered to the agency (HI2).")
    private Long iriRecords;

    @JsonPropertyDescription("RFC 3339 time of the first delivered record.")
    private String firstRecordTime;

    @JsonPropertyDescription("RFC 3339 time of the last delivered record.")
    private String lastRecordTime;

    @JsonPropertyDescription("Collector pods that currently hold this intercept in their target table.")
    private Integer activeCollectors;

    @JsonPropertyDescription(
            "Subscriber sessions (radiusUser) currently intercepted: IPIRI IRI-Begin stored by the mediator without the IRI-End of its CIN yet. No addresses or user names are shown.")
    private Integer activeSessions;

    @JsonPropertyDescription("RFC 3339 time activeSessions last changed (a session began or ended).")
    private String sessionsSince;

    @JsonPropertyDescription(
            "Calls (sipUri) currently intercepted: IPMMIRI IRI-Begin stored by the mediator without the IRI-End of its CIN yet.")
    private Integer activeCalls;

    @JsonPropertyDescription("Calls (sipUri) intercepted so far: CINs with a stored IPMMIRI IRI-Begin.")
    private Long totalCalls;

    public Integer getActiveCalls() {
        return activeCalls;
    }

    public void setActiveCalls(Integer activeCalls) {
        this.activeCalls = activeCalls;
    }

    public Long getTotalCalls() {
        return totalCalls;
    }

    public void setTotalCalls(Long totalCalls) {
        this.totalCalls = totalCalls;
    }

    public InterceptPhase getPhase() {
        return phase;
    }

    public void setPhase(InterceptPhase phase) {
        this.phase = phase;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Long getCcRecords() {
        return ccRecords;
    }

    public void setCcRecords(Long ccRecords) {
        this.ccRecords = ccRecords;
    }

    public Long getIriRecords() {
        return iriRecords;
    }

    public void setIriRecords(Long iriRecords) {
        this.iriRecords = iriRecords;
    }

    public String getFirstRecordTime() {
        return firstRecordTime;
    }

    public void setFirstRecordTime(String firstRecordTime) {
        this.firstRecordTime = firstRecordTime;
    }

    public String getLastRecordTime() {
        return lastRecordTime;
    }

    public void setLastRecordTime(String lastRecordTime) {
        this.lastRecordTime = lastRecordTime;
    }

    public Integer getActiveSessions() {
        return activeSessions;
    }

    public void setActiveSessions(Integer activeSessions) {
        this.activeSessions = activeSessions;
    }

    public String getSessionsSince() {
        return sessionsSince;
    }

    public void setSessionsSince(String sessionsSince) {
        this.sessionsSince = sessionsSince;
    }

    public Integer getActiveCollectors() {
        return activeCollectors;
    }

    public void setActiveCollectors(Integer activeCollectors) {
        this.activeCollectors = activeCollectors;
    }
}
