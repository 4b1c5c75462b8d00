package io.kubeli.operator.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.AgencyStatus;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.api.v1alpha1.MediatorStatus;
import io.kubeli.api.v1alpha1.Target;
import io.kubeli.operator.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure phase decision: validity, references, window, and the exact re-check times. */
class InterceptLifecycleTest {
    static final Instant FROM = Instant.parse("2030-01-01T00:00:00Z");
    static final Instant UNTIL = Instant.parse("2030-01-02T00:00:00Z");

    /** Creates the fixtures' Agency and Mediator in the API server, both with a Ready status. */
    static void createReadyReferences(KubernetesClient client) {
        Agency a = client.resource(Fixtures.agency("agency.yaml")).create();
        a.setStatus(readyAgency().getStatus());
        client.resource(a).updateStatus();
        Mediator m = client.resource(Fixtures.mediator("mediator.yaml")).create();
        m.setStatus(readyMediator().getStatus());
        client.resource(m).updateStatus();
    }

    static Agency readyAgency() {
        Agency a = Fixtures.agency("agency.yaml");
        AgencyStatus s = new AgencyStatus();
        s.setConditions(List.of(
                new ConditionBuilder().withType("Ready").withStatus("True").build()));
        a.setStatus(s);
        return a;
    }

    static Mediator readyMediator() {
        Mediator m = Fixtures.mediator("mediator.yaml");
        MediatorStatus s = new MediatorStatus();
        s.setConditions(List.of(
                new ConditionBuilder().withType("Ready").withStatus("True").build()));
        m.setStatus(s);
        return m;
    }

    @Test
    void pendingUntilValidFromThenActiveUntilValidUntilThenExpired() {
        var spec = Fixtures.intercept("intercept.yaml").getSpec();
        var before = InterceptLifecycle.decide(spec, readyAgency(), readyMediator(), FROM.minusSeconds(3600));
        assertEquals(InterceptPhase.PENDING, before.phase());
        assertEquals(Duration.ofSeconds(3600), before.recheckIn());
        var atStart = InterceptLifecycle.decide(spec, readyAgency(), readyMediator(), FROM);
        assertEquals(InterceptPhase.ACTIVE, atStart.phase());
        assertEquals(Duration.between(FROM, UNTIL), atStart.recheckIn());
        assertTrue(atStart.conditions().isTrue("Ready"));
        var atEnd = InterceptLifecycle.decide(spec, readyAgency(), readyMediator(), UNTIL);
        assertEquals(InterceptPhase.EXPIRED, atEnd.phase());
        assertNull(atEnd.recheckIn());
    }

    @Test
    void missingReferencesFailAndUnreadyOnesWait() {
        var spec = Fixtures.intercept("intercept.yaml").getSpec();
        var noAgency = InterceptLifecycle.decide(spec, null, readyMediator(), FROM);
        assertEquals(InterceptPhase.FAILED, noAgency.phase());
        assertEquals("AgencyNotFound", noAgency.reason());
        assertEquals("Agency bka does not exist", noAgency.message());
        var noMediator = InterceptLifecycle.decide(spec, readyAgency(), null, FROM);
        assertEquals("MediatorNotFound", noMediator.reason());
        Mediator unready = Fixtures.mediator("mediator.yaml");
        var waiting = InterceptLifecycle.decide(spec, readyAgency(), unready, FROM);
        assertEquals(InterceptPhase.PENDING, waiting.phase());
        assertEquals("MediatorNotReady", waiting.reason());
        assertEquals(InterceptLifecycle.REFERENCE_RETRY, waiting.recheckIn());
    }

    @Test
    void invalidSpecsFailWithAClearMessage() {
        Intercept i = Fixtures.intercept("intercept.yaml");
        i.getSpec().setValidUntil("2029-12-31T00:00:00Z");
        i.getSpec().getTargets().add(Target.ip("999.1.1.1"));
        i.getSpec().setDeliveryCountryCode("Germany");
        var d = InterceptLifecycle.decide(i.getSpec(), readyAgency(), readyMediator(), FROM);
        assertEquals(InterceptPhase.FAILED, d.phase());
        assertEquals("InvalidSpec", d.reason());
        assertEquals(
                "deliveryCountryCode must be two upper-case letters; validUntil must be later than validFrom; "
                        + "targets[1].ip is not an IPv4/IPv6 address or prefix",
                d.message());
        i.getSpec().setValidUntil("tomorrow");
        assertTrue(InterceptLifecycle.specProblems(i.getSpec())
                .contains("validFrom/validUntil must be RFC 3339 date-times, e.g. 2030-01-01T00:00:00Z"));
    }

