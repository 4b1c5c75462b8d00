package io.kubeli.operator.intercept;

import io.fabric8.kubernetes.api.model.Condition;
import io.kubeli.api.v1alpha1.Agency;
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

  private InterceptLifecycle() {}

  /**
   * The decision: phase, reason, message, the conditions, and when to reconcile again (exactly at validFrom while
   * Pending, exactly at validUntil while Active; null when nothing time-driven is left).
   */
  public record Decision(InterceptPhase phase, String reason, String message, ConditionSet conditions,
      Duration recheckIn) {}

  /** Decides for {@code spec} at {@code now}; {@code agency}/{@code mediator} are null when they do not exist. */
  public static Decision decide(InterceptSpec spec, Agency agency, Mediator mediator, Instant now) {
    ConditionSet c = new ConditionSet();
    List<String> problems = specProblems(spec);
    if (!problems.isEmpty()) {
      String msg = c.invalidSpec(problems);
      return new Decision(InterceptPhase.FAILED, "InvalidSpec", msg, c, null);
    }
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
    } else if (!ready(mediator.getStatus() == null ? null : mediator.getStatus().getConditions())) {
      refProblem = "Mediator " + spec.getMediatorRef() + " is not Ready";
      refReason = "MediatorNotReady";
    }
    if (refProblem != null) {
      c.set(KubeLi.CONDITION_VALID, !missing, missing ? refReason : "Valid", missing ? refProblem : "spec is valid");
      c.set("ReferencesReady", false, refReason, refProblem);
      c.set(KubeLi.CONDITION_READY, false, refReason, refProblem);
      Duration retry = REFERENCE_RETRY;
      return new Decision(missing ? InterceptPhase.FAILED : InterceptPhase.PENDING, refReason, refProblem, c, retry);
    }
    c.set(KubeLi.CONDITION_VALID, true, "Valid", "spec is valid");
    c.set("ReferencesReady", true, "ReferencesReady", "agency and mediator are ready");
    if (now.isBefore(from)) {
      c.set("WindowOpen", false, "WindowNotStarted", "the window opens at " + from);
      c.set(KubeLi.CONDITION_READY, false, "WindowNotStarted", "the window opens at " + from);
      return new Decision(InterceptPhase.PENDING, "WindowNotStarted", "the window opens at " + from, c,
          Duration.between(now, from));
    }
    c.set("WindowOpen", true, "WindowOpen", "the window is open until " + until);
    c.set(KubeLi.CONDITION_READY, true, "Active", "intercepting until " + until);
    return new Decision(InterceptPhase.ACTIVE, "WindowOpen", "intercepting until " + until, c,
        Duration.between(now, until));
  }

  /** Problems of the spec itself (not of its references), as sentences. */
  public static List<String> specProblems(InterceptSpec spec) {
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
    for (String[] cc : new String[][] {{"authorizationCountryCode", spec.getAuthorizationCountryCode()},
        {"deliveryCountryCode", spec.getDeliveryCountryCode()}}) {
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
        } else if (t.getIp() != null && !validIp(t.getIp())) {
          p.add("targets[" + i + "].ip is not an IPv4/IPv6 address or prefix");
        }
      }
    }
    return p;
  }

  static boolean validIp(String text) {
    String addr = text;
    int prefix = -1;
    int slash = text.indexOf('/');
    try {
      if (slash >= 0) {
        addr = text.substring(0, slash);
        prefix = Integer.parseInt(text.substring(slash + 1));
      }
      if (!IP_CHARS.matcher(addr).matches()) {
        return false;
      }
      byte[] b = InetAddress.getByName(addr).getAddress();
      return prefix < 0 || prefix <= b.length * 8;
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean ready(List<Condition> conditions) {
    return ConditionSet.isTrue(conditions, KubeLi.CONDITION_READY);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
