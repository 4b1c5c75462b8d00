package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One target identity of an intercept: exactly one of ip, radiusUser or sipUri. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "[has(self.ip), has(self.radiusUser), has(self.sipUri)].filter(x, x).size() == 1",
        message = "each target must set exactly one of ip, radiusUser or sipUri")
@ValidationRule(value = "!has(self.cin) || has(self.ip)", message = "cin can only be fixed for ip targets")
// catch-all and very wide prefixes would intercept everyone; IP_PATTERN already excludes leading zeros
@ValidationRule(
        value = "!has(self.ip) || !(self.ip.contains(':') ? self.ip.matches('/([0-9]|1[0-5])$')"
                + " : self.ip.matches('/[0-7]$'))",
        message = "ip prefix too wide: at least /8 for IPv4 and /16 for IPv6 (0.0.0.0/0 and ::/0 are refused)")
public class Target {
    /** Schema pattern of an IPv4 or IPv6 address with an optional prefix length (the operator checks IPv6 fully). */
    public static final String IP_PATTERN =
            "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(/(3[0-2]|[12]?[0-9]))?$"
                    + "|^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?$";

    @Size(min = 2, max = 49)
    @Pattern(IP_PATTERN)
    @JsonPropertyDescription("IPv4/IPv6 address or CIDR prefix, e.g. 192.0.2.10, 198.18.0.0/24 or 2001:db8::/64.")
    private String ip;

    @Size(min = 1, max = 253)
    @JsonPropertyDescription(
            "RADIUS User-Name of the subscriber; the target's addresses are learned from RADIUS accounting.")
    private String radiusUser;

    @Size(min = 5, max = 512)
    @Pattern("^sips?:.+$")
    @JsonPropertyDescription("SIP URI of the subscriber, e.g. sip:alice@example.org.")
    private String sipUri;

    @Min(0)
    @Max(1048575)
    @JsonPropertyDescription("Fixed communication identity number (0-1048575) for an ip target; each collector instance"
            + " delivers it as its CIN slot * 1048576 + this number. Derived from the address when absent.")
    private Long cin;

    public Target() {}

    /** A target for an IP address or prefix. */
    public static Target ip(String ip) {
        Target t = new Target();
        t.setIp(ip);
        return t;
    }

    public String getIp() {
        return ip;
    }

    public void setIp(String ip) {
        this.ip = ip;
    }

    public String getRadiusUser() {
        return radiusUser;
    }

    public void setRadiusUser(String radiusUser) {
        this.radiusUser = radiusUser;
    }

    public String getSipUri() {
        return sipUri;
    }

    public void setSipUri(String sipUri) {
        this.sipUri = sipUri;
    }

    public Long getCin() {
        return cin;
    }

    public void setCin(Long cin) {
        this.cin = cin;
    }

    /** Which identity this target names; null when none or more than one is set (the CRD rejects both). */
    @JsonIgnore
    public TargetKind kind() {
        int n = (ip != null ? 1 : 0) + (radiusUser != null ? 1 : 0) + (sipUri != null ? 1 : 0);
        if (n != 1) {
            return null;
        }
        return ip != null ? TargetKind.IP : radiusUser != null ? TargetKind.RADIUS_USER : TargetKind.SIP_URI;
    }

    /** The value of the identity this target names (the ip, radiusUser or sipUri), or null. */
    @JsonIgnore
    public String value() {
        TargetKind k = kind();
        return k == null
                ? null
                : switch (k) {
                    case IP -> ip;
                    case RADIUS_USER -> radiusUser;
                    case SIP_URI -> sipUri;
                };
    }

    // Deliberately no toString with the value: targets are secrets and must not end up in logs.
    @Override
    public String toString() {
        return "Target[" + kind() + "]";
    }
}
