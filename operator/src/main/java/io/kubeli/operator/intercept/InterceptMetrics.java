package io.kubeli.operator.intercept;

import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-Intercept gauges the alert rules use (Intercept Failed, warrant expiring), labelled by intercept_namespace (the
 * scrape sets namespace to the operator's) and resource name only: never the LIID or a target.
 */
public final class InterceptMetrics {
    /** Prometheus: kubeli_intercept_failed{intercept_namespace,intercept} = 1 while the Intercept is Failed, else 0. */
    static final String FAILED = "kubeli.intercept.failed";
    /** Prometheus: kubeli_intercept_valid_until_seconds{intercept_namespace,intercept}: epoch seconds, Active Intercepts only. */
    static final String VALID_UNTIL = "kubeli.intercept.valid.until.seconds";

    private record State(InterceptPhase phase, Instant validUntil) {}

    private final Map<List<String>, State> states =
            new TreeMap<>((a, b) -> String.join("/", a).compareTo(String.join("/", b)));
    private final MultiGauge failed;
    private final MultiGauge validUntil;

    public InterceptMetrics(MeterRegistry registry) {
        failed = MultiGauge.builder(FAILED)
                .description("1 while the Intercept is Failed")
                .register(registry);
        validUntil = MultiGauge.builder(VALID_UNTIL)
                .description("end of an active Intercept's warrant window (epoch s)")
                .register(registry);
    }

    /** Gauges into a private registry (reconcilers built without CDI, in tests). */
    public static InterceptMetrics detached() {
        return new InterceptMetrics(new SimpleMeterRegistry());
    }

    /** Records the phase the reconciler decided and the window end. */
    public synchronized void observe(Intercept i, InterceptPhase phase, Instant until) {
        states.put(key(i), new State(phase, until));
        publish();
    }

    /** Drops the Intercept's rows once it is gone. */
    public synchronized void forget(Intercept i) {
        if (states.remove(key(i)) != null) {
            publish();
        }
    }

    private static List<String> key(Intercept i) {
        return List.of(
                String.valueOf(i.getMetadata().getNamespace()), i.getMetadata().getName());
    }

    private void publish() {
        List<MultiGauge.Row<?>> f = new ArrayList<>();
        List<MultiGauge.Row<?>> u = new ArrayList<>();
        states.forEach((k, s) -> {
            Tags t = Tags.of("intercept_namespace", k.get(0), "intercept", k.get(1));
            f.add(MultiGauge.Row.of(t, s.phase() == InterceptPhase.FAILED ? 1 : 0));
            if (s.phase() == InterceptPhase.ACTIVE && s.validUntil() != null) {
                u.add(MultiGauge.Row.of(t, s.validUntil().getEpochSecond()));
            }
        });
        failed.register(f, true);
        validUntil.register(u, true);
    }
}
