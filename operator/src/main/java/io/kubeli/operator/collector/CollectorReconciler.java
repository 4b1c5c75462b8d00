package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.CollectorStatus;
import io.kubeli.api.v1alpha1.KubeLi;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.common.CachedSecondaries;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.EventReason;
import io.kubeli.operator.common.EventRecorder;
import io.kubeli.operator.common.Forbidden;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.common.ReferenceEventSources;
import io.kubeli.operator.common.StatusPatch;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Reconciles a Collector into its client certificate Secret, a ConfigMap, ServiceAccount, Role, RoleBinding and
 * DaemonSet, and assigns the CIN slots of the nodes its pods run on.
 */
@Workflow(
        explicitInvocation = true,
        dependents = {
            @Dependent(type = ConfigMapDependentResource.class),
            @Dependent(type = ServiceAccountDependentResource.class),
            @Dependent(type = RoleDependentResource.class),
            @Dependent(type = RoleBindingDependentResource.class),
            @Dependent(type = DaemonSetDependentResource.class)
        })
// Beyond the generated rules for the dependents: read the referenced Mediator, write Events, and hold what the
// collector Role grants (RBAC forbids granting what one does not hold).
@RBACRule(
        apiGroups = KubeLi.GROUP,
        resources = "mediators",
        verbs = {"get", "list", "watch"})
@RBACRule(
        apiGroups = KubeLi.GROUP,
        resources = {"intercepts", "agencies"},
        verbs = {"get", "list", "watch"})
@RBACRule(
        apiGroups = "",
        resources = "events",
        verbs = {"get", "create", "update", "patch"})
// the Collector's client certificate and its Mediator's CA (an informer on the operator's labelled Secrets), the
// DaemonSet's pods (an informer on collector pods); the CIN slot ledger is a ConfigMap (the dependents' rights)
@RBACRule(
        apiGroups = "",
        resources = "secrets",
        verbs = {"get", "list", "watch", "create", "update"})
@RBACRule(
        apiGroups = "",
        resources = "pods",
        verbs = {"list", "watch"})
