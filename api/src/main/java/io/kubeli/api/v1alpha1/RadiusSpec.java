package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** RADIUS session tracking of a Collector (what radiusUser targets follow); unset fields keep the collector's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RadiusSpec {
    @Size(max = 16)
    @ValidationRule(value = "self.all(p, p >= 1 && p <= 65535)", message = "RADIUS ports must be 1 to 65535")
    @JsonPropertyDescription(
            "UDP ports of RADIUS authentication and accounting (default 1812, 1813, 1645, 1646); an empty list turns tracking off (radiusUser Intercepts are then rejected). A capture filter must keep these ports.")
    private List<Integer> ports;

    @Min(1)
    @Max(50000000)
    @JsonPropertyDescription(
            "RADIUS sessions tracked at most per collector pod (default 2000000); beyond it the least recently updated one is dropped (counted).")
    private Integer maxSessions;

    @Min(1)
    @Max(2592000)
    @JsonPropertyDescription(
            "Seconds without Accounting after which a session ends (IRI-End; default 7200); keep it above the NAS's Interim-Update interval.")
    private Integer idleTimeout;

    @Pattern("^(user|calling-station-id|both)$")
    @JsonPropertyDescription(
            "What a radiusUser target is compared with: user (User-Name, the default), calling-station-id, or both. The comparison is exact and case-sensitive.")
    private String identity;

    public List<Integer> getPorts() {
        return ports;
    }

    public void setPorts(List<Integer> ports) {
        this.ports = ports;
    }

    public Integer getMaxSessions() {
        return maxSessions;
    }

    public void setMaxSessions(Integer maxSessions) {
        this.maxSessions = maxSessions;
    }

    public Integer getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Integer idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public String getIdentity() {
        return identity;
    }

    public void setIdentity(String identity) {
        this.identity = identity;
    }
}
