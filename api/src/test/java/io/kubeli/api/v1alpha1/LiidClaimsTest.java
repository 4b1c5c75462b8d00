package io.kubeli.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiidClaimsTest {
    private static Intercept icpt(String ns, String name, String liid, String created) {
        Intercept i = new Intercept();
        i.setMetadata(new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName(name)
                .withCreationTimestamp(created)
                .build());
        InterceptSpec s = new InterceptSpec();
        s.setLiid(liid);
        i.setSpec(s);
        return i;
    }

    @Test
    void earliestCreatedOwnsTheLiidAndOthersAreRefusedNamingIt() {
        var a = icpt("ns", "b-first", "L1", "2026-01-01T00:00:00Z");
        var b = icpt("ns", "a-second", "L1", "2026-01-02T00:00:00Z");
        var c = icpt("ns", "other", "L2", null);
        assertEquals(Map.of("ns/a-second", "ns/b-first"), LiidClaims.refused(List.of(b, c, a)));
    }

    @Test
    void withoutTimestampsTheNameDecidesWhateverTheOrder() {
        var a = icpt(null, "alpha", "L1", null);
        var b = icpt(null, "beta", "L1", null);
        assertEquals(Map.of("beta", "alpha"), LiidClaims.refused(List.of(b, a)));
        assertEquals(Map.of("beta", "alpha"), LiidClaims.refused(List.of(a, b)));
        var stamped = icpt(null, "zeta", "L1", "2026-01-01T00:00:00Z");
        assertEquals(Map.of("alpha", "zeta", "beta", "zeta"), LiidClaims.refused(List.of(a, b, stamped)));
    }
}
