package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaPickTest {
    @Test
    void sameInstanceAlwaysReachesTheSameReplicaAndInstancesSpreadOverAll() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            int r = ReplicaPick.of("edge/node-" + i, 3);
            assertEquals(r, ReplicaPick.of("edge/node-" + i, 3));
            assertTrue(r >= 0 && r < 3);
            seen.add(r);
        }
        assertEquals(Set.of(0, 1, 2), seen);
        assertEquals(0, ReplicaPick.of("anything", 1));
        assertEquals(
                "m-" + ReplicaPick.of("edge/n1", 2) + ".m-pods", ReplicaPick.host("m-{replica}.m-pods", "edge/n1", 2));
    }

    @Test
    void aReplicaCountBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReplicaPick.of("x", 0));
    }
}
