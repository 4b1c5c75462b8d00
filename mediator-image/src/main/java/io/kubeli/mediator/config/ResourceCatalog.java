package io.kubeli.mediator.config;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The Agencies and Intercepts the mediator currently knows, from YAML files or the API server, keyed by name. */
public final class ResourceCatalog {
    private final Map<String, Agency> agencies = new ConcurrentHashMap<>();
    private final Map<String, Intercept> intercepts = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile long version;

    public Agency agency(String name) { return name == null ? null : agencies.get(name); }

    public Intercept intercept(String name) { return name == null ? null : intercepts.get(name); }

    public Map<String, Agency> agencies() { return Map.copyOf(agencies); }

    public Map<String, Intercept> intercepts() { return Map.copyOf(intercepts); }

    /** Incremented on every change (routing caches compare it). */
    public long version() { return version; }

    public void onChange(Runnable r) { listeners.add(r); }

    public void putAgency(Agency a) { agencies.put(a.getMetadata().getName(), a); changed(); }

    public void removeAgency(String name) { if (agencies.remove(name) != null) changed(); }

    public void putIntercept(Intercept i) { intercepts.put(i.getMetadata().getName(), i); changed(); }

    public void removeIntercept(String name) { if (intercepts.remove(name) != null) changed(); }

    /** Replaces everything at once (a reload of the config directory). */
    public void replaceAll(Map<String, Agency> a, Map<String, Intercept> i) {
        agencies.keySet().retainAll(a.keySet());
        agencies.putAll(a);
        intercepts.keySet().retainAll(i.keySet());
        intercepts.putAll(i);
        changed();
    }

    private void changed() {
        version++;
        for (Runnable r : listeners) r.run();
    }
}
