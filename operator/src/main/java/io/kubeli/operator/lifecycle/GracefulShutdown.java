package io.kubeli.operator.lifecycle;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import sun.misc.Signal;

/**
 * Wires {@link LeaderLease} into Quarkus: the leader-election configuration QOSDK uses (prod profile), the
 * "stopping" mark before QOSDK stops the operator (observer priority 1, QOSDK's observer has the default 2500),
 * and the Lease release after it (priority 5000), on every graceful stop (SIGTERM, SIGINT, Quarkus.asyncExit).
 * SIGTERM is routed to Quarkus.asyncExit(0) so a requested stop ends with exit code 0.
 */
@ApplicationScoped
public class GracefulShutdown {
    @ConfigProperty(name = "kubeli.leader-election.lease-name", defaultValue = "kubeli-operator-leader")
    String leaseName;

    @ConfigProperty(name = "kubeli.leader-election.lease-namespace")
    Optional<String> leaseNamespace;

    @ConfigProperty(name = "kubeli.leader-election.identity")
    Optional<String> identity;

    @ConfigProperty(name = "kubeli.leader-election.lease-duration", defaultValue = "PT15S")
    Duration leaseDuration;

    @ConfigProperty(name = "kubeli.leader-election.renew-deadline", defaultValue = "PT10S")
    Duration renewDeadline;

    @ConfigProperty(name = "kubeli.leader-election.retry-period", defaultValue = "PT2S")
    Duration retryPeriod;

    @Inject
    KubernetesClient client;

    private volatile LeaderLease lease;

    /** The Lease logic; identity: configured, else HOSTNAME (the pod name) plus a random suffix per process. */
    @Produces
    @Singleton
    LeaderLease leaderLease() {
        String host = System.getenv().getOrDefault("HOSTNAME", "kubeli-operator");
        String id = identity.filter(s -> !s.isBlank())
                .orElse(host + "_" + UUID.randomUUID().toString().substring(0, 8));
        lease = new LeaderLease(
                leaseName,
                leaseNamespace.filter(s -> !s.isBlank()).orElse(null),
                id,
                new LeaderLease.Timing(leaseDuration, renewDeadline, retryPeriod),
                Quarkus::asyncExit);
        return lease;
    }

    /** One active operator replica at a time; the Lease lives in the operator's own namespace. */
    @Produces
    @Singleton
    @Unremovable
    LeaderElectionConfiguration leaderElection(LeaderLease l) {
        return l.configuration();
    }

    /**
     * SIGTERM (what Kubernetes sends) starts the same orderly Quarkus stop as an API-initiated exit, with exit code 0
     * instead of the JVM's 143: the stop was asked for and completed.
     */
    void onStart(@Observes StartupEvent e) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return; // dev mode and tests keep the JVM's own handling (a test JVM is not ours to stop)
        }
        try {
            Signal.handle(new Signal("TERM"), s -> Quarkus.asyncExit(0));
        } catch (IllegalArgumentException | UnsupportedOperationException ex) {
            // no such signal here (not Linux): the JVM's shutdown hooks still stop the operator, with its exit code
        }
    }

    void beforeOperatorStops(@Observes @Priority(1) ShutdownEvent e) {
        if (lease != null) {
            lease.stopping();
        }
    }

    void afterOperatorStopped(@Observes @Priority(5000) ShutdownEvent e) {
        if (lease != null && !lease.lostWhileRunning()) {
            lease.release(client);
        }
    }
}
