package io.kubeli.operator.intercept;

import io.fabric8.kubernetes.api.model.Condition;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.CollectorSelection;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.kubeli.api.v1alpha1.InterceptSpec;
import io.kubeli.api.v1alpha1.KubeLi;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.api.v1alpha1.Target;
import io.kubeli.operator.common.ConditionSet;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Decides an Intercept's phase from its spec, its references and the time; pure. */
public final class InterceptLifecycle {
    /** How soon to look again while a reference is missing or not ready. */
    public static final Duration REFERENCE_RETRY = Duration.ofSeconds(30);

    private static final Pattern COUNTRY = Pattern.compile("^[A-Z]{2}$");
    private static final Pattern IP_CHARS = Pattern.compile("^[0-9A-Fa-f:.]+$");
    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$");
    private static final Pattern PREFIX = Pattern.compile("^(0|[1-9][0-9]{0,2})$");

    private InterceptLifecycle() {}

    /**
     * The decision: phase, reason, message, the conditions, and when to reconcile again (exactly at validFrom while
     * Pending, exactly at validUntil while Active; null when nothing time-driven is left).
     */
    public record Decision(
            InterceptPhase phase, String reason, String message, ConditionSet conditions, Duration recheckIn) {}

    /** Condition: this Intercept owns its LIID (no earlier Intercept of the namespace claims it). */
    public static final String CONDITION_LIID_OWNED = "LiidOwned";

    /** Decides with the default target rules and no competing claim on the LIID. */
    public static Decision decide(InterceptSpec spec, Agency agency, Mediator mediator, Instant now) {
        return decide(spec, agency, mediator, now, TargetRules.DEFAULTS, null);
    }

    /**
     * Decides for {@code spec} at {@code now}; {@code agency}/{@code mediator} are null when they do not exist;
     * {@code liidOwner} is the identity (namespace/name) of the Intercept that owns this one's LIID when that is
     * another one (see LiidClaims), else null.
     */
    public static Decision decide(
            InterceptSpec spec, Agency agency, Mediator mediator, Instant now, TargetRules rules, String liidOwner) {
        ConditionSet c = new ConditionSet();
        List<String> problems = specProblems(spec, rules);
        if (!problems.isEmpty()) {
            String msg = c.invalidSpec(problems);
            return new Decision(InterceptPhase.FAILED, "InvalidSpec", msg, c, null);
        }
        // a target nobody intercepts must not look Active: Failed until a collector serves that kind
        String unsupported = unsupportedTargets(spec);
        if (unsupported != null) {
            c.set(KubeLi.CONDITION_VALID, false, "UnsupportedTarget", unsupported);
            c.set(KubeLi.CONDITION_READY, false, "UnsupportedTarget", unsupported);
            return new Decision(InterceptPhase.FAILED, "UnsupportedTarget", unsupported, c, null);
        }
        if (liidOwner != null) {
            String msg = "liid " + spec.getLiid() + " is already used by Intercept " + liidOwner
                    + "; this Intercept is refused until that one is deleted";
            c.set(KubeLi.CONDITION_VALID, true, "Valid", "spec is valid");
            c.set(CONDITION_LIID_OWNED, false, "LiidInUse", msg);
            c.set(KubeLi.CONDITION_READY, false, "LiidInUse", msg);
            return new Decision(InterceptPhase.FAILED, "LiidInUse", msg, c, null);
        }
        c.set(CONDITION_LIID_OWNED, true, "LiidOwned", "no other Intercept claims liid " + spec.getLiid());
        Instant from = spec.validFromInstant();
        Instant until = spec.validUntilInstant();
        if (!now.isBefore(until)) {
            c.set(KubeLi.CONDITION_VALID, true, "Valid", "spec is valid");
            c.set("WindowOpen", false, "WindowEnded", "the window ended at " + until);
            c.set(KubeLi.CONDITION_READY, false, "Expired", "the window ended at " + until);
            return new Decision(InterceptPhase.EXPIRED, "WindowEnded", "the window ended at " + until, c, null);
        }
        String refProblem = null;
        String refReason = null;
        boolean missing = false;
        if (agency == null) {
            refProblem = "Agency " + spec.getAgencyRef() + " does not exist";
            refReason = "AgencyNotFound";
            missing = true;
        } else if (mediator == null) {
            refProblem = "Mediator " + spec.getMediatorRef() + " does not exist";
            refReason = "MediatorNotFound";
            missing = true;
        } else if (!ready(agency.getStatus() == null ? null : agency.getStatus().getConditions())) {
            refProblem = "Agency " + spec.getAgencyRef() + " is not Ready";
            refReason = "AgencyNotReady";
        } else if (!ready(
                mediator.getStatus() == null ? null : mediator.getStatus().getConditions())) {
            refProblem = "Mediator " + spec.getMediatorRef() + " is not Ready";
            refReason = "MediatorNotReady";
        }
        if (refProblem != null) {
            c.set(
                    KubeLi.CONDITION_VALID,
                    !missing,
                    missing ? refReason : "Valid",
                    missing ? refProblem : "spec is valid");
            c.set("ReferencesReady", false, refReason, refProblem);
            c.set(KubeLi.CONDITION_READY, false, refReason, refProblem);
            Duration retry = REFERENCE_RETRY;
            return new Decision(
                    missing ? InterceptPhase.FAILED : InterceptPhase.PENDING, refReason, refProblem, c, retry);
        }
        c.set(KubeLi.CONDITION_VALID, true, "Valid", "spec is valid");
        c.set("ReferencesReady", true, "ReferencesReady", "agency and mediator are ready");
        if (now.isBefore(from)) {
            c.set("WindowOpen", false, "WindowNotStarted", "the window opens at " + from);
            c.set(KubeLi.CONDITION_READY, false, "WindowNotStarted", "the window opens at " + from);
            return new Decision(
                    InterceptPhase.PENDING,
                    "WindowNotStarted",
                    "the window opens at " + from,
                    c,
                    Duration.between(now, from));
        }
        c.set("WindowOpen", true, "WindowOpen", "the window is open until " + until);
        c.set(KubeLi.CONDITION_READY, true, "Active", "intercepting until " + until);
        return new Decision(
                InterceptPhase.ACTIVE, "WindowOpen", "intercepting until " + until, c, Duration.between(now, until));
    }

