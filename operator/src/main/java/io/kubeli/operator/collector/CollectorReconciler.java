package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.kubeli.operator.common.ReferenceEventSources;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.kubeli.api.v1alpha1.Collector;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import io.kubeli.api.v1alpha1.CollectorStatus;
import io.kubeli.api.v1alpha1.KubeLi;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.Forbidden;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.common.StatusPatch;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kubeli.operator.common.EventReason;
import io.kubeli.operator.common.EventRecorder;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;
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
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(type = ConfigMapDependentResource.class),
    @Dependent(type = ServiceAccountDependentResource.class),
    @Dependent(type = RoleDependentResource.class),
    @Dependent(type = RoleBindingDependentResource.class),
    @Dependent(type = DaemonSetDependentResource.class)})
// Beyond the generated rules for the dependents: read the referenced Mediator, write Events, and hold what the
// collector Role grants (RBAC forbids granting what one does not hold).
@RBACRule(apiGroups = KubeLi.GROUP, resources = "mediators", verbs = {"get", "list", "watch"})
@RBACRule(apiGroups = KubeLi.GROUP, resources = {"intercepts", "agencies"}, verbs = {"get", "list", "watch"})
@RBACRule(apiGroups = "", resources = "events", verbs = {"get", "create", "update", "patch"})
// the Collector's client certificate (by name, no list/watch), the CIN slot ledger, the DaemonSet's pods (list)
@RBACRule(apiGroups = "", resources = "secrets", verbs = {"get", "create", "update"})
@RBACRule(apiGroups = "", resources = "pods", verbs = "list")
@ControllerConfiguration(name = "collector",
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

  private final OperatorSettings settings;
  private final Clock clock;

  @Inject
  public CollectorReconciler(OperatorSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** A change of the referenced Mediator (TLS, port, readiness) re-reconciles its collectors. */
  @Override
  public List<EventSource<?, Collector>> prepareEventSources(EventSourceContext<Collector> context) {
    return List.of(ReferenceEventSources.of(context, Mediator.class, Collector.class,
        c -> c.getSpec() == null ? List.of() : List.of(String.valueOf(c.getSpec().getMediatorRef()))));
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
    owned.setCinSlots(c.getStatus() == null || c.getStatus().getCinSlots() == null ? new TreeMap<>()
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
    if (mediator != null && mediator.getSpec() != null && mediator.getSpec().getTls() != null
        && Boolean.TRUE.equals(mediator.getSpec().getTls().getOperatorManaged())) {
      Instant next = ensureCertificate(c, ref, client, conditions);
      recheck = next == null ? CA_RETRY : min(null, Duration.between(clock.instant(), next).plusSeconds(1));
    } else {
      conditions.set(CONDITION_TLS_READY, true, link.tlsSecret() == null ? "Plaintext" : "SecretReferenced",
          link.tlsSecret() == null ? "the link is not encrypted" : "using Secret " + link.tlsSecret());
    }
    new CollectorInputs(link, CollectorConfig.configMap(c, link), settings).put(context);
    try {
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    } catch (RuntimeException e) {
      var forbidden = Forbidden.find(e);
      if (forbidden == null) {
        throw e;
      }
      String msg = Forbidden.message(c.getMetadata().getNamespace(), forbidden);
      conditions.set(KubeLi.CONDITION_READY, false, Forbidden.REASON, msg);
      return status(c, owned, conditions, context).rescheduleAfter(FORBIDDEN_RETRY);
    }
    // CIN slots of the nodes the DaemonSet runs on (C3)
    DaemonSet ds = context.getSecondaryResource(DaemonSet.class).orElse(null);
    try {
      recheck = min(recheck, assignCinSlots(c, client, ds, owned, conditions));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      // no Pod list / ledger access here: no slot is given, so the collectors intercept nothing (safe), and say why
      conditions.set(CONDITION_CIN_SLOTS, false, Forbidden.REASON, Forbidden.message(ns, e));
      recheck = min(recheck, FORBIDDEN_RETRY);
    }
    // status
    int desired = ds == null || ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null
        ? 0 : ds.getStatus().getDesiredNumberScheduled();
    int ready = ds == null || ds.getStatus() == null || ds.getStatus().getNumberReady() == null
        ? 0 : ds.getStatus().getNumberReady();
    owned.setDesiredNodes(desired);
    owned.setReadyNodes(ready);
    boolean mediatorReady = mediator != null && mediator.getStatus() != null
        && ConditionSet.isTrue(mediator.getStatus().getConditions(), KubeLi.CONDITION_READY);
    conditions.set(CONDITION_MEDIATOR_READY, mediatorReady, mediator == null ? "MediatorNotFound"
        : mediatorReady ? "MediatorReady" : "MediatorNotReady",
        mediator == null ? "Mediator " + ref + " does not exist" : "Mediator " + ref
            + (mediatorReady ? " is ready" : " is not ready"));
    boolean available = desired > 0 && ready == desired;
    conditions.set(CONDITION_AVAILABLE, available, available ? "AllNodesReady" : desired == 0 ? "NoNodes" : "NodesNotReady",
        ready + " of " + desired + " capture pods ready");
    boolean allReady = available && mediatorReady;
    conditions.set(KubeLi.CONDITION_READY, allReady, allReady ? "Ready" : !available ? "CapturePodsNotReady" : "MediatorNotReady",
        allReady ? "capturing on " + ready + " node(s)" : ready + " of " + desired + " capture pods ready"
            + (mediatorReady ? "" : ", mediator not ready"));
    UpdateControl<Collector> control = status(c, owned, conditions, context);
    if (recheck != null) {
      control.rescheduleAfter(recheck.isNegative() ? Duration.ZERO : recheck);
    }
    return control;
  }

  private static Duration min(Duration a, Duration b) {
    return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Issues or renews the Collector's client certificate with its Mediator's CA (read by name; no list/watch of
   * Secrets); returns its renewal time, or null while the Mediator has no CA yet.
   */
  Instant ensureCertificate(Collector c, String mediatorRef, KubernetesClient client, ConditionSet conditions) {
    String ns = c.getMetadata().getNamespace();
    var secrets = client.secrets().inNamespace(ns);
    try {
      Secret ca = secrets.withName(Names.caSecret(mediatorRef)).get();
      Secret server = secrets.withName(Names.serverTlsSecret(mediatorRef)).get();
      Secret mine = secrets.withName(Names.collectorTlsSecret(c.getMetadata().getName())).get();
      CollectorCertificate.Plan plan = CollectorCertificate.plan(c, ca, server, mine, clock.instant(), settings);
      if (plan == null) {
        conditions.set(CONDITION_TLS_READY, false, "CertificateAuthorityMissing",
            "Mediator " + mediatorRef + " has no CA yet; the client certificate follows");
        return null;
      }
      if (plan.toWrite() != null) {
        client.resource(plan.toWrite()).createOr(NonDeletingOperation::update);
        new EventRecorder(client, clock).record(c, EventReason.CERTIFICATE_ISSUED, "issued "
            + plan.toWrite().getMetadata().getName() + " (" + Names.collectorCommonName(c.getMetadata().getName())
            + "); next rotation at " + plan.nextRotation());
      }
      conditions.set(CONDITION_TLS_READY, true, "OperatorManaged", "client certificate "
          + Names.collectorCommonName(c.getMetadata().getName()) + " valid; next rotation at " + plan.nextRotation());
      return plan.nextRotation();
    } catch (KubernetesClientException e) {
      // e.g. 403: the operator may only manage Secrets in the namespaces its chart names (rbac.secretNamespaces)
      conditions.set(CONDITION_TLS_READY, false, "SecretsUnavailable", "cannot manage the client certificate in "
          + ns + ": HTTP " + e.getCode());
      return null;
    }
  }

  /**
   * Gives every node with a pod of the DaemonSet a CIN slot (kept once given; recorded in the namespace's ledger so
   * that no other instance ever gets it). Returns when to look again (pods not yet placed), or null.
   */
  Duration assignCinSlots(Collector c, KubernetesClient client, DaemonSet ds, CollectorStatus owned,
      ConditionSet conditions) {
    String ns = c.getMetadata().getNamespace();
    Map<String, Integer> before = c.getStatus() == null || c.getStatus().getCinSlots() == null ? Map.of()
        : c.getStatus().getCinSlots();
    owned.setCinSlots(new TreeMap<>(before));
    if (ds == null) {
      return null;
    }
    List<Pod> pods = client.pods().inNamespace(ns).withLabels(Labels.selector("collector", c)).list().getItems();
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
    int desired = ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null ? 0
        : ds.getStatus().getDesiredNumberScheduled();
    Duration recheck = unplaced || nodes.size() < desired ? SLOT_RETRY : null;
    if (nodes.isEmpty() && before.isEmpty()) {
      return recheck;
    }
    // the ledger is read every time: a status edited by hand cannot claim another instance's slot
    ConfigMap ledger = client.configMaps().inNamespace(ns).withName(Names.CIN_SLOT_LEDGER).get();
    Map<String, String> entries = ledger == null || ledger.getData() == null ? Map.of() : ledger.getData();
    Set<Integer> usedElsewhere = new java.util.HashSet<>();
    boolean allocating = !before.keySet().containsAll(nodes) || ledger == null;
    for (Collector other : allocating ? client.resources(Collector.class).inNamespace(ns).list().getItems()
        : List.<Collector>of()) {
      if (!other.getMetadata().getName().equals(c.getMetadata().getName()) && other.getStatus() != null
          && other.getStatus().getCinSlots() != null) {
        usedElsewhere.addAll(other.getStatus().getCinSlots().values());
      }
    }
    CinSlots.Assignment a = CinSlots.assign(c, nodes, entries, usedElsewhere);
    if (!a.ledgerAdditions().isEmpty()) {
      // optimistic locking: a concurrent assignment (another Collector) makes this fail with 409 and retry
      ConfigMap next = ledger == null ? CinSlots.newLedger(ns) : ledger;
      Map<String, String> data = new TreeMap<>(entries);
      data.putAll(a.ledgerAdditions());
      next.setData(data);
      if (ledger == null) {
        client.resource(next).create();
      } else {
        client.resource(next).update();
      }
    }
    owned.setCinSlots(new TreeMap<>(a.slots()));
    EventRecorder events = new EventRecorder(client, clock);
    if (!a.conflicts().isEmpty()) {
      events.record(c, EventReason.CIN_SLOT_CONFLICT, "status.cinSlots of node(s) " + a.conflicts()
          + " named slots the ledger " + Names.CIN_SLOT_LEDGER + " gives to other instances; new slots assigned");
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

  private UpdateControl<Collector> status(Collector c, CollectorStatus owned, ConditionSet conditions,
      Context<Collector> context) {
    List<io.fabric8.kubernetes.api.model.Condition> existing = c.getStatus() == null ? null : c.getStatus().getConditions();
    owned.setConditions(conditions.mergeInto(existing, c.getMetadata().getGeneration(), clock.instant()));
    owned.setObservedGeneration(c.getMetadata().getGeneration());
    return StatusPatch.ifChanged(c, owned, CollectorReconciler::emptyStatus, CollectorReconciler::copyOwned, context);
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
