package io.kubeli.operator.common;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kubeli.api.v1alpha1.ConditionedStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Patches only the status fields the operator owns, and only when they changed: other writers (mediators,
 * collectors) own the remaining fields. With server-side apply the patch carries just the operator's fields (so
 * its field manager owns nothing else); without it JOSDK sends a JSON patch computed against the cached resource.
 */
public final class StatusPatch {
    private StatusPatch() {}

    /**
     * Returns patchStatus when {@code owned} (a status holding only operator fields) differs from the same fields of
     * the current status, else noUpdate. {@code copyOwned} copies the operator fields from its first argument into
     * its second.
     */
    public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChanged(
            P resource, S owned, Supplier<S> empty, BiConsumer<S, S> copyOwned, Context<P> context) {
        S currentOwned = empty.get();
        if (resource.getStatus() != null) {
            copyOwned.accept(resource.getStatus(), currentOwned);
        }
        if (Objects.equals(Serialization.asJson(currentOwned), Serialization.asJson(owned))) {
            return UpdateControl.noUpdate();
        }
        boolean ssa = context != null
                && context.getControllerConfiguration() != null
                && context.getControllerConfiguration()
                        .getConfigurationService()
                        .useSSAToPatchPrimaryResource();
        if (ssa) {
            resource.setStatus(owned);
        } else {
            S merged = resource.getStatus() != null ? resource.getStatus() : empty.get();
            copyOwned.accept(owned, merged);
            resource.setStatus(merged);
        }
        return UpdateControl.patchStatus(resource);
    }

    /**
     * Sets {@code owned}'s conditions ({@code conditions} merged into the current ones) and observedGeneration to the
     * resource's generation, then patches as {@link #ifChanged} does.
     */
    public static <S extends ConditionedStatus, P extends CustomResource<?, S>> UpdateControl<P> withConditions(
            P resource,
            S owned,
            ConditionSet conditions,
            Instant now,
            Supplier<S> empty,
            BiConsumer<S, S> copyOwned,
            Context<P> context) {
        Long generation = resource.getMetadata().getGeneration();
        var existing =
                resource.getStatus() == null ? null : resource.getStatus().getConditions();
        owned.setConditions(conditions.mergeInto(existing, generation, now));
        owned.setObservedGeneration(generation);
        return ifChanged(resource, owned, empty, copyOwned, context);
    }
}
