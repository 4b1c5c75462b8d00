package io.kubeli.operator.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.AgencyStatus;
import io.kubeli.operator.Fixtures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status aggregator: Kubernetes condition conventions and patch-only-on-change. */
class ConditionSetTest {
    static final Instant T1 = Instant.parse("2030-01-01T00:00:00Z");
    static final Instant T2 = Instant.parse("2030-01-02T00:00:00Z");

    @Test
    void transitionTimeIsKeptWhileStatusIsUnchangedAndForeignTypesSurvive() {
        Condition foreign = new ConditionBuilder()
                .withType("Connected")
                .withStatus("True")
                .withReason("Up")
                .withLastTransitionTime("2029-01-01T00:00:00Z")
                .build();
        List<Condition> first =
                new ConditionSet().set("Ready", false, "Waiting", "not yet").mergeInto(List.of(foreign), 1L, T1);
        assertEquals(2, first.size());
        assertEquals(foreign, first.get(0));
        Condition ready = ConditionSet.find(first, "Ready");
        assertEquals("False", ready.getStatus());
        assertEquals(1L, ready.getObservedGeneration());
        assertEquals("2030-01-01T00:00:00Z", ready.getLastTransitionTime());

        List<Condition> same =
                new ConditionSet().set("Ready", false, "StillWaiting", "later").mergeInto(first, 2L, T2);
        Condition stillFalse = ConditionSet.find(same, "Ready");
        assertEquals("2030-01-01T00:00:00Z", stillFalse.getLastTransitionTime());
        assertEquals(2L, stillFalse.getObservedGeneration());
        assertEquals("StillWaiting", stillFalse.getReason());

        List<Condition> flipped =
                new ConditionSet().set("Ready", true, "Ready", "ok").mergeInto(same, 2L, T2);
        assertEquals("2030-01-02T00:00:00Z", ConditionSet.find(flipped, "Ready").getLastTransitionTime());
        assertTrue(ConditionSet.isTrue(flipped, "Ready"));
    }

    @Test
    void statusIsPatchedOnlyWhenOwnedFieldsChange() {
        Agency a = Fixtures.agency("agency.yaml");
        AgencyStatus owned = new AgencyStatus();
        owned.setConditions(
                new ConditionSet().set("Ready", true, "Validated", "ok").mergeInto(null, 1L, T1));
        owned.setObservedGeneration(1L);
        UpdateControl<Agency> first = StatusPatch.ifChanged(
                a,
                owned,
                AgencyStatus::new,
                (f, t) -> {
                    t.setConditions(f.getConditions());
                    t.setObservedGeneration(f.getObservedGeneration());
                },
                null);
        assertTrue(first.isPatchStatus());
        a.getStatus().setRecordsDelivered(7L); // written by a mediator meanwhile
        AgencyStatus again = new AgencyStatus();
        again.setConditions(new ConditionSet()
                .set("Ready", true, "Validated", "ok")
                .mergeInto(a.getStatus().getConditions(), 1L, T2));
        again.setObservedGeneration(1L);
        UpdateControl<Agency> second = StatusPatch.ifChanged(
                a,
                again,
                AgencyStatus::new,
                (f, t) -> {
                    t.setConditions(f.getConditions());
                    t.setObservedGeneration(f.getObservedGeneration());
                },
                null);
        assertTrue(second.isNoUpdate());
        assertEquals(7L, a.getStatus().getRecordsDelivered());
    }
}
