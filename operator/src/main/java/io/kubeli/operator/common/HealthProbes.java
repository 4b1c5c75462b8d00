package io.kubeli.operator.common;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;

/** The metrics port and the /healthz, /readyz probes on it that collector and mediator containers share; pure. */
public final class HealthProbes {
    /** Name of the container port serving metrics and health. */
    public static final String PORT_NAME = "metrics";

    private HealthProbes() {}

    /** The container's metrics port. */
    public static ContainerPort metricsPort(int port) {
        return new ContainerPortBuilder()
                .withName(PORT_NAME)
                .withContainerPort(port)
                .withProtocol("TCP")
                .build();
    }

    /** Liveness: GET /healthz every 10 s after 10 s; {@code failureThreshold} null keeps Kubernetes' default. */
    public static Probe liveness(Integer failureThreshold) {
        return probe("/healthz", 10, failureThreshold);
    }

    /** Readiness: GET /readyz every 5 s after 5 s; {@code failureThreshold} null keeps Kubernetes' default. */
    public static Probe readiness(Integer failureThreshold) {
        return probe("/readyz", 5, failureThreshold);
    }

    private static Probe probe(String path, int seconds, Integer failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withNewPort(PORT_NAME)
                .endHttpGet()
                .withInitialDelaySeconds(seconds)
                .withPeriodSeconds(seconds)
                .withFailureThreshold(failureThreshold)
                .build();
    }
}
