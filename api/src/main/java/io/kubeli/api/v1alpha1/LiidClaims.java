package io.kubeli.api.v1alpha1;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one rule, shared by the operator, collectors and mediators, for which Intercept owns an LIID when several
 * claim it: the earliest {@code creationTimestamp} wins (absent ones, as in YAML files, count as latest), ties are
 * broken by {@code namespace/name}. Every other claimant is refused, naming the owner.
 */
public final class LiidClaims {
    private LiidClaims() {}

    /** The identity of an Intercept: {@code namespace/name} (just {@code name} without a namespace). */
    public static String identity(Intercept i) {
        var m = i.getMetadata();
        if (m == null || m.getName() == null) {
            return "?";
        }
        return m.getNamespace() == null || m.getNamespace().isEmpty()
                ? m.getName()
                : m.getNamespace() + "/" + m.getName();
    }

    /**
     * The refused Intercepts of {@code intercepts}: identity of each refused one to the identity of the Intercept
     * that owns its LIID. Intercepts without a spec or LIID are ignored here (rejected elsewhere).
     */
    public static Map<String, String> refused(Collection<Intercept> intercepts) {
        Map<String, Intercept> owners = new HashMap<>();
        for (Intercept i : intercepts) {
            if (i.getSpec() == null || i.getSpec().getLiid() == null) {
                continue;
            }
            owners.merge(i.getSpec().getLiid(), i, (a, b) -> ORDER.compare(a, b) <= 0 ? a : b);
        }
        Map<String, String> refused = new LinkedHashMap<>();
        for (Intercept i : intercepts) {
            if (i.getSpec() == null || i.getSpec().getLiid() == null) {
                continue;
            }
            Intercept owner = owners.get(i.getSpec().getLiid());
            String id = identity(i);
            if (owner != i && !identity(owner).equals(id)) {
                refused.put(id, identity(owner));
            }
        }
        return refused;
    }

    /** Earliest creation first (absent last), then by identity. */
    static final Comparator<Intercept> ORDER = Comparator.comparing(
                    LiidClaims::created, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(LiidClaims::identity);

    private static Instant created(Intercept i) {
        String ts = i.getMetadata() == null ? null : i.getMetadata().getCreationTimestamp();
        if (ts == null) {
            return null;
        }
        try {
            return Instant.parse(ts);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
