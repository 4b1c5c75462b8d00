package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.AgencySpec;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptSpec;
import io.kubeli.api.v1alpha1.Target;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Informer-based source against Fabric8's CRUD mock API server: initial set and changes within a second. */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesSourceTest {
    KubernetesClient client;

    private static Intercept intercept(String name, String ip) {
        InterceptSpec s = new InterceptSpec();
        s.setLiid("L-" + name);
        s.setAgencyRef("lea");
        s.setMediatorRef("med");
        s.setAuthorizationCountryCode("DE");
        s.setDeliveryCountryCode("DE");
        s.setValidFrom(Instant.now().minusSeconds(60).toString());
        s.setValidUntil(Instant.now().plusSeconds(600).toString());
        s.setTargets(List.of(Target.ip(ip)));
        Intercept i = new Intercept();
        i.setMetadata(new ObjectMeta());
        i.getMetadata().setName(name);
        i.setSpec(s);
        return i;
    }

    private void createAgency() {
        AgencySpec as = new AgencySpec();
        as.setCountryCode("DE");
        as.setOperatorId("OP");
        Agency a = new Agency();
        a.setMetadata(new ObjectMeta());
        a.getMetadata().setName("lea");
        a.setSpec(as);
        client.resources(Agency.class).inNamespace("li").resource(a).create();
    }

    private void createIntercept(String name, String ip) {
        client.resources(Intercept.class)
                .inNamespace("li")
                .resource(intercept(name, ip))
                .create();
    }

    /** The first set within 5 s for which {@code done} holds, else the last one seen (null: none). */
    private static ResourceSet await(LinkedBlockingQueue<ResourceSet> q, java.util.function.Predicate<ResourceSet> done)
            throws InterruptedException {
        ResourceSet next = null;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && (next == null || !done.test(next))) {
            next = q.poll(100, TimeUnit.MILLISECONDS);
        }
        return next;
    }

    @Test
    void informersDeliverTheInitialSetAndChanges() throws Exception {
        createAgency();
        createIntercept("one", "198.18.2.1");
        LinkedBlockingQueue<ResourceSet> q = new LinkedBlockingQueue<>();
        try (KubernetesSource src = new KubernetesSource(client, "li", null)) {
            src.start(q::add);
            ResourceSet first = q.poll(5, TimeUnit.SECONDS);
            assertNotNull(first);
            assertEquals(1, first.intercepts().size());
            assertEquals(1, first.agencies().size());
            createIntercept("two", "198.18.2.2");
            ResourceSet next = await(q, n -> n.intercepts().size() == 2);
            assertNotNull(next);
            assertEquals(2, next.intercepts().size());
        }
    }

    @Test
    void anInterceptMarkedForDeletionIsRevokedAtOnce() throws Exception {
        createAgency();
        Intercept held = intercept("held", "198.18.2.3");
        held.getMetadata().setFinalizers(List.of("li.kubeli.io/final-iri")); // the operator's finalizer
        client.resources(Intercept.class).inNamespace("li").resource(held).create();
        LinkedBlockingQueue<ResourceSet> q = new LinkedBlockingQueue<>();
        try (KubernetesSource src = new KubernetesSource(client, "li", null)) {
            src.start(q::add);
            ResourceSet first = q.poll(5, TimeUnit.SECONDS);
            assertNotNull(first);
            assertEquals(1, first.intercepts().size());
            client.resources(Intercept.class).inNamespace("li").withName("held").delete();
            assertNotNull(
                    client.resources(Intercept.class)
                            .inNamespace("li")
                            .withName("held")
                            .get(),
                    "the finalizer keeps the object");
            ResourceSet next = await(q, n -> n.intercepts().isEmpty());
            assertNotNull(next);
            assertTrue(next.intercepts().isEmpty(), "capture for a deleted warrant stops before the object is gone");
        }
    }

    @Test
    void aResourceThatDoesNotMapIsRejectedAloneAndTheOthersKeepWorking() throws Exception {
        createAgency();
        createIntercept("good", "198.18.2.5");
        // what an older CRD schema or a hand-edited object can hold: before, one such item broke the whole list
        io.fabric8.kubernetes.api.model.GenericKubernetesResource bad =
                new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
        bad.setApiVersion("li.kubeli.io/v1alpha1");
        bad.setKind("Intercept");
        bad.setMetadata(new ObjectMeta());
        bad.getMetadata().setName("bad");
        bad.setAdditionalProperties(java.util.Map.of("spec", java.util.Map.of("liid", "LB", "targets", 7)));
        client.genericKubernetesResources(
                        io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.fromResourceType(
                                Intercept.class))
                .inNamespace("li")
                .resource(bad)
                .create();
        LinkedBlockingQueue<ResourceSet> q = new LinkedBlockingQueue<>();
        try (KubernetesSource src = new KubernetesSource(client, "li", null)) {
            src.start(q::add);
            ResourceSet first = q.poll(5, TimeUnit.SECONDS);
            assertNotNull(first);
            assertEquals(
                    List.of("good"),
                    first.intercepts().stream()
                            .map(i -> i.getMetadata().getName())
                            .toList());
            assertEquals(1, first.rejected().size(), first.rejected().toString());
            assertTrue(
                    first.rejected().get(0).startsWith("Intercept li/bad rejected: "),
                    first.rejected().toString());
            // deleting the good one takes effect although the bad one is still there
            client.resources(Intercept.class).inNamespace("li").withName("good").delete();
            ResourceSet next = await(q, n -> n.intercepts().isEmpty());
            assertNotNull(next);
            assertTrue(next.intercepts().isEmpty());
        }
    }

    /**
     * Found by RadiusSystemIT (a pcapfile: collector read its whole file intercepting nothing): an informer event
     * during start-up rebuilt the set on the informer thread before this Collector's informer existed (no CIN slot),
     * and that stale set could be applied after start()'s complete one, leaving the collector without its slot
     * until some later event. The debounce delay of 0 makes the start-up event's rebuild run at once.
     */
    @Test
    void aRebuildDuringStartUpNeverLeavesAStaleSetApplied() throws Exception {
        createAgency();
        createIntercept("one", "198.18.2.1");
        io.kubeli.api.v1alpha1.Collector c = new io.kubeli.api.v1alpha1.Collector();
        c.setMetadata(new ObjectMeta());
        c.getMetadata().setName("edge");
        c.setSpec(new io.kubeli.api.v1alpha1.CollectorSpec());
        client.resources(io.kubeli.api.v1alpha1.Collector.class)
                .inNamespace("li")
                .resource(c)
                .create();
        java.util.List<ResourceSet> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch complete = new java.util.concurrent.CountDownLatch(1);
        try (KubernetesSource src = new KubernetesSource(client, "li", "edge", 0)) {
            src.start(set -> {
                if (set.collector() == null) {
                    try { // the stale set arrives late: after the complete one, if nothing orders them
                        complete.await(2, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                applied.add(set);
                if (set.collector() != null) {
                    complete.countDown();
                }
            });
            Thread.sleep(2500); // a late stale set would have been applied by now
            assertFalse(applied.isEmpty());
            assertNotNull(
                    applied.getLast().collector(),
                    "the last set applied lacks this Collector: " + applied.size() + " set(s), collector per set "
                            + applied.stream().map(x -> x.collector() != null).toList());
        }
    }

    @Test
    void statusWritesDoNotRebuildTheTargetTable() {
        Intercept a = intercept("x", "198.18.2.4");
        a.getMetadata().setGeneration(3L);
        Intercept b = intercept("x", "198.18.2.4");
        b.getMetadata().setGeneration(3L);
        b.getMetadata().setResourceVersion("99");
        assertTrue(KubernetesSource.statusOnly(a, b));
        b.getMetadata().setDeletionTimestamp(Instant.now().toString());
        assertFalse(KubernetesSource.statusOnly(a, b));
        Intercept c = intercept("x", "198.18.2.4");
        c.getMetadata().setGeneration(4L);
        assertFalse(KubernetesSource.statusOnly(a, c));
    }
}