    @Test
    void ipTargetsAcceptAddressesAndPrefixes() {
        assertTrue(InterceptLifecycle.validIp("192.0.2.0/24"));
        assertTrue(InterceptLifecycle.validIp("2001:db8::/32"));
        assertTrue(!InterceptLifecycle.validIp("2001:db8::/129"));
        assertTrue(!InterceptLifecycle.validIp("example.org"));
    }

    /** Issue 12 obs 4: catch-all, too wide and malformed prefixes are refused with the reason; no name lookups. */
    @Test
    void ipTargetsRefuseCatchAllsWidePrefixesAndNonLiterals() {
        var rules = InterceptLifecycle.TargetRules.DEFAULTS;
        assertEquals(null, InterceptLifecycle.ipProblem("10.0.0.0/8", rules));
        assertEquals(null, InterceptLifecycle.ipProblem("2001:db8::/16", rules));
        assertEquals(null, InterceptLifecycle.ipProblem("::ffff:198.18.0.1", rules));
        assertEquals(
                "prefix /0 is too wide: at least /8 for IPv4 (catch-all prefixes are refused)",
                InterceptLifecycle.ipProblem("0.0.0.0/0", rules));
        assertTrue(InterceptLifecycle.ipProblem("::/0", rules).contains("at least /16 for IPv6"));
        assertTrue(InterceptLifecycle.ipProblem("2001::/15", rules).contains("too wide"));
        assertTrue(InterceptLifecycle.ipProblem("10.0.0.0/7", rules).contains("too wide"));
        // hostile or malformed: hex-only words would have been resolved through DNS by InetAddress.getByName
        for (String bad : List.of(
                "abc",
                "10",
                "1.2.3",
                "198.18.0.1/33",
                "2001:db8::/129",
                "2001:db8:::1",
                "1.2.3.4/08",
                "1.2.3.4/",
                "fe80::1%eth0",
                "::/-1",
                "2001:db8::/99999999999")) {
            assertEquals("is not an IPv4/IPv6 address or prefix", InterceptLifecycle.ipProblem(bad, rules), bad);
        }
    }

    /** Issue 15: collectors serve sipUri targets (they follow the identity's calls); a non-SIP URI is invalid. */
    @Test
    void sipTargetsAreServedAndMalformedOnesInvalid() {
        Intercept i = Fixtures.intercept("intercept.yaml");
        Target sip = new Target();
        sip.setSipUri("sip:alice@example.org");
        i.getSpec().setTargets(new java.util.ArrayList<>(List.of(sip)));
        var d = InterceptLifecycle.decide(i.getSpec(), readyAgency(), readyMediator(), FROM);
        assertEquals(InterceptPhase.ACTIVE, d.phase(), d.message());
        for (String ok :
                List.of("sips:Bob@Example.COM:5061;transport=tls", "tel:+1-555-0100", "sip:+15550100@gw;user=phone")) {
            sip.setSipUri(ok);
            assertTrue(InterceptLifecycle.specProblems(i.getSpec()).isEmpty(), ok);
        }
        for (String bad : List.of("mailto:alice@example.org", "alice@example.org", "sip:", "tel:abc", "sip:a@b c")) {
            sip.setSipUri(bad);
            d = InterceptLifecycle.decide(i.getSpec(), readyAgency(), readyMediator(), FROM);
            assertEquals(InterceptPhase.FAILED, d.phase(), bad);
            assertEquals("InvalidSpec", d.reason(), bad);
            assertTrue(d.message().contains("sipUri must be a sip: or sips: URI"), d.message());
        }
    }

    /** Issue 14: collectors serve radiusUser targets (they follow the user's RADIUS sessions). */
    @Test
    void radiusUserTargetsAreServed() {
        Intercept i = Fixtures.intercept("intercept.yaml");
        Target user = new Target();
        user.setRadiusUser("alice@isp.example");
        i.getSpec().setTargets(new java.util.ArrayList<>(List.of(user)));
        var d = InterceptLifecycle.decide(i.getSpec(), readyAgency(), readyMediator(), FROM);
        assertEquals(InterceptPhase.ACTIVE, d.phase(), d.message());
    }
}
