package io.kubeli.operator.common;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Issue 17: Events have typed reasons and are de-duplicated (count and lastTimestamp) against the mock API server. */
@EnableKubernetesMockClient(crud = true, https = false)
class EventRecorderTest {
    static KubernetesClient client;
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private Intercept intercept(String name, String uid) {
        Intercept i = Fixtures.intercept("intercept.yaml");
        i.getMetadata().setName(name);
        i.getMetadata().setNamespace("ev");
        i.getMetadata().setUid(uid);
        return i;
    }

    private List<Event> events(String name) {
        return client.v1().events().inNamespace("ev").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(name))
                .toList();
    }

    @Test
    void theSameReasonObjectAndMessageCountOneEvent() {
        MutableClock clock = new MutableClock(T0);
        EventRecorder rec = new EventRecorder(client, clock);
        Intercept i = intercept("dup", "uid-dup");
        for (int n = 0; n < 3; n++) {
            rec.record(i, EventReason.AGENCY_NOT_FOUND, "Agency a is missing");
            clock.advance(Duration.ofMinutes(1));
        }
        List<Event> evs = events("dup");
        assertEquals(1, evs.size(), "one Event, not one per call");
        Event e = evs.getFirst();
        assertEquals(3, e.getCount());
        assertEquals("Warning", e.getType());
        assertEquals("AgencyNotFound", e.getReason());
        assertEquals("2030-01-01T00:00:00Z", e.getFirstTimestamp());
        assertEquals("2030-01-01T00:02:00Z", e.getLastTimestamp());
        // another message, another reason: new Events
        rec.record(i, EventReason.AGENCY_NOT_FOUND, "Agency b is missing");
        rec.record(i, EventReason.ACTIVATED, "Agency a is missing");
        assertEquals(3, events("dup").size());
        assertEquals(
                "Normal",
                events("dup").stream()
                        .filter(x -> x.getReason().equals("Activated"))
                        .findFirst()
                        .orElseThrow()
                        .getType());
    }

    @Test
    void aRecreatedObjectOfTheSameNameGetsItsOwnEvent() {
        EventRecorder rec = new EventRecorder(client, new MutableClock(T0));
        rec.record(intercept("again", "uid-1"), EventReason.DELETED, "intercept was pending; finalizer removed");
        rec.record(intercept("again", "uid-2"), EventReason.DELETED, "intercept was pending; finalizer removed");
        assertEquals(
                Set.of("uid-1", "uid-2"),
                events("again").stream()
                        .map(e -> e.getInvolvedObject().getUid())
                        .collect(Collectors.toSet()));
        assertTrue(events("again").stream().allMatch(e -> e.getCount() == 1));
    }

    /** Hostile input: an Event of that name written by someone else without a count is counted on, not replaced. */
    @Test
    void aForeignEventWithoutCountIsCountedOn() {
        Intercept i = intercept("foreign", "uid-f");
        Event planted = EventRecorder.build(i, EventReason.STOPPING, "m", T0);
        planted.setCount(null);
        planted.setMessage("m");
        client.v1().events().inNamespace("ev").resource(planted).create();
        new EventRecorder(client, new MutableClock(T0.plusSeconds(5))).record(i, EventReason.STOPPING, "m");
        assertEquals(1, events("foreign").size());
        assertEquals(2, events("foreign").getFirst().getCount());
        assertEquals("2030-01-01T00:00:05Z", events("foreign").getFirst().getLastTimestamp());
    }

    /** Fault: an unreachable API server never makes recording throw into a reconcile. */
    @Test
    void anUnreachableApiServerIsLoggedNotThrown() {
        try (KubernetesClient dead = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:1")
                        .withRequestTimeout(500)
                        .withConnectionTimeout(500)
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            assertDoesNotThrow(() ->
                    new EventRecorder(dead, new MutableClock(T0)).record(intercept("x", "u"), EventReason.FAILED, "m"));
        }
    }

    /** Misconfiguration: an unknown status reason becomes the generic Failed warning; reasons are distinct. */
    @Test
    void reasonsAreTypedAndDistinct() {
        assertEquals(EventReason.LIID_IN_USE, EventReason.ofFailure("LiidInUse"));
        assertEquals(EventReason.FAILED, EventReason.ofFailure("SomethingNew"));
        assertEquals(EventReason.FAILED, EventReason.ofFailure("Activated"), "a Normal reason is no failure");
        List<String> names =
                Arrays.stream(EventReason.values()).map(EventReason::reason).toList();
        assertEquals(names.size(), Set.copyOf(names).size());
        assertTrue(names.stream().allMatch(n -> n.matches("[A-Z][A-Za-z]+")), names.toString());
    }
}
