package io.kubeli.mediator.config;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.LiidClaims;
import java.util.HashMap;
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
    private volatile Claims claims = new Claims(-1, Map.of(), Map.of());

    /** The LIID owners (contract C1, {@link LiidClaims}) of one catalog version. */
    private record Claims(long version, Map<String, Intercept> owners, Map<String, String> refused) {}

    public Agency agency(String name) {
        return name == null ? null : agencies.get(name);
    }

    public Intercept intercept(String name) {
        return name == null ? null : intercepts.get(name);
    }

    public Map<String, Agency> agencies() {
        return Map.copyOf(agencies);
    }

    public Map<String, Intercept> intercepts() {
        return Map.copyOf(intercepts);
    }

    /** The Intercept that owns {@code liid} (the earliest created claimant), or null when no Intercept has it. */
    public Intercept owner(String liid) {
        return liid == null ? null : claims().owners.get(liid);
    }

    /** The identity of the Intercept owning the LIID that Intercept {@code name} claims when it is refused, else null. */
    public String refusedBy(String name) {
        return claims().refused.get(name);
    }

    // recomputed once per catalog change; reads between changes are lock-free
    private Claims claims() {
        Claims c = claims;
        long v = version;
        if (c.version == v) return c;
        Map<String, Intercept> all = Map.copyOf(intercepts);
        Map<String, String> refusedIds = LiidClaims.refused(all.values());
        Map<String, String> refused = new HashMap<>();
        Map<String, Intercept> owners = new HashMap<>();
        for (Intercept i : all.values()) {
            String id = LiidClaims.identity(i);
            if (refusedIds.containsKey(id)) refused.put(i.getMetadata().getName(), refusedIds.get(id));
            else if (i.getSpec() != null && i.getSpec().getLiid() != null)
                owners.put(i.getSpec().getLiid(), i);
        }
        c = new Claims(v, Map.copyOf(owners), Map.copyOf(refused));
        claims = c;
        return c;
    }

    /** Incremented on every change (routing caches compare it). */
    public long version() {
        return version;
    }

    public void onChange(Runnable r) {
        listeners.add(r);
    }

    public void putAgency(Agency a) {
        agencies.put(a.getMetadata().getName(), a);
        changed();
    }

    public void removeAgency(String name) {
        if (agencies.remove(name) != null) changed();
    }

    public void putIntercept(Intercept i) {
        intercepts.put(i.getMetadata().getName(), i);
        changed();
    }

    public void removeIntercept(String name) {
        if (intercepts.remove(name) != null) changed();
    }

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
