package io.kubeli.operator.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.MutableClock;
import io.kubeli.operator.StubContext;
import io.kubeli.operator.common.OperatorSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 17: the gauges behind KubeliInterceptFailed and KubeliWarrantExpiringSoon follow the reconciler's decisions. */
@EnableKubernetesMockClient(crud = true, https = false)
class InterceptMetricsTest {
    static KubernetesClient client;

    private static Double gauge(SimpleMeterRegistry r, String name, String intercept) {
        Gauge g = r.find(name)
                .tags("intercept_namespace", "li", "intercept", intercept)
                .gauge();
        return g == null ? null : g.value();
    }

    @Test
    void failedAndWarrantEndAreExportedAndForgottenOnDeletion() {
        InterceptLifecycleTest.createReadyReferences(client);

        Intercept ok = Fixtures.intercept("intercept.yaml");
        ok.getMetadata().setName("ok");
        ok = client.resource(ok).create();
        Instant until = ok.getSpec().validUntilInstant();
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        MutableClock clock = new MutableClock(until.minus(Duration.ofHours(1)));
        InterceptReconciler r = new InterceptReconciler(OperatorSettings.defaults(), clock, new InterceptMetrics(reg));
        r.reconcile(ok, StubContext.of(client));
        assertEquals(0.0, gauge(reg, InterceptMetrics.FAILED, "ok"));
        assertEquals((double) until.getEpochSecond(), gauge(reg, InterceptMetrics.VALID_UNTIL, "ok"));

        // misconfiguration: a reference to a missing Agency makes the Intercept Failed
        Intercept bad = Fixtures.intercept("intercept.yaml");
        bad.getMetadata().setName("bad");
        bad.getSpec().setLiid("LIID-BAD");
        bad.getSpec().setAgencyRef("nobody");
        bad = client.resource(bad).create();
        r.reconcile(bad, StubContext.of(client));
        assertEquals(1.0, gauge(reg, InterceptMetrics.FAILED, "bad"));
        assertNull(gauge(reg, InterceptMetrics.VALID_UNTIL, "bad"), "only active warrants have an end to warn about");

        // the window ends: no warrant left to expire
        clock.set(until.plusSeconds(1));
        r.reconcile(client.resource(ok).get(), StubContext.of(client));
        assertNull(gauge(reg, InterceptMetrics.VALID_UNTIL, "ok"));

        r.cleanup(client.resource(bad).get(), StubContext.of(client));
        assertNull(gauge(reg, InterceptMetrics.FAILED, "bad"));
        // labels are resource names only, never the LIID or a target
        reg.getMeters().forEach(x -> assertFalse(x.getId().getTags().toString().contains("LIID")));
    }
}