    /** Condition: a Collector selected by the Intercept tracks RADIUS (decided for Intercepts with radiusUser targets). */
    public static final String CONDITION_RADIUS_TRACKED = "RadiusTracked";
    /** Reason of RadiusTracked (and Ready) False. */
    public static final String NO_RADIUS_COLLECTOR = "NoRadiusCollector";

    /**
     * Whether the radiusUser targets of {@code spec} are served by {@code collectors} (those of its namespace): null
     * when it has none, else RadiusTracked True (how many selected Collectors track RADIUS) or False with reason
     * NoRadiusCollector (a collector without RADIUS tracking refuses the whole Intercept, so nothing is intercepted).
     */
    public static ConditionSet.Decided radiusTracking(InterceptSpec spec, List<Collector> collectors) {
        if (!hasRadiusUserTargets(spec)) {
            return null;
        }
        int selected = 0;
        int tracking = 0;
        for (Collector c : collectors) {
            if (CollectorSelection.matches(spec.getCollectorSelector(), c)) {
                selected++;
                tracking += CollectorSelection.tracksRadius(c) ? 1 : 0;
            }
        }
        if (tracking > 0) {
            return new ConditionSet.Decided(
                    CONDITION_RADIUS_TRACKED,
                    true,
                    "RadiusTracked",
                    tracking + " of " + selected + " selected Collector(s) track RADIUS");
        }
        String msg = selected == 0
                ? "no Collector in the namespace is selected by this Intercept: its radiusUser targets are not intercepted"
                : "none of the " + selected
                        + " selected Collector(s) tracks RADIUS (spec.radius.ports is empty): they refuse"
                        + " this Intercept with its radiusUser targets, nothing is intercepted";
        return new ConditionSet.Decided(CONDITION_RADIUS_TRACKED, false, NO_RADIUS_COLLECTOR, msg);
    }

    /** Whether {@code spec} has a radiusUser target. */
    public static boolean hasRadiusUserTargets(InterceptSpec spec) {
        return spec != null
                && spec.getTargets() != null
                && spec.getTargets().stream().anyMatch(t -> t != null && t.getRadiusUser() != null);
    }

    /** Minimum prefix lengths of ip targets (operator settings; the CRD refuses shorter than /8 and /16). */
    public record TargetRules(int minIpv4Prefix, int minIpv6Prefix) {
        public static final TargetRules DEFAULTS = new TargetRules(8, 16);
    }

    /** The message for the first target of a kind no collector of this version serves, else null (all are served). */
    static String unsupportedTargets(InterceptSpec spec) {
        // radiusUser is served: collectors follow the user's RADIUS sessions (issue 14);
        // sipUri is served: collectors follow the identity's SIP calls (issue 15)
        return null;
    }

    /** Problems of the spec itself with the default target rules. */
    public static List<String> specProblems(InterceptSpec spec) {
        return specProblems(spec, TargetRules.DEFAULTS);
    }

