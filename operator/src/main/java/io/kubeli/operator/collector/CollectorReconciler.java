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
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.common.StatusPatch;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reconciles a Collector into a ConfigMap, ServiceAccount, Role, RoleBinding and DaemonSet. */
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
@RBACRule(apiGroups = "", resources = "events", verbs = {"create", "patch"})
@ControllerConfiguration(name = "collector",
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class CollectorReconciler implements Reconciler<Collector> {
  /** Condition: the referenced Mediator exists and is Ready. */
  public static final String CONDITION_MEDIATOR_READY = "MediatorReady";
  /** Condition: capture pods run on every selected node. */
  public static final String CONDITION_AVAILABLE = "Available";

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
    Mediator mediator = ref == null || ref.isBlank() ? null
        : context.getClient().resources(Mediator.class).inNamespace(ns).withName(ref).get();
    // validate
    ConditionSet conditions = new ConditionSet();
    List<String> problems = CollectorValidation.problems(c.getSpec());
    CollectorStatus owned = emptyStatus();
    if (!problems.isEmpty()) {
      conditions.invalidSpec(problems);
      return status(c, owned, conditions, context);
    }
    conditions.set(KubeLi.CONDITION_VALID, true, "Valid", "spec is valid");
    // apply
    MediatorLink link = MediatorLink.of(ref, ns, mediator);
    new CollectorInputs(link, CollectorConfig.configMap(c, link), settings).put(context);
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    // status
    DaemonSet ds = context.getSecondaryResource(DaemonSet.class).orElse(null);
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
    return status(c, owned, conditions, context);
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

  /** Copies the operator-owned fields (desired/ready nodes, conditions, observedGeneration). */
  static void copyOwned(CollectorStatus from, CollectorStatus to) {
    to.setDesiredNodes(from.getDesiredNodes());
    to.setReadyNodes(from.getReadyNodes());
    to.setConditions(from.getConditions());
    to.setObservedGeneration(from.getObservedGeneration());
  }
}
