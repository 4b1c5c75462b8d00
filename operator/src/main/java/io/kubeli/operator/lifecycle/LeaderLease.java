package io.kubeli.operator.lifecycle;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Leader election that stops cleanly (issue 19). JOSDK's own lost-lease handling calls System.exit(1) from the
 * callback that its graceful stop triggers, which deadlocks inside the JVM's shutdown hooks; so JOSDK is told not to
 * exit (exitOnStopLeading=false) and this class decides instead:
 * <ul>
 *   <li>lease lost while running (another holder, renewal failed): end the process with exit code 1 through the
 *       {@code exit} action (Quarkus.asyncExit, which stops reconciling first), so two operators never reconcile at
 *       once;</li>
 *   <li>graceful stop ({@link #stopping()} called before JOSDK stops): no exit from the callback; once the
 *       reconcilers have stopped, {@link #release(KubernetesClient)} empties the Lease's holder so a standby takes
 *       over at its next retry instead of after the lease duration.</li>
 * </ul>
 */
public final class LeaderLease {
    private static final Logger LOG = Logger.getLogger(LeaderLease.class);

    private final String leaseName;
    private final String leaseNamespace;
    private final String identity;
    private final IntConsumer exit;
    private final Timing timing;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean lost = new AtomicBoolean();

    /**
     * @param leaseNamespace null: the namespace of the client (as JOSDK infers it)
     * @param exit ends the process with the given code (tests record it instead)
     */
    public LeaderLease(String leaseName, String leaseNamespace, String identity, Timing timing, IntConsumer exit) {
        this.timing = Objects.requireNonNull(timing);
        this.leaseName = Objects.requireNonNull(leaseName);
        this.leaseNamespace = leaseNamespace;
        this.identity = Objects.requireNonNull(identity);
        this.exit = exit;
    }

    /**
     * Lease duration (a standby waits this long for a holder that vanished without releasing), renew deadline (a
     * leader that could not renew for this long stops) and retry period (how often a standby tries to acquire).
     */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timing DEFAULTS = new Timing(
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE);

        public Timing {
            if (!(retryPeriod.compareTo(Duration.ZERO) > 0
                    && renewDeadline.compareTo(retryPeriod) > 0
                    && leaseDuration.compareTo(renewDeadline) > 0)) {
                throw new IllegalArgumentException("kubeli.leader-election: need lease-duration > renew-deadline >"
                        + " retry-period > 0, not " + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
            }
        }
    }

    /** This process's identity in the Lease's holderIdentity. */
    public String identity() {
        return identity;
    }

    /**
     * The JOSDK configuration: this identity and timing, our callbacks, and exitOnStopLeading=false (JOSDK 5.3's
     * builder refuses that flag outside tests, so the public constructor is used; upstream issues 1614/2496/3376).
     */
    public LeaderElectionConfiguration configuration() {
        return new LeaderElectionConfiguration(
                leaseName,
                leaseNamespace,
                timing.leaseDuration(),
                timing.renewDeadline(),
                timing.retryPeriod(),
                identity,
                new LeaderCallbacks(
                        () -> LOG.infof("leading as %s (Lease %s)", identity, leaseName),
                        this::onStopLeading,
                        leader -> LOG.infof("leader is now %s", leader)),
                false);
    }

    /** Called by JOSDK when leadership ends: at a graceful stop, or because the lease was lost. */
    void onStopLeading() {
        if (stopping.get()) {
            LOG.info("stopped leading for shutdown");
            return;
        }
        if (lost.compareAndSet(false, true)) {
            LOG.error("lost the leader Lease " + leaseName
                    + " while running: exiting so that only one operator reconciles");
            exit.accept(1);
        }
    }

    /** Marks the start of a graceful stop: from now on the end of leadership is expected. */
    public void stopping() {
        stopping.set(true);
    }

    /** Whether the lease was lost while running (the process is ending with code 1). */
    public boolean lostWhileRunning() {
        return lost.get();
    }

    /**
     * After the reconcilers stopped: if this process still holds the Lease, empties its holder (lease duration 1 s),
     * so a standby acquires it at once. Uses a fresh client from {@code client}'s configuration, since JOSDK may have
     * closed its own. Best effort: any failure is logged and the Lease then simply expires.
     */
    public boolean release(KubernetesClient client) {
        try (KubernetesClient k = new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .build()) {
            String ns = leaseNamespace != null ? leaseNamespace : client.getNamespace();
            var res = k.leases().inNamespace(ns).withName(leaseName);
            Lease lease = res.get();
            if (lease == null
                    || lease.getSpec() == null
                    || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return false;
            }
            ZonedDateTime now = ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS);
            lease.getSpec().setHolderIdentity(null);
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setRenewTime(now);
            // optimistic locking: if someone took it meanwhile, the update fails and nothing is overwritten
            res.lockResourceVersion(lease.getMetadata().getResourceVersion()).replace(lease);
            LOG.infof("released the leader Lease %s/%s", ns, leaseName);
            return true;
        } catch (KubernetesClientException e) {
            LOG.warnf("could not release the leader Lease %s (it expires by itself): %s", leaseName, e.getMessage());
            return false;
        }
    }
}
