package io.kubeli.operator.agency;

import io.kubeli.api.v1alpha1.AgencySpec;
import io.kubeli.api.v1alpha1.Durations;
import io.kubeli.api.v1alpha1.HandoverEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks an Agency spec (endpoints, codes, identifiers, durations); pure. */
public final class AgencyValidation {
    private static final Pattern HOST = Pattern.compile(
            "^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$");
    private static final Pattern COUNTRY = Pattern.compile("^[A-Z]{2}$");

    private AgencyValidation() {}

    /** Problems found, as sentences; empty when valid. */
    public static List<String> problems(AgencySpec spec) {
        List<String> p = new ArrayList<>();
        if (spec == null) {
            return List.of("spec is missing");
        }
        endpoint("hi2", spec.getHi2(), p);
        endpoint("hi3", spec.getHi3(), p);
        if (spec.getCountryCode() == null
                || !COUNTRY.matcher(spec.getCountryCode()).matches()) {
            p.add("countryCode must be two upper-case letters (ISO 3166-1 alpha-2)");
        }
        int idLen = spec.getOperatorId() == null ? 0 : spec.getOperatorId().getBytes(StandardCharsets.UTF_8).length;
        if (idLen < 1 || idLen > 16) {
            p.add("operatorId must be 1 to 16 octets");
        }
        duration("reconnectBackoff", spec.getReconnectBackoff(), p);
        if (spec.getKeepalive() != null) {
            duration("keepalive.interval", spec.getKeepalive().getInterval(), p);
            duration("keepalive.responseTimeout", spec.getKeepalive().getResponseTimeout(), p);
        }
        return p;
    }

    private static void endpoint(String name, HandoverEndpoint e, List<String> p) {
        if (e == null) {
            p.add(name + " endpoint is required");
            return;
        }
        String host = e.getHost();
        if (host == null
                || host.isBlank()
                || !(HOST.matcher(host).matches() || IPV6.matcher(host).matches())) {
            p.add(name + ".host '" + host + "' is not a valid host name or address");
        }
        if (e.getPort() == null || e.getPort() < 1 || e.getPort() > 65535) {
            p.add(name + ".port must be 1 to 65535");
        }
    }

    private static void duration(String name, String value, List<String> p) {
        if (value == null) {
            return;
        }
        try {
            if (Durations.parse(value).isNegative()) {
                p.add(name + " must not be negative");
            }
        } catch (RuntimeException ex) {
            p.add(name + " '" + value + "' is not a duration like 30s or 1m");
        }
    }
}
