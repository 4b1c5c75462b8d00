package io.kubeli.collector;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * In a cluster: Fabric8 informers on Intercepts and Agencies of the namespace and on this collector's own
 * Collector resource. Any event schedules a rebuild from the informer caches within 100 ms, so changes take
 * effect well within a second, without restart.
 */
public final class KubernetesSource implements InterceptSource {
    private static final Logger LOG = Logger.getLogger(KubernetesSource.class.getName());

    private final String namespace;
    private final String collectorName;
    private KubernetesClient client;
    private final boolean ownsClient;
    private SharedIndexInformer<Intercept> intercepts;
    private SharedIndexInformer<Agency> agencies;
    private SharedIndexInformer<Collector> collectors;
    private ScheduledExecutorService debounce;
    private final AtomicBoolean pending = new AtomicBoolean();

    /** @param namespace namespace to watch (null = the client's default); @param collectorName own Collector or null */
    public KubernetesSource(String namespace, String collectorName) {
        this(null, namespace, collectorName);
    }

    /** With a given client (tests, embedding); it is not closed by {@link #close}. null = build from kubeconfig. */
    public KubernetesSource(KubernetesClient client, String namespace, String collectorName) {
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
        debounce = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("intercepts-informer").unstarted(r));
        Runnable rebuild = () -> {
            pending.set(false);
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
        intercepts = client.resources(Intercept.class).inNamespace(ns).inform(h, 0);
        agencies = client.resources(Agency.class).inNamespace(ns).inform(h, 0);
        if (collectorName != null) {
            collectors = client.resources(Collector.class).inNamespace(ns).withName(collectorName).inform(h, 0);
        }
        LOG.info("watching Intercepts and Agencies in namespace " + ns);
        listener.accept(current());
    }

    /** A status write (the mediator's counters, every few seconds) changes nothing the target table depends on. */
    static boolean statusOnly(Object a, Object b) {
        if (!(a instanceof io.fabric8.kubernetes.api.model.HasMetadata x)
                || !(b instanceof io.fabric8.kubernetes.api.model.HasMetadata y)) {
            return false;
        }
        var m = x.getMetadata();
        var n = y.getMetadata();
        return m != null && n != null && m.getGeneration() != null && m.getGeneration().equals(n.getGeneration())
                && java.util.Objects.equals(m.getDeletionTimestamp(), n.getDeletionTimestamp())
                && java.util.Objects.equals(m.getLabels(), n.getLabels());
    }

    private void schedule(Runnable r) {
        if (pending.compareAndSet(false, true)) {
            debounce.schedule(r, 100, TimeUnit.MILLISECONDS);
        }
    }

    private ResourceSet current() {
        List<Collector> c = collectors == null ? List.of() : collectors.getStore().list();
        // an Intercept marked for deletion is revoked now: stop capturing and send its IRI-End while the mediator
        // still knows it (the operator's finalizer holds the object until the mediator confirms the final IRI)
        List<Intercept> live = intercepts.getStore().list().stream()
                .filter(i -> i.getMetadata() == null || i.getMetadata().getDeletionTimestamp() == null).toList();
        return new ResourceSet(live, agencies.getStore().list(), c.isEmpty() ? null : c.get(0));
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
