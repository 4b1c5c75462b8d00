package io.kubeli.operator.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 19, in-process: a graceful stop never exits from the callback and releases the Lease; a lost one exits 1. */
@EnableKubernetesMockClient(crud = true, https = false)
class LeaderLeaseTest {
    static KubernetesClient client;

    private static LeaderLease lease(List<Integer> exits) {
        return new LeaderLease("leader", "ops", "me", LeaderLease.Timing.DEFAULTS, exits::add);
    }

    private static void holder(String who) {
        ZonedDateTime now = ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS);
        client.leases()
                .inNamespace("ops")
                .resource(new LeaseBuilder()
                        .withNewMetadata()
                        .withName("leader")
                        .withNamespace("ops")
                        .endMetadata()
                        .withNewSpec()
                        .withHolderIdentity(who)
                        .withLeaseDurationSeconds(15)
                        .withAcquireTime(now)
                        .withRenewTime(now)
                        .endSpec()
                        .build())
                .createOr(r -> r.update());
    }

    @Test
    void losingTheLeaseWhileRunningEndsTheProcessOnce() {
        List<Integer> exits = new ArrayList<>();
        LeaderLease l = lease(exits);
        l.onStopLeading();
        l.onStopLeading();
        assertEquals(List.of(1), exits);
        assertTrue(l.lostWhileRunning());
    }

    @Test
    void gracefulStopDoesNotExitFromTheCallbackAndReleasesTheLease() {
        List<Integer> exits = new ArrayList<>();
        LeaderLease l = lease(exits);
        assertFalse(l.configuration().isExitOnStopLeading(), "JOSDK must never call System.exit itself");
        holder("me");
        l.stopping();
        l.onStopLeading(); // JOSDK cancels the election while stopping
        assertEquals(List.of(), exits);
        assertTrue(l.release(client));
        Lease after = client.leases().inNamespace("ops").withName("leader").get();
        assertNull(after.getSpec().getHolderIdentity(), "a standby may take it at once");
        assertEquals(1, after.getSpec().getLeaseDurationSeconds());
    }

    @Test
    void releaseNeverTouchesALeaseSomeoneElseHolds() {
        LeaderLease l = lease(new ArrayList<>());
        holder("other");
        assertFalse(l.release(client));
        assertEquals(
                "other",
                client.leases()
                        .inNamespace("ops")
                        .withName("leader")
                        .get()
                        .getSpec()
                        .getHolderIdentity());
        client.leases().inNamespace("ops").withName("leader").delete();
        assertFalse(l.release(client), "no Lease: nothing to release");
    }

    @Test
    void inconsistentTimingIsRefusedWithOneLine() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new LeaderLease.Timing(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("kubeli.leader-election: need lease-duration > renew-deadline"));
    }
}
