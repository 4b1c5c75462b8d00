package io.kubeli.mediator.config;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.AgencySpec;
import io.kubeli.api.v1alpha1.HandoverEndpoint;
import io.kubeli.api.v1alpha1.Keepalive;
import io.kubeli.mediator.handover.Endpoint;
import java.time.Duration;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/** Turns an Agency spec into the two handover endpoints (HI2, HI3); validates what the mediator relies on. */
public final class AgencyEndpoints {
    private AgencyEndpoints() {}

    /** A reason the agency cannot be used, or null. */
    public static String validate(Agency a) {
        AgencySpec s = a.getSpec();
        if (s == null) return "spec is missing";
        for (var e : new HandoverEndpoint[] {s.getHi2(), s.getHi3()}) {
            if (e == null || e.getHost() == null || e.getHost().isBlank()) return "spec.hi2 and spec.hi3 need a host";
            if (e.getPort() == null || e.getPort() < 1 || e.getPort() > 65535)
                return "spec.hi2/hi3 port must be 1..65535";
        }
        try {
            Keepalive k = s.keepaliveOrDefault();
            if (k.intervalDuration().isZero() || k.responseTimeoutDuration().isZero())
                return "keepalive durations must be > 0";
            s.reconnectBackoffDuration();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    /**
     * The endpoint of one HI.
     *
     * @param tls resolves a tlsSecretRef to a client TLS context (throws IllegalStateException when unavailable)
     */
    public static Endpoint endpoint(Agency a, boolean hi2, Function<String, SSLContext> tls) {
        AgencySpec s = a.getSpec();
        HandoverEndpoint e = hi2 ? s.getHi2() : s.getHi3();
        Keepalive k = s.keepaliveOrDefault();
        Duration backoff = s.reconnectBackoffDuration();
        Duration min = backoff.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : backoff;
        SSLContext ctx = e.getTlsSecretRef() == null ? null : tls.apply(e.getTlsSecretRef());
        return new Endpoint(
                e.getHost(),
                e.getPort(),
                ctx,
                k.intervalDuration(),
                k.responseTimeoutDuration(),
                min,
                min.multipliedBy(8),
                s.getOperatorId(),
                a.getMetadata().getName(),
                s.etsiProfileOrDefault() == io.kubeli.api.v1alpha1.EtsiProfile.OPENLI
                        ? io.kubeli.etsi.Profile.OPENLI
                        : io.kubeli.etsi.Profile.LATEST);
    }
}
