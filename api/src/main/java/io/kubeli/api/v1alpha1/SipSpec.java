package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** SIP call tracking of a Collector (what sipUri targets follow); unset fields keep the collector's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SipSpec {
    @Size(max = 16)
    @ValidationRule(value = "self.all(p, p >= 1 && p <= 65535)", message = "SIP ports must be 1 to 65535")
    @JsonPropertyDescription(
            "UDP/TCP ports carrying SIP at either end (default 5060); an empty list turns tracking off (sipUri Intercepts are then rejected). A capture filter must keep these ports and the calls' RTP.")
    private List<Integer> ports;

    @Min(1)
    @Max(1048576)
    @JsonPropertyDescription(
            "Calls of sipUri targets followed at once per collector pod (default 100000, at most 1048576: one CIN each); more are refused (counted). Other calls cost nothing.")
    private Integer maxCalls;

    @Min(1)
    @Max(86400)
    @JsonPropertyDescription(
            "Seconds without SIP or RTP after which a target call ends (IRI-End; media stops; default 300).")
    private Integer mediaTimeout;

    public List<Integer> getPorts() {
        return ports;
    }

    public void setPorts(List<Integer> ports) {
        this.ports = ports;
    }

    public Integer getMaxCalls() {
        return maxCalls;
    }

    public void setMaxCalls(Integer maxCalls) {
        this.maxCalls = maxCalls;
    }

    public Integer getMediaTimeout() {
        return mediaTimeout;
    }

    public void setMediaTimeout(Integer mediaTimeout) {
        this.mediaTimeout = mediaTimeout;
    }
}
