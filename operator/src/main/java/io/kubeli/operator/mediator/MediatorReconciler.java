package io.kubeli.operator.mediator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.kubeli.api.v1alpha1.KubeLi;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.api.v1alpha1.MediatorStatus;
import io.kubeli.operator.common.CachedSecondaries;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.EventReason;
import io.kubeli.operator.common.EventRecorder;
import io.kubeli.operator.common.Forbidden;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.common.StatusPatch;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reconciles a Mediator into a StatefulSet, a ClusterIP and a headless Service, NetworkPolicy, its RBAC and
 * (optionally) its CA and server certificate Secrets.
 */
@Workflow(
        explicitInvocation = true,
        dependents = {
            @Dependent(type = ServiceAccountDependentResource.class),
            @Dependent(type = RoleDependentResource.class),
            @Dependent(type = RoleBindingDependentResource.class),
            @Dependent(type = ServiceDependentResource.class),
            @Dependent(type = HeadlessServiceDependentResource.class),
            @Dependent(type = NetworkPolicyDependentResource.class),
            @Dependent(type = StatefulSetDependentResource.class)
        })
// Secrets: an informer selecting the operator's own labelled Secrets (list/watch; the chart grants Secrets only in
// the namespaces where Collectors and Mediators run), written with create/update.
@RBACRule(
        apiGroups = "",
        resources = "secrets",
        verbs = {"get", "list", "watch", "create", "update"})
@RBACRule(
        apiGroups = KubeLi.GROUP,
        resources = {"intercepts/status", "agencies/status"},
        verbs = {"get", "patch"})
@RBACRule(apiGroups = KubeLi.GROUP, resources = "intercepts", verbs = "patch")
@RBACRule(
        apiGroups = "",
        resources = "events",
        verbs = {"get", "create", "update", "patch"})
