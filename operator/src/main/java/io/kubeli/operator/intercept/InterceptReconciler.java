package io.kubeli.operator.intercept;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.kubeli.api.v1alpha1.InterceptStatus;
import io.kubeli.api.v1alpha1.KubeLi;
import io.kubeli.api.v1alpha1.LiidClaims;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.EventReason;
import io.kubeli.operator.common.EventRecorder;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.common.ReferenceEventSources;
import io.kubeli.operator.common.StatusPatch;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Validates an Intercept and its references, drives its phase Pending → Active → Expired (reconciled again exactly
 * at validFrom and validUntil), records an Event for every transition, and holds a finalizer so deleting an active
 * intercept waits until the mediator confirms the collectors stopped and the final IRI went out.
 */
@RBACRule(
        apiGroups = KubeLi.GROUP,
        resources = {"agencies", "mediators", "collectors"},
        verbs = {"get", "list", "watch"})
@RBACRule(
        apiGroups = "",
        resources = "events",
        verbs = {"get", "create", "update", "patch"})
@ControllerConfiguration(name = "intercept", finalizerName = InterceptReconciler.FINALIZER)
public class InterceptReconciler implements Reconciler<Intercept>, Cleaner<Intercept> {
    /** The finalizer the operator holds on every Intercept. */
    public static final String FINALIZER = "li.kubeli.io/final-iri";
    /** Annotation the mediator sets to "sent" once the final IRI (IRI-End) of the intercept was delivered. */
    public static final String FINAL_IRI_ANNOTATION = "li.kubeli.io/final-iri";
    /** How often a pending deletion looks again for the mediator's confirmation. */
    public static final Duration CLEANUP_POLL = Duration.ofSeconds(5);

    private final OperatorSettings settings;
    private final Clock clock;
    private final Map<String, Instant> deletionSeen = new ConcurrentHashMap<>();
    private final InterceptMetrics metrics;

    @Inject
    public InterceptReconciler(OperatorSettings settings, Clock clock, InterceptMetrics metrics) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A reconciler whose gauges go to a private registry. */
    public InterceptReconciler(OperatorSettings settings, Clock clock) {
        this(settings, clock, InterceptMetrics.detached());
    }

