package io.kubeli.operator.intercept;

import static io.kubeli.operator.OperatorHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.kubeli.api.v1alpha1.RadiusSpec;
import io.kubeli.api.v1alpha1.Target;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.MutableClock;
import io.kubeli.operator.OperatorHarness;
import io.kubeli.operator.StubContext;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.OperatorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Intercept reconciler: transitions with a test clock, Events, Failed, and the finalizer. */
@EnableKubernetesMockClient(crud = true, https = false)
class InterceptReconcilerTest {
    static KubernetesClient client;
    static final Instant FROM = Instant.parse("2030-01-01T00:00:00Z");
    static final Instant UNTIL = Instant.parse("2030-01-02T00:00:00Z");

    @BeforeAll
    static void references() {
        InterceptLifecycleTest.createReadyReferences(client);
    }

    private List<String> eventReasons(String name) {
        return client.v1().events().inNamespace("li").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(name))
                .sorted(java.util.Comparator.comparing(
                        Event::getEventTime, java.util.Comparator.comparing(t -> t.getTime())))
                .map(Event::getReason)
                .toList();
    }

    @Test
    void windowTransitionsAreScheduledExactlyAndAudited() {
        MutableClock clock = new MutableClock(FROM.minus(Duration.ofHours(2)));
        InterceptReconciler r = new InterceptReconciler(OperatorSettings.defaults(), clock);
        Intercept i = Fixtures.intercept("intercept.yaml");
        i.getMetadata().setName("window");
        i.getSpec().setLiid("LIID-WINDOW");
        i = client.resource(i).create();

        UpdateControl<Intercept> c = r.reconcile(i, StubContext.of(client));
        assertEquals(
                InterceptPhase.PENDING,
                c.getResource().orElseThrow().getStatus().getPhase());
        assertEquals(Duration.ofHours(2).toMillis(), c.getScheduleDelay().orElseThrow());
        i = c.getResource().orElseThrow();

        clock.set(FROM);
        c = r.reconcile(i, StubContext.of(client));
        i = c.getResource().orElseThrow();
        assertEquals(InterceptPhase.ACTIVE, i.getStatus().getPhase());
        assertEquals(
                Duration.between(FROM, UNTIL).toMillis(), c.getScheduleDelay().orElseThrow());
        assertEquals(
                FROM.toString(),
                ConditionSet.find(i.getStatus().getConditions(), "Ready").getLastTransitionTime());

        // nothing changed an hour later: no patch, Ready keeps its transition time, still due exactly at validUntil
        clock.set(FROM.plus(Duration.ofHours(1)));
        c = r.reconcile(i, StubContext.of(client));
        assertTrue(c.isNoUpdate());
        assertEquals(Duration.ofHours(23).toMillis(), c.getScheduleDelay().orElseThrow());

        clock.set(UNTIL);
        c = r.reconcile(i, StubContext.of(client));
        i = c.getResource().orElseThrow();
        assertEquals(InterceptPhase.EXPIRED, i.getStatus().getPhase());
        assertTrue(c.getScheduleDelay().isEmpty());
        assertEquals(List.of("Pending", "Activated", "Expired"), eventReasons("window"));
        Event activated = client.v1().events().inNamespace("li").list().getItems().stream()
                .filter(e -> e.getReason().equals("Activated")
                        && e.getInvolvedObject().getName().equals("window"))
                .findFirst()
                .orElseThrow();
        assertEquals("Intercept", activated.getInvolvedObject().getKind());
        assertEquals("Normal", activated.getType());
        assertTrue(activated.getMessage().startsWith("Pending -> Active: intercepting until"));
    }

    @Test
    void operatorFailsInvalidInterceptsAndHoldsDeletionUntilFinalIri() {
        MutableClock clock = new MutableClock(FROM.plus(Duration.ofHours(1)));
        try (var h = new OperatorHarness(client, new InterceptReconciler(OperatorSettings.defaults(), clock))) {
            Intercept bad = Fixtures.intercept("intercept.yaml");
            bad.getMetadata().setName("bad");
            bad.getSpec().setLiid("LIID-BAD");
            bad.getSpec().setAgencyRef("nobody");
            client.resource(bad).create();
            Intercept failed = await("failed", () -> phase("bad", InterceptPhase.FAILED));
            assertEquals("AgencyNotFound", failed.getStatus().getReason());
            assertEquals(
                    "Agency nobody does not exist",
                    ConditionSet.find(failed.getStatus().getConditions(), "Ready")
                            .getMessage());
            await("warning event", () -> eventReasons("bad").contains("AgencyNotFound"));

            Intercept active = Fixtures.intercept("intercept.yaml");
            active.getMetadata().setName("active");
            active.getSpec().setLiid("LIID-ACTIVE");
            client.resource(active).create();
            Intercept a = await("active", () -> phase("active", InterceptPhase.ACTIVE));
            assertTrue(a.getMetadata().getFinalizers().contains(InterceptReconciler.FINALIZER));

            client.resources(Intercept.class)
                    .inNamespace("li")
                    .withName("active")
                    .delete();
            await("stopping event", () -> eventReasons("active").contains("Stopping"));
            assertTrue(client.resources(Intercept.class)
                            .inNamespace("li")
                            .withName("active")
                            .get()
                    != null);
            // the mediator confirms IRI-End
            client.resources(Intercept.class)
                    .inNamespace("li")
                    .withName("active")
                    .edit(x -> {
                        x.getMetadata().getAnnotations().put(InterceptReconciler.FINAL_IRI_ANNOTATION, "sent");
                        return x;
                    });
            await(
                    "deleted",
                    () -> client.resources(Intercept.class)
                                    .inNamespace("li")
                                    .withName("active")
                                    .get()
                            == null);
            assertTrue(eventReasons("active").contains("Stopped"));

            // no confirmation: after the bounded timeout the finalizer goes anyway, with a Warning
            Intercept stuck = Fixtures.intercept("intercept.yaml");
            stuck.getMetadata().setName("stuck");
            stuck.getSpec().setLiid("LIID-STUCK");
            client.resource(stuck).create();
            await("stuck active", () -> phase("stuck", InterceptPhase.ACTIVE));
            client.resources(Intercept.class)
                    .inNamespace("li")
                    .withName("stuck")
                    .delete();
            await("stuck stopping", () -> eventReasons("stuck").contains("Stopping"));
            clock.advance(OperatorSettings.defaults().finalizerTimeout().plusSeconds(1));
            await(
                    "stuck deleted",
                    () -> client.resources(Intercept.class)
                                    .inNamespace("li")
                                    .withName("stuck")
                                    .get()
                            == null);
            assertTrue(eventReasons("stuck").contains("FinalizerTimeout"));
            assertNull(client.resources(Intercept.class)
                    .inNamespace("li")
                    .withName("stuck")
                    .get());
        }
    }

    /** Issue 12 obs 2 (operator side, contract C1): a second Intercept with an LIID in use is refused. */
    @Test
    void secondInterceptWithAnLiidInUseFailsNamingTheOwnerUntilTheOwnerIsDeleted() {
        MutableClock clock = new MutableClock(FROM.plus(Duration.ofHours(1)));
        try (var h = new OperatorHarness(client, new InterceptReconciler(OperatorSettings.defaults(), clock))) {
            Intercept first = Fixtures.intercept("intercept.yaml");
            first.getMetadata().setName("claim-a");
            first.getSpec().setLiid("SHARED-1");
            client.resource(first).create();
            await("owner active", () -> phase("claim-a", InterceptPhase.ACTIVE));
            // another warrant (other target) reusing the LIID: hostile or careless, it must not share the owner's
            // stream
            Intercept second = Fixtures.intercept("intercept.yaml");
            second.getMetadata().setName("claim-b");
            second.getSpec().setLiid("SHARED-1");
            second.getSpec().getTargets().getFirst().setIp("198.18.7.7");
            client.resource(second).create();
            Intercept refused = await("refused", () -> phase("claim-b", InterceptPhase.FAILED));
            assertEquals("LiidInUse", refused.getStatus().getReason());
            var owned = ConditionSet.find(refused.getStatus().getConditions(), InterceptLifecycle.CONDITION_LIID_OWNED);
            assertEquals("False", owned.getStatus());
            assertTrue(owned.getMessage().contains("Intercept li/claim-a"), owned.getMessage());
            await("refusal event", () -> eventReasons("claim-b").contains("LiidInUse"));
            Event ev = client.v1().events().inNamespace("li").list().getItems().stream()
                    .filter(e -> e.getReason().equals("LiidInUse")
                            && e.getInvolvedObject().getName().equals("claim-b"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("Warning", ev.getType());
            assertTrue(ev.getMessage().contains("li/claim-a"));
            // the owner is unaffected
            Intercept owner = phase("claim-a", InterceptPhase.ACTIVE);
            assertTrue(owner != null && ConditionSet.isTrue(owner.getStatus().getConditions(), "LiidOwned"));
            assertTrue(!eventReasons("claim-a").contains("LiidInUse"));

            // the owner goes (IRI-End confirmed): the other claim becomes usable without any change of its own
            client.resources(Intercept.class)
                    .inNamespace("li")
                    .withName("claim-a")
                    .edit(x -> {
                        x.getMetadata().getAnnotations().put(InterceptReconciler.FINAL_IRI_ANNOTATION, "sent");
                        return x;
                    });
            client.resources(Intercept.class)
                    .inNamespace("li")
                    .withName("claim-a")
                    .delete();
            await(
                    "owner gone",
                    () -> client.resources(Intercept.class)
                                    .inNamespace("li")
                                    .withName("claim-a")
                                    .get()
                            == null);
            Intercept now = await("claim-b active", () -> phase("claim-b", InterceptPhase.ACTIVE));
            assertTrue(ConditionSet.isTrue(now.getStatus().getConditions(), "LiidOwned"));
            client.resources(Intercept.class)
                    .inNamespace("li")
                    .withName("claim-b")
                    .delete();
        }
    }

    /** Issue 12 obs 4: a target kind no collector serves is Failed with a clear reason, never Active. */
    @Test
    void unsupportedTargetKindsAndCatchAllPrefixesFail() {
        MutableClock clock = new MutableClock(FROM.plus(Duration.ofHours(1)));
        InterceptReconciler r = new InterceptReconciler(OperatorSettings.defaults(), clock);
        Intercept sip = Fixtures.intercept("intercept.yaml");
        sip.getMetadata().setName("sip");
        sip.getSpec().setLiid("SIP-1");
        Target uri = new Target();
        uri.setSipUri("sip:alice@example.org");
        sip.getSpec().getTargets().add(uri);
        sip = client.resource(sip).create();
        // issue 15: sipUri targets are served by the collectors
        Intercept out = r.reconcile(sip, StubContext.of(client)).getResource().orElseThrow();
        assertFalse(
                "UnsupportedTarget".equals(out.getStatus().getReason()),
                out.getStatus().getMessage());
        assertFalse(eventReasons("sip").contains("UnsupportedTarget"));

        // issue 14: radiusUser targets are served by the collectors
        Intercept radius = Fixtures.intercept("intercept.yaml");
        radius.getMetadata().setName("radius");
        radius.getSpec().setLiid("RADIUS-1");
        Target user = new Target();
        user.setRadiusUser("alice@isp.example");
        radius.getSpec().getTargets().add(user);
        radius = client.resource(radius).create();
        out = r.reconcile(radius, StubContext.of(client)).getResource().orElseThrow();
        assertFalse(
                "UnsupportedTarget".equals(out.getStatus().getReason()),
                out.getStatus().getMessage());
        assertFalse(eventReasons("radius").contains("UnsupportedTarget"));

        Intercept wide = Fixtures.intercept("intercept.yaml");
        wide.getMetadata().setName("wide");
        wide.getSpec().setLiid("WIDE-1");
        wide.getSpec().getTargets().getFirst().setIp("10.0.0.0/12");
        wide = client.resource(wide).create();
        // a stricter operator setting than the CRD's /8
        OperatorSettings strict = OperatorSettings.defaults().withMinPrefixes(16, 32);
        out = new InterceptReconciler(strict, clock)
                .reconcile(wide, StubContext.of(client))
                .getResource()
                .orElseThrow();
        assertEquals(InterceptPhase.FAILED, out.getStatus().getPhase());
        assertTrue(
                out.getStatus().getMessage().contains("targets[0].ip prefix /12 is too wide: at least /16 for IPv4"),
                out.getStatus().getMessage());
        assertEquals(
                InterceptPhase.ACTIVE,
                r.reconcile(wide, StubContext.of(client))
                        .getResource()
                        .orElseThrow()
                        .getStatus()
                        .getPhase(),
                "the default minimum is /8");
    }

    private Collector collector(String name, String site, List<Integer> radiusPorts) {
        Collector c = Fixtures.collector("collector-afpacket.yaml");
        c.getMetadata().setName(name);
        c.getMetadata().setLabels(java.util.Map.of("site", site));
        if (radiusPorts != null) {
            RadiusSpec rs = new RadiusSpec();
            rs.setPorts(radiusPorts);
            c.getSpec().setRadius(rs);
        }
        return client.resource(c).create();
    }

    private static Condition condition(Intercept i, String type) {
        return ConditionSet.find(i.getStatus().getConditions(), type);
    }

    /**
     * Issue 14: a radiusUser Intercept whose selected Collectors do not track RADIUS (spec.radius.ports: []) is
     * intercepted nowhere; its status says so (RadiusTracked and Ready False, reason NoRadiusCollector, one Warning
     * Event) while the warrant stays Active, and it clears once a selected Collector tracks RADIUS.
     */
    @Test
    void aRadiusUserInterceptThatNoSelectedCollectorTracksRadiusForSaysSo() {
        MutableClock clock = new MutableClock(FROM.plus(Duration.ofHours(1)));
        InterceptReconciler r = new InterceptReconciler(OperatorSettings.defaults(), clock);
        Collector off = collector("radius-off", "a", List.of());
        Collector elsewhere = collector("radius-elsewhere", "b", null); // tracks RADIUS (defaults), not selected
        try {
            Intercept i = Fixtures.intercept("intercept.yaml");
            i.getMetadata().setName("radius-off");
            i.getSpec().setLiid("RADIUS-OFF");
            Target user = new Target();
            user.setRadiusUser("alice@isp.example");
            i.getSpec().getTargets().add(user);
            i.getSpec()
                    .setCollectorSelector(new LabelSelectorBuilder()
                            .addToMatchLabels("site", "a")
                            .build());
            i = client.resource(i).create();

            Intercept out = r.reconcile(i, StubContext.of(client)).getResource().orElseThrow();
            assertEquals(InterceptPhase.ACTIVE, out.getStatus().getPhase(), "the warrant is in force");
            Condition tracked = condition(out, InterceptLifecycle.CONDITION_RADIUS_TRACKED);
            assertEquals("False", tracked.getStatus());
            assertEquals("NoRadiusCollector", tracked.getReason());
            assertTrue(
                    tracked.getMessage().contains("none of the 1 selected Collector(s) tracks RADIUS"),
                    tracked.getMessage());
            assertEquals("False", condition(out, "Ready").getStatus());
            assertEquals("NoRadiusCollector", condition(out, "Ready").getReason());
            client.resource(out).updateStatus();
            out = client.resources(Intercept.class)
                    .inNamespace("li")
                    .withName("radius-off")
                    .get();
            assertTrue(r.reconcile(out, StubContext.of(client)).isNoUpdate(), "nothing new on the next pass");
            assertEquals(
                    1,
                    eventReasons("radius-off").stream()
                            .filter("NoRadiusCollector"::equals)
                            .count(),
                    "one Warning Event, not one per reconcile");

            // misconfiguration fixed: the selected Collector tracks RADIUS again
            off.getSpec().getRadius().setPorts(List.of(1812, 1813));
            client.resource(off).update();
            out = r.reconcile(out, StubContext.of(client)).getResource().orElseThrow();
            assertEquals(
                    "True",
                    condition(out, InterceptLifecycle.CONDITION_RADIUS_TRACKED).getStatus());
            assertEquals("True", condition(out, "Ready").getStatus());
            assertEquals(InterceptPhase.ACTIVE, out.getStatus().getPhase());
        } finally {
            client.resource(off).delete();
            client.resource(elsewhere).delete();
        }
    }

    /** With the operator running, a Collector change re-reconciles the namespace's Intercepts at once. */
    @Test
    void aCollectorThatStartsTrackingRadiusClearsTheConditionByItself() {
        MutableClock clock = new MutableClock(FROM.plus(Duration.ofHours(1)));
        Collector off = collector("radius-off-2", "c", List.of());
        Collector on = null;
        try (var h = new OperatorHarness(client, new InterceptReconciler(OperatorSettings.defaults(), clock))) {
            Intercept i = Fixtures.intercept("intercept.yaml");
            i.getMetadata().setName("radius-live");
            i.getSpec().setLiid("RADIUS-LIVE");
            Target user = new Target();
            user.setRadiusUser("bob@isp.example");
            i.getSpec().getTargets().add(user);
            i.getSpec()
                    .setCollectorSelector(new LabelSelectorBuilder()
                            .addToMatchLabels("site", "c")
                            .build());
            client.resource(i).create();
            await("RadiusTracked False", () -> radiusTracked("radius-live", "False"));
            on = collector("radius-on-2", "c", List.of(1813)); // no Intercept change: the Collector event alone
            Intercept x = await("RadiusTracked True", () -> radiusTracked("radius-live", "True"));
            assertEquals("True", condition(x, "Ready").getStatus());
        } finally {
            client.resource(off).delete();
            if (on != null) {
                client.resource(on).delete();
            }
        }
    }

    private Intercept radiusTracked(String name, String status) {
        Intercept x = client.resources(Intercept.class)
                .inNamespace("li")
                .withName(name)
                .get();
        Condition c =
                x == null || x.getStatus() == null ? null : condition(x, InterceptLifecycle.CONDITION_RADIUS_TRACKED);
        return c != null && status.equals(c.getStatus()) ? x : null;
    }

    /** The Collector lookup is only for radiusUser Intercepts: an ip-only one has no RadiusTracked condition. */
    @Test
    void anIpOnlyInterceptHasNoRadiusCondition() {
        MutableClock clock = new MutableClock(FROM.plus(Duration.ofHours(1)));
        Intercept i = Fixtures.intercept("intercept.yaml");
        i.getMetadata().setName("ip-only");
        i.getSpec().setLiid("IP-ONLY");
        i = client.resource(i).create();
        Intercept out = new InterceptReconciler(OperatorSettings.defaults(), clock)
                .reconcile(i, StubContext.of(client))
                .getResource()
                .orElseThrow();
        assertNull(condition(out, InterceptLifecycle.CONDITION_RADIUS_TRACKED));
        assertEquals("True", condition(out, "Ready").getStatus());
    }

    private Intercept phase(String name, InterceptPhase p) {
        Intercept x = client.resources(Intercept.class)
                .inNamespace("li")
                .withName(name)
                .get();
        return x != null && x.getStatus() != null && x.getStatus().getPhase() == p ? x : null;
    }
}