@ControllerConfiguration(
        name = "mediator",
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public class MediatorReconciler implements Reconciler<Mediator> {
    /** Condition: the link TLS material is present and current. */
    public static final String CONDITION_TLS_READY = "TLSReady";
    /** Condition: every replica is ready. */
    public static final String CONDITION_AVAILABLE = "Available";

    /** How soon to try again in a namespace where the operator lacks permissions. */
    static final java.time.Duration FORBIDDEN_RETRY = java.time.Duration.ofMinutes(1);
    /** How soon to try again after a certificate Secret changed under a write (409). */
    static final Duration CONFLICT_RETRY = Duration.ofSeconds(10);
    /** The informer of the Mediators' CA and server Secrets (the operator's labelled Secrets only). */
    public static final String SECRETS = "mediator-secrets";

    private final OperatorSettings settings;
    private final Clock clock;

    @Inject
    public MediatorReconciler(OperatorSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The CA and server Secrets (label-selected) from a cache; a change re-reconciles the owning Mediator. */
    @Override
    public List<EventSource<?, Mediator>> prepareEventSources(EventSourceContext<Mediator> context) {
        return List.of(CachedSecondaries.informer(
                context,
                Secret.class,
                Mediator.class,
                SECRETS,
                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=mediator",
                settings.liNamespaces(),
                CachedSecondaries.toOwner("Mediator")));
    }

    @Override
    public UpdateControl<Mediator> reconcile(Mediator m, Context<Mediator> context) {
        ConditionSet conditions = new ConditionSet();
        MediatorStatus owned = emptyStatus();
        // validate
        List<String> problems = problems(m);
        if (!problems.isEmpty()) {
            conditions.invalidSpec(problems);
            return status(m, owned, conditions, context);
        }
        conditions.set(KubeLi.CONDITION_VALID, true, "Valid", "spec is valid");
        // observe + apply: certificates first, then the workloads
        Instant now = clock.instant();
        String tlsChecksum = null;
        Duration rotateIn = null;
        var tls = m.getSpec().getTls();
        if (tls != null && Boolean.TRUE.equals(tls.getOperatorManaged())) {
            MediatorCertificates.Plan plan;
            String ns = m.getMetadata().getNamespace();
            try {
                if (!settings.isLiNamespace(ns)) {
                    // not in liNamespaces: no informer there, and any write would be refused; no keys generated for
                    // nothing
                    throw new KubernetesClientException("secrets not granted in " + ns, 403, null);
                }
                plan = ensureCertificates(m, context, now);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    String msg =
                            "a certificate Secret changed while it was written, or exists without the operator's labels ("
                                    + Labels.MANAGED_SELECTOR + "; the operator reads only those): retrying";
                    conditions.set(CONDITION_TLS_READY, false, "SecretConflict", msg);
                    conditions.set(KubeLi.CONDITION_READY, false, "SecretConflict", msg);
                    return status(m, owned, conditions, context).rescheduleAfter(CONFLICT_RETRY);
                }
                if (e.getCode() != 403) {
                    throw e;
                }
                String msg = Forbidden.message(ns, e);
                conditions.set(CONDITION_TLS_READY, false, Forbidden.REASON, msg);
                conditions.set(KubeLi.CONDITION_READY, false, Forbidden.REASON, msg);
                return status(m, owned, conditions, context).rescheduleAfter(FORBIDDEN_RETRY);
            }
            tlsChecksum = plan.serverChecksum();
            rotateIn = Duration.between(now, plan.nextRotation());
            conditions.set(
                    CONDITION_TLS_READY,
                    true,
                    "OperatorManaged",
                    "certificates valid; next rotation at " + plan.nextRotation());
        } else if (tls != null) {
            conditions.set(CONDITION_TLS_READY, true, "SecretReferenced", "using Secret " + tls.getSecretRef());
        } else {
            conditions.set(CONDITION_TLS_READY, true, "Plaintext", "collector links are not encrypted");
        }
        new MediatorInputs(tlsChecksum, settings).put(context);
        if (!Forbidden.reconcileWorkflow(context, m.getMetadata().getNamespace(), conditions)) {
            return status(m, owned, conditions, context).rescheduleAfter(FORBIDDEN_RETRY);
        }
        // status
        StatefulSet sts = context.getSecondaryResource(StatefulSet.class).orElse(null);
        int ready = sts == null || sts.getStatus() == null || sts.getStatus().getReadyReplicas() == null
                ? 0
                : sts.getStatus().getReadyReplicas();
        int want = m.getSpec().getReplicas() == null ? 1 : m.getSpec().getReplicas();
        owned.setReadyReplicas(ready);
        boolean available = ready >= want;
        conditions.set(
                CONDITION_AVAILABLE,
                available,
                available ? "AllReplicasReady" : "ReplicasNotReady",
                ready + " of " + want + " replicas ready");
        conditions.set(
                KubeLi.CONDITION_READY,
                available,
                available ? "Ready" : "ReplicasNotReady",
                ready + " of " + want + " replicas ready");
        UpdateControl<Mediator> control = status(m, owned, conditions, context);
        if (rotateIn != null) {
            control.rescheduleAfter(rotateIn.isNegative() ? Duration.ZERO : rotateIn.plusSeconds(1));
        }
        return control;
    }

    /**
     * Reads the managed Secrets from the informer cache and writes those the plan re-issues, each as the successor of
     * the cached one (409 when the server holds another: never a CA overwritten on a stale read).
     */
    MediatorCertificates.Plan ensureCertificates(Mediator m, Context<Mediator> context, Instant now) {
        String ns = m.getMetadata().getNamespace();
        String name = m.getMetadata().getName();
        Secret ca = CachedSecondaries.get(context, Secret.class, SECRETS, ns, Names.caSecret(name));
        Secret server = CachedSecondaries.get(context, Secret.class, SECRETS, ns, Names.serverTlsSecret(name));
        MediatorCertificates.Plan plan = MediatorCertificates.plan(m, ca, server, now, settings);
        for (Secret s : plan.toWrite()) {
            CachedSecondaries.write(
                    context,
                    Secret.class,
                    SECRETS,
                    s,
                    s.getMetadata().getName().equals(Names.caSecret(name)) ? ca : server);
        }
        if (!plan.toWrite().isEmpty()) {
            new EventRecorder(context.getClient(), clock)
                    .record(
                            m,
                            EventReason.CERTIFICATES_ISSUED,
                            "issued "
                                    + plan.toWrite().stream()
                                            .map(s -> s.getMetadata().getName())
                                            .toList() + "; next rotation at "
                                    + plan.nextRotation());
        }
        return plan;
    }

    static List<String> problems(Mediator m) {
        List<String> p = new ArrayList<>();
        if (m.getSpec() == null) {
            return List.of("spec is missing");
        }
        var tls = m.getSpec().getTls();
        if (tls != null && (tls.getSecretRef() != null) == Boolean.TRUE.equals(tls.getOperatorManaged())) {
            p.add("set exactly one of tls.secretRef or tls.operatorManaged: true");
        }
        if (m.getSpec().getNetworkElementId() == null
                || m.getSpec().getNetworkElementId().isEmpty()) {
            p.add("networkElementId is required");
        }
        return p;
    }

    private UpdateControl<Mediator> status(
            Mediator m, MediatorStatus owned, ConditionSet conditions, Context<Mediator> context) {
        return StatusPatch.withConditions(
                m,
                owned,
                conditions,
                clock.instant(),
                MediatorReconciler::emptyStatus,
                MediatorReconciler::copyOwned,
                context);
    }

    static MediatorStatus emptyStatus() {
        MediatorStatus s = new MediatorStatus();
        s.setAgencies(null);
        s.setConditions(null);
        return s;
    }

    /** Operator-owned fields: readyReplicas, conditions, observedGeneration (agencies belong to the mediator). */
    static void copyOwned(MediatorStatus from, MediatorStatus to) {
        to.setReadyReplicas(from.getReadyReplicas());
        to.setConditions(from.getConditions());
        to.setObservedGeneration(from.getObservedGeneration());
    }
}
