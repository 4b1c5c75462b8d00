package io.kubeli.collector;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * In a cluster: Fabric8 informers on Intercepts and Agencies of the namespace and on this collector's own
 * Collector resource. Any event schedules a rebuild from the informer caches within 100 ms, so changes take
 * effect well within a second, without restart. The informers hold raw (generic) resources and each one is
 * converted on its own: a resource that does not map to its class is rejected (one line naming it and the reason,
 * counted) and cannot stop the informer or the other resources.
 */
public final class KubernetesSource implements InterceptSource {
    private static final Logger LOG = Logger.getLogger(KubernetesSource.class.getName());

    private final String namespace;
    private final String collectorName;
    private KubernetesClient client;
    private final boolean ownsClient;
    // written by start(), read by rebuilds on the debounce thread
    private volatile SharedIndexInformer<GenericKubernetesResource> intercepts;
    private volatile SharedIndexInformer<GenericKubernetesResource> agencies;
    private volatile SharedIndexInformer<GenericKubernetesResource> collectors;
    private volatile boolean started;
    private Set<String> lastRejected = Set.of();
    private ScheduledExecutorService debounce;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final long debounceMillis;

    /** @param namespace namespace to watch (null = the client's default); @param collectorName own Collector or null */
    public KubernetesSource(String namespace, String collectorName) {
        this(null, namespace, collectorName);
    }

    /** With a given client (tests, embedding); it is not closed by {@link #close}. null = build from kubeconfig. */
    public KubernetesSource(KubernetesClient client, String namespace, String collectorName) {
        this(client, namespace, collectorName, 100);
    }

    /** With the delay between an event and its rebuild (tests: 0 makes start-up races likely). */
    KubernetesSource(KubernetesClient client, String namespace, String collectorName, long debounceMillis) {
        this.debounceMillis = debounceMillis;
        this.client = client;
        this.ownsClient = client == null;
        this.namespace = namespace;
        this.collectorName = collectorName;
    }

    @Override
    public void start(Consumer<ResourceSet> listener) {
        if (client == null) {
            client = new KubernetesClientBuilder().build();
        }
        String ns = namespace != null ? namespace : client.getNamespace();
        debounce = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("intercepts-informer").unstarted(r));
        Runnable rebuild = () -> {
            pending.set(false);
            if (!started) {
                return; // informers still being created: a set now would lack some kinds (e.g. no CIN slot)
            }
            try {
                listener.accept(current());
            } catch (RuntimeException e) {
                LOG.warning("cannot apply resource change: " + e.getMessage());
            }
        };
        ResourceEventHandler<Object> h = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                schedule(rebuild);
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                if (!statusOnly(oldObj, newObj)) {
                    schedule(rebuild);
                }
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                schedule(rebuild);
            }
        };
        intercepts = client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(Intercept.class))
                .inNamespace(ns)
                .inform(h, 0);
        agencies = client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(Agency.class))
                .inNamespace(ns)
                .inform(h, 0);
        if (collectorName != null) {
            collectors = client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(Collector.class))
                    .inNamespace(ns)
                    .withName(collectorName)
                    .inform(h, 0);
        }
        LOG.info("watching Intercepts and Agencies in namespace " + ns);
        started = true;
        // the first set on the thread of every rebuild: sets are computed and applied in order, so an older set can
        // never be applied after a newer one
        try {
            debounce.submit(() -> listener.accept(current())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the intercepts", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * A status write (the mediator's counters, every few seconds) changes nothing the target table depends on,
     * except a Collector's status.cinSlots (this instance's CIN slot, C3).
     */
    static boolean statusOnly(Object a, Object b) {
        if (!(a instanceof HasMetadata x) || !(b instanceof HasMetadata y)) {
            return false;
        }
        var m = x.getMetadata();
        var n = y.getMetadata();
        return m != null
                && n != null
                && m.getGeneration() != null
                && m.getGeneration().equals(n.getGeneration())
                && Objects.equals(m.getDeletionTimestamp(), n.getDeletionTimestamp())
                && Objects.equals(m.getLabels(), n.getLabels())
                && Objects.equals(cinSlots(a), cinSlots(b));
    }

    private static Object cinSlots(Object o) {
        if (o instanceof Collector c) {
            return c.getStatus() == null ? null : c.getStatus().getCinSlots();
        }
        if (o instanceof GenericKubernetesResource g && "Collector".equals(g.getKind())) {
            Object st = g.getAdditionalProperties().get("status");
            return st instanceof Map<?, ?> m ? m.get("cinSlots") : null;
        }
        return null;
    }

    private void schedule(Runnable r) {
        if (pending.compareAndSet(false, true)) {
            debounce.schedule(r, debounceMillis, TimeUnit.MILLISECONDS);
        }
    }

    private ResourceSet current() {
        List<String> rejected = new ArrayList<>();
        List<Collector> c =
                collectors == null ? List.of() : convert(collectors.getStore().list(), Collector.class, rejected);
        // an Intercept marked for deletion is revoked now: stop capturing and send its IRI-End while the mediator
        // still knows it (the operator's finalizer holds the object until the mediator confirms the final IRI)
        List<GenericKubernetesResource> live = intercepts.getStore().list().stream()
                .filter(i -> i.getMetadata() == null || i.getMetadata().getDeletionTimestamp() == null)
                .toList();
        List<Intercept> icpts = convert(live, Intercept.class, rejected);
        List<Agency> ags = convert(agencies.getStore().list(), Agency.class, rejected);
        Set<String> now = new HashSet<>(rejected);
        for (String r : rejected) {
            if (!lastRejected.contains(r)) {
                LOG.warning("resource " + r);
            }
        }
        lastRejected = now;
        return new ResourceSet(icpts, ags, c.isEmpty() ? null : c.get(0), rejected);
    }

    /** Converts each raw resource on its own; one that does not map is named in {@code rejected} (never values). */
    static <T> List<T> convert(List<GenericKubernetesResource> raw, Class<T> type, List<String> rejected) {
        List<T> out = new ArrayList<>(raw.size());
        for (GenericKubernetesResource g : raw) {
            try {
                out.add(Serialization.jsonMapper().convertValue(g, type));
            } catch (RuntimeException e) {
                String ns = g.getMetadata() == null ? null : g.getMetadata().getNamespace();
                String name = g.getMetadata() == null ? "?" : g.getMetadata().getName();
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                rejected.add(type.getSimpleName() + " " + (ns == null ? "" : ns + "/") + name + " rejected: "
                        + cause.getClass().getSimpleName());
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (debounce != null) {
            debounce.shutdownNow();
        }
        for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {intercepts, agencies, collectors}) {
            if (i != null) {
                i.close();
            }
        }
        if (client != null && ownsClient) {
            client.close();
        }
    }
}
