package io.kubeli.operator.common;

import io.kubeli.api.v1alpha1.PodLogFormat;
import java.time.Duration;
import java.util.List;

/**
 * Operator-wide settings the desired-state builders need (images, timeouts, certificate lifetimes, and the node
 * CIDRs host-network collector pods connect from, which NetworkPolicy pod selectors cannot match on most CNIs,
 * the minimum prefix lengths of ip targets, the log format of the pods whose spec.logFormat is unset: the
 * operator's own, and the namespaces where it may manage Secrets and see Pods, the chart's liNamespaces: its Secret
 * and Pod informers watch only those, as RBAC lets them list nowhere else; empty: every watched namespace).
 */
public record OperatorSettings(
        String collectorImage,
        String mediatorImage,
        String imagePullPolicy,
        Duration finalizerTimeout,
        Duration certificateLifetime,
        Duration caLifetime,
        List<String> collectorNodeCidrs,
        int minIpv4Prefix,
        int minIpv6Prefix,
        PodLogFormat logFormat,
        List<String> liNamespaces) {

    /** Default minimum prefix lengths of ip targets (the CRD refuses anything shorter as well). */
    public static final int MIN_IPV4_PREFIX = 8;

    public static final int MIN_IPV6_PREFIX = 16;

    public OperatorSettings {
        if (minIpv4Prefix < 1 || minIpv4Prefix > 32 || minIpv6Prefix < 1 || minIpv6Prefix > 128) {
            throw new IllegalArgumentException(
                    "kubeli.targets.min-ipv4-prefix must be 1-32 and min-ipv6-prefix 1-128, not " + minIpv4Prefix
                            + " and " + minIpv6Prefix);
        }
        if (logFormat == null) {
            logFormat = PodLogFormat.TEXT;
        }
        liNamespaces = liNamespaces == null ? List.of() : List.copyOf(liNamespaces);
    }

    /** The same settings with {@code format} as the pods' default log format. */
    public OperatorSettings withLogFormat(PodLogFormat format) {
        return with(finalizerTimeout, minIpv4Prefix, minIpv6Prefix, format, liNamespaces);
    }

    /** The same settings with the Secret informers limited to {@code namespaces} (empty: the watched ones). */
    public OperatorSettings withLiNamespaces(List<String> namespaces) {
        return with(finalizerTimeout, minIpv4Prefix, minIpv6Prefix, logFormat, namespaces);
    }

    /** The same settings with another finalizer timeout. */
    public OperatorSettings withFinalizerTimeout(Duration timeout) {
        return with(timeout, minIpv4Prefix, minIpv6Prefix, logFormat, liNamespaces);
    }

    /** The same settings with other minimum prefix lengths of ip targets. */
    public OperatorSettings withMinPrefixes(int ipv4, int ipv6) {
        return with(finalizerTimeout, ipv4, ipv6, logFormat, liNamespaces);
    }

    // the one copy the with-methods share: the images and certificate lifetimes never vary after start-up
    private OperatorSettings with(Duration timeout, int ipv4, int ipv6, PodLogFormat format, List<String> namespaces) {
        return new OperatorSettings(
                collectorImage,
                mediatorImage,
                imagePullPolicy,
                timeout,
                certificateLifetime,
                caLifetime,
                collectorNodeCidrs,
                ipv4,
                ipv6,
                format,
                namespaces);
    }

    /**
     * Whether the operator may manage (and caches) Secrets and Pods in {@code namespace}: one of liNamespaces, or any
     * watched namespace when the list is empty.
     */
    public boolean isLiNamespace(String namespace) {
        return liNamespaces.isEmpty() || liNamespaces.contains(namespace);
    }

    /** The log format of a pod: its spec's, else the operator's own. */
    public PodLogFormat logFormat(PodLogFormat spec) {
        return spec != null ? spec : logFormat;
    }

    /** Settings used by tests and as documented defaults. */
    public static OperatorSettings defaults() {
        return new OperatorSettings(
                "ghcr.io/kubeli/collector:0.1.0",
                "ghcr.io/kubeli/mediator:0.1.0",
                "IfNotPresent",
                Duration.ofMinutes(2),
                Duration.ofDays(90),
                Duration.ofDays(3650),
                List.of(),
                MIN_IPV4_PREFIX,
                MIN_IPV6_PREFIX,
                PodLogFormat.TEXT,
                List.of());
    }
}
