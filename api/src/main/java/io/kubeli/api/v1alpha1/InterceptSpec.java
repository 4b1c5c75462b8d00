package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Desired state of an Intercept (a warrant). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "timestamp(self.validUntil) > timestamp(self.validFrom)",
        message = "validUntil must be later than validFrom")
public class InterceptSpec {
    @Required
    @Size(min = 1, max = 25)
    @ValidationRule(value = "self == oldSelf", message = "liid is immutable")
    @ValidationRule(
            value = "size(bytes(self)) >= 1 && size(bytes(self)) <= 25",
            message = "liid must be 1 to 25 octets (ETSI TS 102 232-1)")
    @JsonPropertyDescription("Lawful interception identifier from the warrant (1-25 octets); immutable once created.")
    private String liid;

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Name of the Agency (same namespace) that receives the records.")
    private String agencyRef;

    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Name of the Mediator (same namespace) that hands the records over.")
    private String mediatorRef;

    @Required
    @Size(min = 2, max = 2)
    @ValidationRule(
            value = "self.matches('^[A-Z]{2}$')",
            message = "authorizationCountryCode must be two upper-case letters (ISO 3166-1 alpha-2)")
    @JsonPropertyDescription("ISO 3166-1 alpha-2 code of the country that authorized the interception.")
    private String authorizationCountryCode;

    @Required
    @Size(min = 2, max = 2)
    @ValidationRule(
            value = "self.matches('^[A-Z]{2}$')",
            message = "deliveryCountryCode must be two upper-case letters (ISO 3166-1 alpha-2)")
    @JsonPropertyDescription("ISO 3166-1 alpha-2 code of the country the records are delivered to.")
    private String deliveryCountryCode;

    @Required
    @Size(max = 64)
    @JsonPropertyDescription(
            "RFC 3339 start of the warrant's validity, e.g. 2025-01-01T00:00:00Z; capture time must be at or after it.")
    private String validFrom;

    @Required
    @Size(max = 64)
    @JsonPropertyDescription("RFC 3339 end of the warrant's validity (exclusive); must be later than validFrom.")
    private String validUntil;

    @Default("both")
    @JsonPropertyDescription("What to deliver: both (CC and IRI), ccOnly or iriOnly.")
    private OutputMode output = OutputMode.BOTH;

    @Required
    @Size(min = 1, max = 64)
    @JsonPropertyDescription("Targets of the warrant; each entry names exactly one of ip, radiusUser or sipUri.")
    private List<Target> targets = new ArrayList<>();

    @JsonPropertyDescription("Collectors (by label) that capture for this intercept; all collectors when absent.")
    private LabelSelector collectorSelector;

    public String getLiid() {
        return liid;
    }

    public void setLiid(String liid) {
        this.liid = liid;
    }

    public String getAgencyRef() {
        return agencyRef;
    }

    public void setAgencyRef(String agencyRef) {
        this.agencyRef = agencyRef;
    }

    public String getMediatorRef() {
        return mediatorRef;
    }

    public void setMediatorRef(String mediatorRef) {
        this.mediatorRef = mediatorRef;
    }

    public String getAuthorizationCountryCode() {
        return authorizationCountryCode;
    }

    public void setAuthorizationCountryCode(String c) {
        this.authorizationCountryCode = c;
    }

    public String getDeliveryCountryCode() {
        return deliveryCountryCode;
    }

    public void setDeliveryCountryCode(String c) {
        this.deliveryCountryCode = c;
    }

    public String getValidFrom() {
        return validFrom;
    }

    public void setValidFrom(String validFrom) {
        this.validFrom = validFrom;
    }

    public String getValidUntil() {
        return validUntil;
    }

    public void setValidUntil(String validUntil) {
        this.validUntil = validUntil;
    }

    public OutputMode getOutput() {
        return output;
    }

    public void setOutput(OutputMode output) {
        this.output = output;
    }

    public List<Target> getTargets() {
        return targets;
    }

    public void setTargets(List<Target> targets) {
        this.targets = targets;
    }

    public LabelSelector getCollectorSelector() {
        return collectorSelector;
    }

    public void setCollectorSelector(LabelSelector collectorSelector) {
        this.collectorSelector = collectorSelector;
    }

    /** validFrom as an Instant; throws DateTimeParseException when it is not RFC 3339. */
    @JsonIgnore
    public Instant validFromInstant() {
        return parseRfc3339(validFrom);
    }

    /** validUntil as an Instant; throws DateTimeParseException when it is not RFC 3339. */
    @JsonIgnore
    public Instant validUntilInstant() {
        return parseRfc3339(validUntil);
    }

    /** Whether {@code t} lies in the window validFrom &lt;= t &lt; validUntil. */
    @JsonIgnore
    public boolean isWithinWindow(Instant t) {
        return !t.isBefore(validFromInstant()) && t.isBefore(validUntilInstant());
    }

    /** The output mode, defaulting to both. */
    @JsonIgnore
    public OutputMode outputOrDefault() {
        return output != null ? output : OutputMode.BOTH;
    }

    /** Parses an RFC 3339 date-time with offset ("Z" or "+01:00"); null for null. */
    public static Instant parseRfc3339(String text) {
        return text == null
                ? null
                : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
    }
}
