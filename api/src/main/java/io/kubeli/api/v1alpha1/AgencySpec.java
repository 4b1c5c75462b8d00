package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.time.Duration;

/** Desired state of an Agency: where and how records are handed over. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgencySpec {
    /** Default pause before re-opening a failed handover connection. */
    public static final String DEFAULT_RECONNECT_BACKOFF = "5s";

    @Required
    @JsonPropertyDescription("HI2 endpoint: intercept-related information (IRI) is delivered here.")
    private HandoverEndpoint hi2;

    @Required
    @JsonPropertyDescription("HI3 endpoint: content of communication (CC) is delivered here.")
    private HandoverEndpoint hi3;

    @Required
    @Size(min = 2, max = 2)
    @ValidationRule(
            value = "self.matches('^[A-Z]{2}$')",
            message = "countryCode must be two upper-case letters (ISO 3166-1 alpha-2)")
    @JsonPropertyDescription("ISO 3166-1 alpha-2 country code of the agency, e.g. DE.")
    private String countryCode;

    @JsonPropertyDescription(
            "Keep-alive timing of the handover connections (defaults: interval 30s, responseTimeout 10s).")
    private Keepalive keepalive;

    @Default(DEFAULT_RECONNECT_BACKOFF)
    @Pattern(Durations.PATTERN)
    @Size(max = 32)
    @JsonPropertyDescription("Pause before re-opening a failed handover connection, e.g. 5s.")
    private String reconnectBackoff = DEFAULT_RECONNECT_BACKOFF;

    @Default("generalized")
    @JsonPropertyDescription(
            "PS-PDU timestamp encoding the agency expects: generalized (GeneralizedTime) or microseconds.")
    private TimestampFormat timestampFormat = TimestampFormat.GENERALIZED;

    @Required
    @Size(min = 1, max = 16)
    @ValidationRule(
            value = "size(bytes(self)) >= 1 && size(bytes(self)) <= 16",
            message = "operatorId must be 1 to 16 octets (ETSI TS 102 232-1)")
    @JsonPropertyDescription("Operator identifier placed in every PS-PDU header for this agency (1-16 octets).")
    private String operatorId;

    @Default("latest")
    @JsonPropertyDescription(
            "ASN.1 module versions the agency's decoder expects: latest, or openli for decoders built against OpenLI.")
    private EtsiProfile etsiProfile = EtsiProfile.LATEST;

    public HandoverEndpoint getHi2() {
        return hi2;
    }

    public void setHi2(HandoverEndpoint hi2) {
        this.hi2 = hi2;
    }

    public HandoverEndpoint getHi3() {
        return hi3;
    }

    public void setHi3(HandoverEndpoint hi3) {
        this.hi3 = hi3;
    }

    public String getCountryCode() {
        return countryCode;
    }

    public void setCountryCode(String countryCode) {
        this.countryCode = countryCode;
    }

    public Keepalive getKeepalive() {
        return keepalive;
    }

    public void setKeepalive(Keepalive keepalive) {
        this.keepalive = keepalive;
    }

    public String getReconnectBackoff() {
        return reconnectBackoff;
    }

    public void setReconnectBackoff(String reconnectBackoff) {
        this.reconnectBackoff = reconnectBackoff;
    }

    public TimestampFormat getTimestampFormat() {
        return timestampFormat;
    }

    public void setTimestampFormat(TimestampFormat timestampFormat) {
        this.timestampFormat = timestampFormat;
    }

    public String getOperatorId() {
        return operatorId;
    }

    public void setOperatorId(String operatorId) {
        this.operatorId = operatorId;
    }

    public EtsiProfile getEtsiProfile() {
        return etsiProfile;
    }

    public void setEtsiProfile(EtsiProfile etsiProfile) {
        this.etsiProfile = etsiProfile;
    }

    /** The keep-alive settings, or the defaults when none are given. */
    @JsonIgnore
    public Keepalive keepaliveOrDefault() {
        return keepalive != null ? keepalive : new Keepalive();
    }

    /** The reconnect backoff as a Duration (default 5s). */
    @JsonIgnore
    public Duration reconnectBackoffDuration() {
        return Durations.parseOr(reconnectBackoff, Durations.parse(DEFAULT_RECONNECT_BACKOFF));
    }

    /** The timestamp format, defaulting to generalized. */
    @JsonIgnore
    public TimestampFormat timestampFormatOrDefault() {
        return timestampFormat != null ? timestampFormat : TimestampFormat.GENERALIZED;
    }

    /** The ETSI profile, defaulting to latest. */
    @JsonIgnore
    public EtsiProfile etsiProfileOrDefault() {
        return etsiProfile != null ? etsiProfile : EtsiProfile.LATEST;
    }
}