    /**
     * Changes of the referenced Agency and Mediator (existence, readiness) re-reconcile the intercepts at once, and
     * so does any change (creation, deletion) of an Intercept with the same LIID in the namespace, so a refused claim
     * becomes usable as soon as the owner is gone.
     */
    @Override
    public List<EventSource<?, Intercept>> prepareEventSources(EventSourceContext<Intercept> context) {
        context.getPrimaryCache().addIndexer(LIID_INDEX, InterceptReconciler::liidKey);
        var sameLiid = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Intercept.class, Intercept.class)
                        .withName(LIID_INDEX)
                        .withSecondaryToPrimaryMapper(other -> context
                                .getPrimaryCache()
                                .byIndex(
                                        LIID_INDEX,
                                        liidKey(other).isEmpty()
                                                ? ""
                                                : liidKey(other).getFirst())
                                .stream()
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .build(),
                context);
        // a Collector's spec or labels changed (e.g. RADIUS tracking turned off): the namespace's Intercepts look again
        context.getPrimaryCache()
                .addIndexer(
                        NS_INDEX, i -> List.of(String.valueOf(i.getMetadata().getNamespace())));
        var collectors = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Collector.class, Intercept.class)
                        .withName("intercept-collectors")
                        .withSecondaryToPrimaryMapper(c ->
                                context
                                        .getPrimaryCache()
                                        .byIndex(NS_INDEX, c.getMetadata().getNamespace())
                                        .stream()
                                        .map(ResourceID::fromResource)
                                        .collect(Collectors.toSet()))
                        .withOnUpdateFilter((n, o) -> !Objects.equals(
                                        n.getMetadata().getGeneration(),
                                        o.getMetadata().getGeneration())
                                || !Objects.equals(
                                        n.getMetadata().getLabels(),
                                        o.getMetadata().getLabels()))
                        .build(),
                context);
        return List.of(
                sameLiid,
                collectors,
                ReferenceEventSources.of(
                        context,
                        Agency.class,
                        Intercept.class,
                        i -> i.getSpec() == null
                                ? List.of()
                                : List.of(String.valueOf(i.getSpec().getAgencyRef()))),
                ReferenceEventSources.of(
                        context,
                        Mediator.class,
                        Intercept.class,
                        i -> i.getSpec() == null
                                ? List.of()
                                : List.of(String.valueOf(i.getSpec().getMediatorRef()))));
    }

    /** Index of the primary cache: namespace. */
    static final String NS_INDEX = "intercept-namespace";

    /** How soon an Intercept refused for an LIID in use looks again. */
    static final Duration LIID_RECHECK = Duration.ofSeconds(5);

    /** Index of the primary cache: namespace/liid. */
    static final String LIID_INDEX = "liid";

    static List<String> liidKey(Intercept i) {
        return i.getSpec() == null || i.getSpec().getLiid() == null
                ? List.of()
                : List.of(i.getMetadata().getNamespace() + "/" + i.getSpec().getLiid());
    }

    /**
     * The identity of the Intercept that owns {@code i}'s LIID when it is another one (LiidClaims: earliest created
     * wins), else null. Claimants come from the informer cache, or from the API when called without a controller.
     */
    static String liidOwner(Intercept i, Context<Intercept> context) {
        List<String> key = liidKey(i);
        if (key.isEmpty()) {
            return null;
        }
        List<Intercept> claimants = new ArrayList<>();
        if (context.getControllerConfiguration() != null) {
            claimants.addAll(context.getPrimaryCache().byIndex(LIID_INDEX, key.getFirst()));
        } else {
            context
                    .getClient()
                    .resources(Intercept.class)
                    .inNamespace(i.getMetadata().getNamespace())
                    .list()
                    .getItems()
                    .stream()
                    .filter(x -> key.equals(liidKey(x)))
                    .forEach(claimants::add);
        }
        claimants.removeIf(x -> LiidClaims.identity(x).equals(LiidClaims.identity(i)));
        claimants.add(i);
        return LiidClaims.refused(claimants).get(LiidClaims.identity(i));
    }

    @Override
    public UpdateControl<Intercept> reconcile(Intercept i, Context<Intercept> context) {
        // observe
        KubernetesClient client = context.getClient();
        String ns = i.getMetadata().getNamespace();
        var spec = i.getSpec();
        Agency agency =
                spec == null ? null : ReferenceEventSources.referenced(context, Agency.class, ns, spec.getAgencyRef());
        Mediator mediator = spec == null
                ? null
                : ReferenceEventSources.referenced(context, Mediator.class, ns, spec.getMediatorRef());
        Instant now = clock.instant();
        // validate + decide
        InterceptLifecycle.Decision d = InterceptLifecycle.decide(
                spec,
                agency,
                mediator,
                now,
                new InterceptLifecycle.TargetRules(settings.minIpv4Prefix(), settings.minIpv6Prefix()),
                liidOwner(i, context));
        radiusTracking(i, d, client);
        InterceptPhase previous = i.getStatus() == null ? null : i.getStatus().getPhase();
        String previousReason = i.getStatus() == null ? null : i.getStatus().getReason();
        // status (Events for transitions are recorded before the patch so the audit trail never misses one; a new
        // reason of failure is a transition too)
        if (previous != d.phase()
                || d.phase() == InterceptPhase.FAILED && !Objects.equals(previousReason, d.reason())) {
            EventRecorder events = new EventRecorder(client, clock);
            String msg = (previous == null || previous == d.phase() ? "" : previous.wireName() + " -> ")
                    + d.phase().wireName() + ": " + d.message();
            if (d.phase() == InterceptPhase.FAILED) {
                events.record(i, EventReason.ofFailure(d.reason()), msg);
            } else {
                events.record(i, transitionReason(d.phase()), msg);
            }
        }
        metrics.observe(i, d.phase(), d.phase() == InterceptPhase.ACTIVE ? spec.validUntilInstant() : null);
        InterceptStatus owned = emptyStatus();
        owned.setPhase(d.phase());
        owned.setReason(d.reason());
        owned.setMessage(d.message());
        UpdateControl<Intercept> control = StatusPatch.withConditions(
                i,
                owned,
                d.conditions(),
                now,
                InterceptReconciler::emptyStatus,
                InterceptReconciler::copyOwned,
                context);
        Duration recheck = d.recheckIn() == null ? null : d.recheckIn().isNegative() ? Duration.ZERO : d.recheckIn();
        if ("LiidInUse".equals(d.reason()) && (recheck == null || recheck.compareTo(LIID_RECHECK) > 0)) {
            // the owner's removal reaches this claimant through an informer that may run ahead of the primary cache the
            // claims are read from: look again, so a refusal never outlives its owner for long
            recheck = LIID_RECHECK;
        }
        if (recheck != null) {
            control.rescheduleAfter(recheck);
        }
        return control;
    }

    /**
     * RadiusTracked for an Active or Pending Intercept with radiusUser targets; when no selected Collector tracks
     * RADIUS, Ready is False with its reason too and a Warning Event marks the change (the phase stays: the warrant
     * is in force, it is just not served).
     */
    private void radiusTracking(Intercept i, InterceptLifecycle.Decision d, KubernetesClient client) {
        List<io.fabric8.kubernetes.api.model.Condition> old =
                i.getStatus() == null ? null : i.getStatus().getConditions();
        var was = ConditionSet.find(old, InterceptLifecycle.CONDITION_RADIUS_TRACKED);
        ConditionSet.Decided t = null;
        if ((d.phase() == InterceptPhase.ACTIVE || d.phase() == InterceptPhase.PENDING)
                && InterceptLifecycle.hasRadiusUserTargets(i.getSpec())) { // only these read the Collectors
            t = InterceptLifecycle.radiusTracking(
                    i.getSpec(),
                    client.resources(Collector.class)
                            .inNamespace(i.getMetadata().getNamespace())
                            .list()
                            .getItems());
        }
        if (t == null) {
            if (was != null && "False".equals(was.getStatus())) {
                d.conditions()
                        .set(
                                InterceptLifecycle.CONDITION_RADIUS_TRACKED,
                                true,
                                "NotApplicable",
                                "no radiusUser target, or the Intercept is not in force");
            }
            return;
        }
        d.conditions().set(t.type(), t.status(), t.reason(), t.message());
        if (!t.status()) {
            if (d.phase() == InterceptPhase.ACTIVE) {
                d.conditions().set(KubeLi.CONDITION_READY, false, t.reason(), t.message());
            }
            if (was == null || !"False".equals(was.getStatus())) {
                new EventRecorder(client, clock).record(i, EventReason.NO_RADIUS_COLLECTOR, t.message());
            }
        }
    }

    /** Event reason for entering a phase. */
    static EventReason transitionReason(InterceptPhase phase) {
        return switch (phase) {
            case PENDING -> EventReason.PENDING;
            case ACTIVE -> EventReason.ACTIVATED;
            case EXPIRED -> EventReason.EXPIRED;
            case FAILED -> EventReason.FAILED;
        };
    }

    @Override
    public DeleteControl cleanup(Intercept i, Context<Intercept> context) {
        EventRecorder events = new EventRecorder(context.getClient(), clock);
        String uid = Objects.requireNonNullElse(
                i.getMetadata().getUid(), i.getMetadata().getName());
        InterceptPhase phase = i.getStatus() == null ? null : i.getStatus().getPhase();
        if (phase != InterceptPhase.ACTIVE) {
            deletionSeen.remove(uid);
            events.record(
                    i,
                    EventReason.DELETED,
                    "intercept was " + (phase == null ? "never reconciled" : phase.wireName()) + "; finalizer removed");
            metrics.forget(i);
            return DeleteControl.defaultDelete();
        }
        Instant now = clock.instant();
        Instant first = deletionSeen.computeIfAbsent(uid, k -> {
            events.record(
                    i, EventReason.STOPPING, "waiting for the collectors to stop and the final IRI to be delivered");
            return now;
        });
        if (confirmed(i)) {
            deletionSeen.remove(uid);
            events.record(
                    i, EventReason.STOPPED, "collectors stopped and the final IRI was delivered; finalizer removed");
            metrics.forget(i);
            return DeleteControl.defaultDelete();
        }
        Instant deadline = first.plus(settings.finalizerTimeout());
        if (!now.isBefore(deadline)) {
            deletionSeen.remove(uid);
            events.record(
                    i,
                    EventReason.FINALIZER_TIMEOUT,
                    "no confirmation of the final IRI within " + settings.finalizerTimeout()
                            + "; finalizer removed anyway");
            metrics.forget(i);
            return DeleteControl.defaultDelete();
        }
        Duration left = Duration.between(now, deadline);
        return DeleteControl.noFinalizerRemoval()
                .rescheduleAfter(left.compareTo(CLEANUP_POLL) < 0 ? left : CLEANUP_POLL);
    }

    /** Whether the mediator confirmed IRI-End and no collector still runs the intercept. */
    static boolean confirmed(Intercept i) {
        var annotations = i.getMetadata().getAnnotations();
        boolean iriSent = annotations != null && "sent".equals(annotations.get(FINAL_IRI_ANNOTATION));
        Integer active = i.getStatus() == null ? null : i.getStatus().getActiveCollectors();
        return iriSent && (active == null || active == 0);
    }

    static InterceptStatus emptyStatus() {
        InterceptStatus s = new InterceptStatus();
        s.setConditions(null);
        return s;
    }

    /** Operator-owned fields: phase, reason, message, conditions, observedGeneration (figures belong to mediators). */
    static void copyOwned(InterceptStatus from, InterceptStatus to) {
        to.setPhase(from.getPhase());
        to.setReason(from.getReason());
        to.setMessage(from.getMessage());
        to.setConditions(from.getConditions());
        to.setObservedGeneration(from.getObservedGeneration());
    }
}
