package io.kubeli.systemit;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.Mediator;
import java.time.Instant;

/** The custom resources the scenario applies (as YAML, like a user would) and the kubelet's workload status. */
final class Resources {
    private Resources() {}

    static Agency agency(String ns, String name, int hi2Port, int hi3Port) {
        return Serialization.unmarshal("""
        apiVersion: li.kubeli.io/v1alpha1
        kind: Agency
        metadata: {name: %s, namespace: %s}
        spec:
          hi2: {host: 127.0.0.1, port: %d}
          hi3: {host: 127.0.0.1, port: %d}
          countryCode: DE
          operatorId: kubeli-sysit
          keepalive: {interval: 2s, responseTimeout: 5s}
          reconnectBackoff: 1s
          timestampFormat: generalized
          etsiProfile: latest
        """.formatted(name, ns, hi2Port, hi3Port), Agency.class);
    }

    static Mediator mediator(String ns, String name) {
        return Serialization.unmarshal("""
        apiVersion: li.kubeli.io/v1alpha1
        kind: Mediator
        metadata: {name: %s, namespace: %s}
        spec:
          replicas: 1
          storage: {size: 1Gi}
          service: {port: 9100}
          tls: {operatorManaged: true}
          networkElementId: med-1
        """.formatted(name, ns), Mediator.class);
    }

    static Collector collector(String ns, String name, String mediator, String sourceUri) {
        return Serialization.unmarshal("""
        apiVersion: li.kubeli.io/v1alpha1
        kind: Collector
        metadata:
          name: %s
          namespace: %s
          labels: {site: lab}
        spec:
          sources:
            - uri: "%s"
          mediatorRef: %s
          networkElementId: edge-1
          threads: 1
        """.formatted(name, ns, sourceUri, mediator), Collector.class);
    }

    static Intercept intercept(
            String ns,
            String name,
            String liid,
            String agency,
            String mediator,
            String targetIp,
            long cin,
            Instant from,
            Instant until) {
        return Serialization.unmarshal(
                interceptYaml(
                        ns, name, liid, agency, mediator, from, until, "{ip: " + targetIp + ", cin: " + cin + "}"),
                Intercept.class);
    }

    /** An Intercept (CC and IRI, country DE) with one target, a YAML flow mapping such as {@code {radiusUser: alice}}. */
    static String interceptYaml(
            String ns,
            String name,
            String liid,
            String agency,
            String mediator,
            Instant from,
            Instant until,
            String target) {
        return """
        apiVersion: li.kubeli.io/v1alpha1
        kind: Intercept
        metadata: {name: %s, namespace: %s}
        spec:
          liid: %s
          agencyRef: %s
          mediatorRef: %s
          authorizationCountryCode: DE
          deliveryCountryCode: DE
          validFrom: "%s"
          validUntil: "%s"
          output: both
          targets:
            - %s
        """.formatted(name, ns, liid, agency, mediator, from, until, target);
    }

    /** What the StatefulSet controller would report once the mediator pod is ready. */
    static void statefulSetReady(KubernetesClient client, String ns, String name, int ready) {
        retryOnConflict(() -> {
            StatefulSet s =
                    client.apps().statefulSets().inNamespace(ns).withName(name).get();
            s.setStatus(new StatefulSetStatusBuilder()
                    .withReplicas(ready)
                    .withReadyReplicas(ready)
                    .withAvailableReplicas(ready)
                    .withCurrentReplicas(ready)
                    .withUpdatedReplicas(ready)
                    .withObservedGeneration(s.getMetadata().getGeneration())
                    .build());
            client.apps().statefulSets().inNamespace(ns).resource(s).updateStatus();
        });
    }

    /** What the DaemonSet controller would report once the collector pod on the one node is ready. */
    static void daemonSetReady(KubernetesClient client, String ns, String name, int ready) {
        retryOnConflict(() -> {
            DaemonSet d =
                    client.apps().daemonSets().inNamespace(ns).withName(name).get();
            d.setStatus(new DaemonSetStatusBuilder()
                    .withDesiredNumberScheduled(1)
                    .withCurrentNumberScheduled(1)
                    .withNumberReady(ready)
                    .withNumberAvailable(ready)
                    .withUpdatedNumberScheduled(1)
                    .withNumberMisscheduled(0)
                    .withObservedGeneration(d.getMetadata().getGeneration())
                    .build());
            client.apps().daemonSets().inNamespace(ns).resource(d).updateStatus();
        });
    }

    // the operator updates the same objects concurrently: re-read and retry on 409
    private static void retryOnConflict(Runnable r) {
        for (int i = 0; ; i++) {
            try {
                r.run();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || i >= 20) {
                    throw e;
                }
                PodProcess.sleep(100);
            }
        }
    }
}
