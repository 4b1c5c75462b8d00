package io.kubeli.operator.agency;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.AgencyStatus;
import io.kubeli.api.v1alpha1.KubeLi;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.StatusPatch;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;

/**
 * Validates an Agency and sets its Valid and Ready conditions. Delivery figures (hi2, hi3, recordsDelivered,
 * bufferBytes) and the Connected condition are written by the mediators and never touched here.
 */
@ControllerConfiguration(name = "agency")
public class AgencyReconciler implements Reconciler<Agency> {
    private final Clock clock;

    @Inject
    public AgencyReconciler(Clock clock) {
        this.clock = clock;
    }

    @Override
    public UpdateControl<Agency> reconcile(Agency a, Context<Agency> context) {
        List<String> problems = AgencyValidation.problems(a.getSpec());
        ConditionSet conditions = new ConditionSet();
        if (problems.isEmpty()) {
            conditions.set(KubeLi.CONDITION_VALID, true, "Valid", "endpoints and identifiers are valid");
            conditions.set(
                    KubeLi.CONDITION_READY,
                    true,
                    "Validated",
                    "agency accepted; handover state is reported by the mediators");
        } else {
            conditions.invalidSpec(problems);
        }
        AgencyStatus owned = emptyStatus();
        return StatusPatch.withConditions(
                a,
                owned,
                conditions,
                clock.instant(),
                AgencyReconciler::emptyStatus,
                AgencyReconciler::copyOwned,
                context);
    }

    static AgencyStatus emptyStatus() {
        AgencyStatus s = new AgencyStatus();
        s.setConditions(null);
        return s;
    }

    /** Operator-owned fields: conditions (all types; foreign ones are carried over by the merge) and observedGeneration. */
    static void copyOwned(AgencyStatus from, AgencyStatus to) {
        to.setConditions(from.getConditions());
        to.setObservedGeneration(from.getObservedGeneration());
    }
}