@ControllerConfiguration(
        name = "collector",
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class CollectorReconciler implements Reconciler<Collector> {
    /** Condition: the referenced Mediator exists and is Ready. */
    public static final String CONDITION_MEDIATOR_READY = "MediatorReady";
    /** Condition: capture pods run on every selected node. */
    public static final String CONDITION_AVAILABLE = "Available";
    /** Condition: the Collector's client certificate is present and current (or TLS is not operator-managed). */
    public static final String CONDITION_TLS_READY = "TLSReady";
    /** Condition: every node with a capture pod has a CIN slot. */
    public static final String CONDITION_CIN_SLOTS = "CinSlotsAssigned";
    /** How soon to look again while the Mediator's CA does not exist yet. */
    static final Duration CA_RETRY = Duration.ofSeconds(10);
    /** How soon to look again while DaemonSet pods are not placed on nodes yet. */
    static final Duration SLOT_RETRY = Duration.ofSeconds(5);

    /** How soon to try again in a namespace where the operator lacks permissions. */
    static final java.time.Duration FORBIDDEN_RETRY = java.time.Duration.ofMinutes(1);
    /** How soon to try again when the ledger changed under an assignment (409: another Collector assigned). */
    static final Duration LEDGER_RETRY = Duration.ofSeconds(2);
    /** The informer of the client certificates and the Mediators' CA Secrets (the operator's labelled Secrets). */
    public static final String SECRETS = "collector-secrets";
    /** The informer of the CIN slot ledgers (ConfigMaps labelled component=cin-slots). */
    public static final String LEDGERS = "cin-slot-ledgers";
    /** The informer of the collector pods (app.kubernetes.io/name=kubeli-collector), which place CIN slots. */
    public static final String PODS = "collector-pods";

    private final OperatorSettings settings;
    private final Clock clock;

    @Inject
    public CollectorReconciler(OperatorSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Caches: the referenced Mediator (a change of TLS, port or readiness re-reconciles its collectors), the
     * operator's Secrets (a Collector's own certificate, its Mediator's CA: a new CA re-issues at once) and the CIN
     * slot ledgers (read on every assignment; their changes re-reconcile nothing).
     */
    @Override
    public List<EventSource<?, Collector>> prepareEventSources(EventSourceContext<Collector> context) {
        var mediators = ReferenceEventSources.of(
                context,
                Mediator.class,
                Collector.class,
                c -> c.getSpec() == null
                        ? List.of()
                        : List.of(String.valueOf(c.getSpec().getMediatorRef())));
        SecondaryToPrimaryMapper<Secret> toMine = CachedSecondaries.toOwner("Collector");
        var secrets = CachedSecondaries.informer(
                context,
                Secret.class,
                Collector.class,
                SECRETS,
                Labels.MANAGED_SELECTOR,
                settings.liNamespaces(),
                s -> {
                    var mediator = CachedSecondaries.owner(s, "Mediator");
                    return mediator == null
                            ? toMine.toPrimaryResourceIDs(s)
                            : ReferenceEventSources.referencing(
                                    context, Mediator.class, s.getMetadata().getNamespace(), mediator.getName());
                });
        var ledgers = CachedSecondaries.informer(
                context,
                ConfigMap.class,
                Collector.class,
                LEDGERS,
                Labels.COMPONENT + "=" + CinSlots.COMPONENT,
                List.of(),
                m -> Set.of());
        // a pod placed on a node (or a new one) re-reconciles its Collector at once: the node gets its slot
        var pods = CachedSecondaries.informer(
                context,
                Pod.class,
                Collector.class,
                PODS,
                Labels.NAME + "=kubeli-collector",
                settings.liNamespaces(),
                p -> {
                    String instance = p.getMetadata().getLabels() == null
                            ? null
                            : p.getMetadata().getLabels().get(Labels.INSTANCE);
                    return instance == null
                            ? Set.of()
                            : Set.of(new ResourceID(instance, p.getMetadata().getNamespace()));
                });
        return List.of(mediators, secrets, ledgers, pods);
    }

    @Override
    public UpdateControl<Collector> reconcile(Collector c, Context<Collector> context) {
        // observe
        String ns = c.getMetadata().getNamespace();
        String ref = c.getSpec() == null ? null : c.getSpec().getMediatorRef();
        Mediator mediator = ReferenceEventSources.referenced(context, Mediator.class, ns, ref);
        // validate
        ConditionSet conditions = new ConditionSet();
        List<String> problems = CollectorValidation.problems(c.getSpec());
        CollectorStatus owned = emptyStatus();
        // assigned slots are never dropped, whatever else this reconcile finds
        owned.setCinSlots(
                c.getStatus() == null || c.getStatus().getCinSlots() == null
                        ? new TreeMap<>()
                        : new TreeMap<>(c.getStatus().getCinSlots()));
        if (!problems.isEmpty()) {
            conditions.invalidSpec(problems);
            return status(c, owned, conditions, context);
        }
        conditions.set(KubeLi.CONDITION_VALID, true, "Valid", "spec is valid");
        // apply: the Collector's own client certificate first (the DaemonSet mounts it), then the workloads
        KubernetesClient client = context.getClient();
        MediatorLink link = MediatorLink.of(ref, ns, mediator, c.getMetadata().getName());
        Duration recheck = null;
        if (mediator != null
                && mediator.getSpec() != null
                && mediator.getSpec().getTls() != null
                && Boolean.TRUE.equals(mediator.getSpec().getTls().getOperatorManaged())) {
            Instant next = ensureCertificate(c, ref, context, conditions);
            recheck = next == null
                    ? CA_RETRY
                    : min(null, Duration.between(clock.instant(), next).plusSeconds(1));
        } else {
            conditions.set(
                    CONDITION_TLS_READY,
                    true,
                    link.tlsSecret() == null ? "Plaintext" : "SecretReferenced",
                    link.tlsSecret() == null ? "the link is not encrypted" : "using Secret " + link.tlsSecret());
        }
        new CollectorInputs(link, CollectorConfig.configMap(c, link), settings).put(context);
        if (!Forbidden.reconcileWorkflow(context, c.getMetadata().getNamespace(), conditions)) {
            return status(c, owned, conditions, context).rescheduleAfter(FORBIDDEN_RETRY);
        }
        // CIN slots of the nodes the DaemonSet runs on (C3)
        DaemonSet ds = context.getSecondaryResource(DaemonSet.class).orElse(null);
        try {
            recheck = min(
                    recheck,
                    assignCinSlots(
                            c,
                            context,
                            ds,
                            CachedSecondaries.get(context, ConfigMap.class, LEDGERS, ns, Names.CIN_SLOT_LEDGER),
                            owned,
                            conditions));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // the ledger moved on since the cache showed it (another Collector's assignment, or a cache behind): no
                // slot was given, the status keeps what it had; look again once the cache has caught up
                conditions.set(
                        CONDITION_CIN_SLOTS,
                        false,
                        "LedgerConflict",
                        "the CIN slot ledger " + Names.CIN_SLOT_LEDGER
                                + " changed during the assignment (or exists without its label " + Labels.COMPONENT
                                + "="
                                + CinSlots.COMPONENT + "); no slot given, retrying");
                recheck = min(recheck, LEDGER_RETRY);
            } else if (e.getCode() != 403) {
                throw e;
            } else {
                // no Pod list / ledger access here: no slot is given, so the collectors intercept nothing (safe); say
                // why
                conditions.set(CONDITION_CIN_SLOTS, false, Forbidden.REASON, Forbidden.message(ns, e));
                recheck = min(recheck, FORBIDDEN_RETRY);
            }
        }
        // status
        int desired = ds == null || ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null
                ? 0
                : ds.getStatus().getDesiredNumberScheduled();
        int ready = ds == null || ds.getStatus() == null || ds.getStatus().getNumberReady() == null
                ? 0
                : ds.getStatus().getNumberReady();
        owned.setDesiredNodes(desired);
        owned.setReadyNodes(ready);
        boolean mediatorReady = mediator != null
                && mediator.getStatus() != null
                && ConditionSet.isTrue(mediator.getStatus().getConditions(), KubeLi.CONDITION_READY);
        conditions.set(
                CONDITION_MEDIATOR_READY,
                mediatorReady,
                mediator == null ? "MediatorNotFound" : mediatorReady ? "MediatorReady" : "MediatorNotReady",
                mediator == null
                        ? "Mediator " + ref + " does not exist"
                        : "Mediator " + ref + (mediatorReady ? " is ready" : " is not ready"));
        boolean available = desired > 0 && ready == desired;
        conditions.set(
                CONDITION_AVAILABLE,
                available,
                available ? "AllNodesReady" : desired == 0 ? "NoNodes" : "NodesNotReady",
                ready + " of " + desired + " capture pods ready");
        boolean allReady = available && mediatorReady;
        conditions.set(
                KubeLi.CONDITION_READY,
                allReady,
                allReady ? "Ready" : !available ? "CapturePodsNotReady" : "MediatorNotReady",
                allReady
                        ? "capturing on " + ready + " node(s)"
                        : ready + " of " + desired + " capture pods ready"
                                + (mediatorReady ? "" : ", mediator not ready"));
        UpdateControl<Collector> control = status(c, owned, conditions, context);
        if (recheck != null) {
            control.rescheduleAfter(recheck.isNegative() ? Duration.ZERO : recheck);
        }
        return control;
    }

    /** The Collector's pods from the pod informer (live without a controller: a unit test's stub context). */
    private static List<Pod> pods(Context<Collector> context, Collector c) {
        var selector = Labels.selector("collector", c);
        if (context.getControllerConfiguration() == null) {
            return context.getClient()
                    .pods()
                    .inNamespace(c.getMetadata().getNamespace())
                    .withLabels(selector)
                    .list()
                    .getItems();
        }
        @SuppressWarnings("unchecked")
        var cache = (io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource<Pod, Collector>)
                context.eventSourceRetriever().getEventSourceFor(Pod.class, PODS);
        return cache.list(
                        c.getMetadata().getNamespace(),
                        p -> p.getMetadata().getLabels() != null
                                && p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .toList();
    }

    /** The Collectors of {@code ns} from the primary cache (live without a controller: a unit test's stub context). */
    private static List<Collector> collectors(Context<Collector> context, String ns) {
        return context.getControllerConfiguration() == null
                ? context.getClient()
                        .resources(Collector.class)
                        .inNamespace(ns)
                        .list()
                        .getItems()
                : context.getPrimaryCache().list(ns).toList();
    }

    private static Duration min(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Issues or renews the Collector's client certificate with its Mediator's CA (both from the Secret informer's
     * cache); returns its renewal time, or null while the Mediator has no CA yet (or the Secret cannot be written).
     */
    Instant ensureCertificate(Collector c, String mediatorRef, Context<Collector> context, ConditionSet conditions) {
        String ns = c.getMetadata().getNamespace();
        KubernetesClient client = context.getClient();
        try {
            if (!settings.isLiNamespace(ns)) {
                throw new KubernetesClientException("secrets not granted in " + ns, 403, null);
            }
            Secret ca = CachedSecondaries.get(context, Secret.class, SECRETS, ns, Names.caSecret(mediatorRef));
            Secret server =
                    CachedSecondaries.get(context, Secret.class, SECRETS, ns, Names.serverTlsSecret(mediatorRef));
            Secret mine = CachedSecondaries.get(
                    context,
                    Secret.class,
                    SECRETS,
                    ns,
                    Names.collectorTlsSecret(c.getMetadata().getName()));
            CollectorCertificate.Plan plan = CollectorCertificate.plan(c, ca, server, mine, clock.instant(), settings);
            if (plan == null) {
                conditions.set(
                        CONDITION_TLS_READY,
                        false,
                        "CertificateAuthorityMissing",
                        "Mediator " + mediatorRef + " has no CA yet; the client certificate follows");
                return null;
            }
            if (plan.toWrite() != null) {
                CachedSecondaries.write(context, Secret.class, SECRETS, plan.toWrite(), mine);
                new EventRecorder(client, clock)
                        .record(
                                c,
                                EventReason.CERTIFICATE_ISSUED,
                                "issued "
                                        + plan.toWrite().getMetadata().getName() + " ("
                                        + Names.collectorCommonName(
                                                c.getMetadata().getName())
                                        + "); next rotation at " + plan.nextRotation());
            }
            conditions.set(
                    CONDITION_TLS_READY,
                    true,
                    "OperatorManaged",
                    "client certificate "
                            + Names.collectorCommonName(c.getMetadata().getName()) + " valid; next rotation at "
                            + plan.nextRotation());
            return plan.nextRotation();
        } catch (KubernetesClientException e) {
            // 403: the operator may only manage Secrets in the namespaces its chart names (liNamespaces); 409: the
            // Secret
            // changed under the write (or exists without the operator's labels, so the cache does not show it)
            conditions.set(
                    CONDITION_TLS_READY,
                    false,
                    "SecretsUnavailable",
                    "cannot manage the client certificate in "
                            + ns + ": HTTP " + e.getCode()
                            + (e.getCode() == 409
                                    ? " (changed meanwhile, or not labelled " + Labels.MANAGED_SELECTOR + "); retrying"
                                    : e.getCode() == 403 ? " (add it to the chart's liNamespaces)" : ""));
            return null;
        }
    }

    /**
     * Gives every node with a pod of the DaemonSet a CIN slot (kept once given; recorded in the namespace's ledger so
     * that no other instance ever gets it). {@code ledger} is the ledger as the cache shows it (null: none); every
     * new or re-seeded slot is written into it as its successor, so a stale ledger fails the write with 409 and gives
     * nothing (the caller retries). Returns when to look again (pods not yet placed), or null.
     */
    Duration assignCinSlots(
            Collector c,
            Context<Collector> context,
            DaemonSet ds,
            ConfigMap ledger,
            CollectorStatus owned,
            ConditionSet conditions) {
        KubernetesClient client = context.getClient();
        String ns = c.getMetadata().getNamespace();
        Map<String, Integer> before = c.getStatus() == null || c.getStatus().getCinSlots() == null
                ? Map.of()
                : c.getStatus().getCinSlots();
        owned.setCinSlots(new TreeMap<>(before));
        if (ds == null) {
            return null;
        }
        if (!settings.isLiNamespace(ns)) {
            // not in liNamespaces: no pod informer there (the chart grants Pods only there); no slot, a clear condition
            throw new KubernetesClientException("pods not granted in " + ns, 403, null);
        }
        List<Pod> pods = pods(context, c);
        Set<String> nodes = new TreeSet<>();
        boolean unplaced = false;
        for (Pod p : pods) {
            String node = CinSlots.node(p);
            if (node == null) {
                unplaced = true;
            } else {
                nodes.add(node);
            }
        }
        int desired = ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null
                ? 0
                : ds.getStatus().getDesiredNumberScheduled();
        Duration recheck = unplaced || nodes.size() < desired ? SLOT_RETRY : null;
        if (nodes.isEmpty() && before.isEmpty()) {
            return recheck;
        }
        // the ledger is consulted every time: a status edited by hand cannot claim another instance's slot
        Map<String, String> entries = ledger == null || ledger.getData() == null ? Map.of() : ledger.getData();
        Set<Integer> usedElsewhere = new java.util.HashSet<>();
        boolean allocating = !before.keySet().containsAll(nodes) || ledger == null;
        for (Collector other : allocating ? collectors(context, ns) : List.<Collector>of()) {
            if (!other.getMetadata().getName().equals(c.getMetadata().getName())
                    && other.getStatus() != null
                    && other.getStatus().getCinSlots() != null) {
                usedElsewhere.addAll(other.getStatus().getCinSlots().values());
            }
        }
        CinSlots.Assignment a = CinSlots.assign(c, nodes, entries, usedElsewhere);
        if (!a.ledgerAdditions().isEmpty()) {
            // optimistic locking: a concurrent assignment (another Collector) or a stale cache fails this with 409
            ConfigMap next = ledger == null ? CinSlots.newLedger(ns) : new ConfigMapBuilder(ledger).build();
            Map<String, String> data = new TreeMap<>(entries);
            data.putAll(a.ledgerAdditions());
            next.setData(data);
            CachedSecondaries.write(context, ConfigMap.class, LEDGERS, next, ledger);
        }
        owned.setCinSlots(new TreeMap<>(a.slots()));
        EventRecorder events = new EventRecorder(client, clock);
        if (!a.conflicts().isEmpty()) {
            events.record(
                    c,
                    EventReason.CIN_SLOT_CONFLICT,
                    "status.cinSlots of node(s) " + a.conflicts() + " named slots the ledger " + Names.CIN_SLOT_LEDGER
                            + " gives to other instances; new slots assigned");
        }
        if (!a.exhausted().isEmpty()) {
            String msg = "no CIN slot left in namespace " + ns + " (" + CinSlots.SLOTS + " were given out) for node(s) "
                    + a.exhausted() + ": their collectors intercept nothing";
            events.record(c, EventReason.CIN_SLOTS_EXHAUSTED, msg);
            conditions.set(CONDITION_CIN_SLOTS, false, "CinSlotsExhausted", msg);
        } else {
            conditions.set(CONDITION_CIN_SLOTS, true, "Assigned", a.slots().size() + " node(s) have a CIN slot");
        }
        return recheck;
    }

    private UpdateControl<Collector> status(
            Collector c, CollectorStatus owned, ConditionSet conditions, Context<Collector> context) {
        return StatusPatch.withConditions(
                c,
                owned,
                conditions,
                clock.instant(),
                CollectorReconciler::emptyStatus,
                CollectorReconciler::copyOwned,
                context);
    }

    static CollectorStatus emptyStatus() {
        CollectorStatus s = new CollectorStatus();
        s.setConditions(null);
        s.setNodes(null);
        return s;
    }

    /** Copies the operator-owned fields (desired/ready nodes, CIN slots, conditions, observedGeneration). */
    static void copyOwned(CollectorStatus from, CollectorStatus to) {
        to.setCinSlots(from.getCinSlots());
        to.setDesiredNodes(from.getDesiredNodes());
        to.setReadyNodes(from.getReadyNodes());
        to.setConditions(from.getConditions());
        to.setObservedGeneration(from.getObservedGeneration());
    }
}
