package io.kubeli.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The helpers other components use behave as the CRD documents, and the JSON names match the schema. */
class ApiHelpersTest {
    @Test
    void durationsParseTheSchemaFormat() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("30"));
        assertEquals(Duration.ofSeconds(5), new AgencySpec().reconnectBackoffDuration());
        assertEquals(
                Duration.ofSeconds(10), new AgencySpec().keepaliveOrDefault().responseTimeoutDuration());
    }

    @Test
    void windowIsHalfOpenAndHonoursOffsets() {
        InterceptSpec spec = new InterceptSpec();
        spec.setValidFrom("2026-01-01T01:00:00+01:00");
        spec.setValidUntil("2026-01-02T00:00:00Z");
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), spec.validFromInstant());
        assertTrue(spec.isWithinWindow(Instant.parse("2026-01-01T00:00:00Z")));
        assertFalse(spec.isWithinWindow(Instant.parse("2026-01-02T00:00:00Z")));
        assertFalse(spec.isWithinWindow(Instant.parse("2025-12-31T23:59:59Z")));
    }

    @Test
    void targetKindIsDefinedOnlyForExactlyOneIdentityAndNeverPrintsTheTarget() {
        assertEquals(TargetKind.IP, Target.ip("198.18.0.1").kind());
        Target two = Target.ip("198.18.0.1");
        two.setSipUri("sip:alice@example.org");
        assertNull(two.kind());
        assertNull(new Target().kind());
        Target sip = new Target();
        sip.setSipUri("sip:alice@example.org");
        assertEquals("sip:alice@example.org", sip.value());
        assertFalse(sip.toString().contains("alice"), "targets are secrets and must not reach logs");
    }

    @Test
    void enumsUseTheSchemaSpelling() {
        Intercept li = new Intercept();
        li.setSpec(new InterceptSpec());
        li.getSpec().setOutput(OutputMode.CC_ONLY);
        li.getSpec().setTargets(List.of(Target.ip("198.18.0.1")));
        li.setStatus(new InterceptStatus());
        li.getStatus().setPhase(InterceptPhase.ACTIVE);
        Map<String, Object> tree = ApiServerChecks.YAML.convertValue(li, Map.class);
        Map<String, Object> spec = ApiServerChecks.cast(tree.get("spec"));
        Map<String, Object> status = ApiServerChecks.cast(tree.get("status"));
        assertEquals("ccOnly", spec.get("output"));
        assertEquals(InterceptStatus.PHASE_ACTIVE, status.get("phase"));
        assertEquals("Active", InterceptPhase.ACTIVE.wireName());
        assertEquals(KubeLi.API_VERSION, tree.get("apiVersion"));
        assertFalse(spec.containsKey("validFrom"), "unset fields are omitted, not written as null");
        Agency a = ApiServerChecks.YAML.unmarshal("""
        apiVersion: li.kubeli.io/v1alpha1
        kind: Agency
        metadata: {name: a}
        spec: {timestampFormat: microseconds, etsiProfile: openli}
        """, Agency.class);
        assertEquals(TimestampFormat.MICROSECONDS, a.getSpec().getTimestampFormat());
        assertEquals(EtsiProfile.OPENLI, a.getSpec().getEtsiProfile());
    }
}