    /** Problems of the spec itself (not of its references), as sentences. */
    public static List<String> specProblems(InterceptSpec spec, TargetRules rules) {
        List<String> p = new ArrayList<>();
        if (spec == null) {
            return List.of("spec is missing");
        }
        int liid = spec.getLiid() == null ? 0 : spec.getLiid().getBytes(StandardCharsets.UTF_8).length;
        if (liid < 1 || liid > 25) {
            p.add("liid must be 1 to 25 octets");
        }
        if (blank(spec.getAgencyRef())) {
            p.add("agencyRef is required");
        }
        if (blank(spec.getMediatorRef())) {
            p.add("mediatorRef is required");
        }
        for (String[] cc : new String[][] {
            {"authorizationCountryCode", spec.getAuthorizationCountryCode()},
            {"deliveryCountryCode", spec.getDeliveryCountryCode()}
        }) {
            if (cc[1] == null || !COUNTRY.matcher(cc[1]).matches()) {
                p.add(cc[0] + " must be two upper-case letters");
            }
        }
        try {
            Instant from = spec.validFromInstant();
            Instant until = spec.validUntilInstant();
            if (from == null || until == null) {
                p.add("validFrom and validUntil are required");
            } else if (!until.isAfter(from)) {
                p.add("validUntil must be later than validFrom");
            }
        } catch (DateTimeParseException e) {
            p.add("validFrom/validUntil must be RFC 3339 date-times, e.g. 2030-01-01T00:00:00Z");
        }
        if (spec.getTargets() == null || spec.getTargets().isEmpty()) {
            p.add("at least one target is required");
        } else {
            for (int i = 0; i < spec.getTargets().size(); i++) {
                Target t = spec.getTargets().get(i);
                if (t.kind() == null) {
                    p.add("targets[" + i + "] must set exactly one of ip, radiusUser or sipUri");
                } else if (t.getIp() != null) {
                    String problem = ipProblem(t.getIp(), rules);
                    if (problem != null) {
                        p.add("targets[" + i + "].ip " + problem);
                    }
                } else if (t.getSipUri() != null
                        && !SIP_URI.matcher(t.getSipUri()).matches()) {
                    p.add(
                            "targets[" + i
                                    + "].sipUri must be a sip: or sips: URI (e.g. sip:alice@example.org, sip:+15550100@host;user=phone)");
                }
            }
        }
        return p;
    }

    /** A sip:/sips: URI with a host, or a tel: number (the collector normalises both the same way). */
    private static final java.util.regex.Pattern SIP_URI = java.util.regex.Pattern.compile(
            "(?i)(sips?:([^@\\s<>]+@)?[A-Za-z0-9.\\[\\]:-]+(;[^\\s<>]*)?|tel:\\+?[0-9][0-9 ().-]*(;[^\\s<>]*)?)");

    static boolean validIp(String text) {
        return ipProblem(text, new TargetRules(0, 0)) == null;
    }

    /**
     * Why an ip target is refused, or null: not a literal address/prefix (parsed without any name lookup), or a
     * prefix shorter than the minimum (0.0.0.0/0 and ::/0 intercept everyone).
     */
    static String ipProblem(String text, TargetRules rules) {
        String addr = text;
        int prefix = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            addr = text.substring(0, slash);
            String len = text.substring(slash + 1);
            if (!PREFIX.matcher(len).matches()) {
                return "is not an IPv4/IPv6 address or prefix";
            }
            prefix = Integer.parseInt(len);
        }
        int bits;
        if (IPV4.matcher(addr).matches()) {
            bits = 32;
        } else if (addr.contains(":") && IP_CHARS.matcher(addr).matches()) {
            try {
                InetAddress.ofLiteral(addr); // throws on anything but a literal; IPv6 syntax means 128-bit prefixes
                bits = 128;
            } catch (IllegalArgumentException e) {
                return "is not an IPv4/IPv6 address or prefix";
            }
        } else {
            return "is not an IPv4/IPv6 address or prefix";
        }
        if (prefix > bits) {
            return "is not an IPv4/IPv6 address or prefix";
        }
        int min = bits == 32 ? rules.minIpv4Prefix() : rules.minIpv6Prefix();
        if (prefix >= 0 && prefix < min) {
            return "prefix /" + prefix + " is too wide: at least /" + min + " for " + (bits == 32 ? "IPv4" : "IPv6")
                    + " (catch-all prefixes are refused)";
        }
        return null;
    }

    private static boolean ready(List<Condition> conditions) {
        return ConditionSet.isTrue(conditions, KubeLi.CONDITION_READY);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
