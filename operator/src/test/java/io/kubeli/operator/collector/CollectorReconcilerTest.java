package io.kubeli.operator.collector;

import static io.kubeli.operator.OperatorHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.MutableClock;
import io.kubeli.operator.OperatorHarness;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.OperatorSettings;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Collector reconciler against the mock API server: workloads, status and conditions, config roll. */
@EnableKubernetesMockClient(crud = true, https = false)
class CollectorReconcilerTest {
  static KubernetesClient client;

  @Test
  void collectorBecomesDaemonSetAndReportsNodes() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    try (var h = new OperatorHarness(client, new CollectorReconciler(OperatorSettings.defaults(), clock))) {
      client.resource(Fixtures.collector("collector-dpdk.yaml")).create();
      String name = "kubeli-collector-core-dpdk";
      DaemonSet ds = await("DaemonSet", () -> client.apps().daemonSets().inNamespace("li").withName(name).get());
      assertTrue(ds.getSpec().getTemplate().getSpec().getHostNetwork());
      assertEquals("core-dpdk", ds.getMetadata().getOwnerReferences().get(0).getName());
      ConfigMap cm = await("ConfigMap", () -> client.configMaps().inNamespace("li").withName(name).get());
      assertTrue(cm.getData().get(CollectorConfig.FILE).contains("mediator.address=kubeli-mediator-central.li.svc:9100"));
      await("ServiceAccount", () -> client.resources(ServiceAccount.class).inNamespace("li").withName(name).get());
      Role role = await("Role", () -> client.rbac().roles().inNamespace("li").withName(name).get());
      assertEquals("core-dpdk", role.getRules().get(1).getResourceNames().get(0));
      await("RoleBinding", () -> client.resources(RoleBinding.class).inNamespace("li").withName(name).get());

      Collector c = await("status", () -> {
        Collector x = client.resources(Collector.class).inNamespace("li").withName("core-dpdk").get();
        return x.getStatus() != null && x.getStatus().getConditions() != null && !x.getStatus().getConditions().isEmpty() ? x : null;
      });
      Condition ready = ConditionSet.find(c.getStatus().getConditions(), "Ready");
      assertEquals("False", ready.getStatus());
      assertEquals(1L, ready.getObservedGeneration());
      assertEquals("MediatorNotFound", ConditionSet.find(c.getStatus().getConditions(), "MediatorReady").getReason());
      assertEquals("True", ConditionSet.find(c.getStatus().getConditions(), "Valid").getStatus());

      // the DaemonSet controller reports 3 of 3 pods ready
      DaemonSet live = client.apps().daemonSets().inNamespace("li").withName(name).get();
      live.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(3).withNumberReady(3)
          .withCurrentNumberScheduled(3).withNumberMisscheduled(0).build());
      client.apps().daemonSets().inNamespace("li").resource(live).updateStatus();
      Collector reported = await("ready nodes", () -> {
        Collector x = client.resources(Collector.class).inNamespace("li").withName("core-dpdk").get();
        return Integer.valueOf(3).equals(x.getStatus().getReadyNodes()) ? x : null;
      });
      assertEquals(3, reported.getStatus().getDesiredNodes());
      assertEquals("True", ConditionSet.find(reported.getStatus().getConditions(), "Available").getStatus());

      // a config change rolls the pods through the checksum annotation
      String before = ds.getSpec().getTemplate().getMetadata().getAnnotations().get(Labels.CONFIG_CHECKSUM);
      Collector edit = client.resources(Collector.class).inNamespace("li").withName("core-dpdk").get();
      edit.getSpec().setThreads(8);
      client.resource(edit).update();
      String after = await("rolled checksum", () -> {
        String a = client.apps().daemonSets().inNamespace("li").withName(name).get()
            .getSpec().getTemplate().getMetadata().getAnnotations().get(Labels.CONFIG_CHECKSUM);
        return a.equals(before) ? null : a;
      });
      assertNotEquals(before, after);
      // the ConfigMap and the DaemonSet are separate dependents: the ConfigMap may land a moment later
      await("config map updated", () -> client.configMaps().inNamespace("li").withName(name).get().getData()
          .get(CollectorConfig.FILE).contains("threads=8") ? Boolean.TRUE : null);
    }
  }

  @Test
  void invalidCollectorGetsClearConditionAndNoWorkload() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    try (var h = new OperatorHarness(client, new CollectorReconciler(OperatorSettings.defaults(), clock))) {
      Collector c = Fixtures.collector("collector-dpdk.yaml");
      c.getMetadata().setName("bad");
      c.getSpec().setCpus(null);
      client.resource(c).create();
      Collector x = await("invalid status", () -> {
        Collector y = client.resources(Collector.class).inNamespace("li").withName("bad").get();
        return y.getStatus() != null && ConditionSet.find(y.getStatus().getConditions(), "Valid") != null ? y : null;
      });
      Condition valid = ConditionSet.find(x.getStatus().getConditions(), "Valid");
      assertEquals("False", valid.getStatus());
      assertEquals("InvalidSpec", valid.getReason());
      assertTrue(valid.getMessage().contains("dpdk sources need spec.cpus"));
      assertEquals(null, client.apps().daemonSets().inNamespace("li").withName("kubeli-collector-bad").get());
    }
  }
}
