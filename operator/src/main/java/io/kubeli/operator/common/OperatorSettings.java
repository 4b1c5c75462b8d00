package io.kubeli.operator.common;

import java.time.Duration;
import java.util.List;

/**
 * Operator-wide settings the desired-state builders need (images, timeouts, certificate lifetimes, and the node
 * CIDRs host-network collector pods connect from, which NetworkPolicy pod selectors cannot match on most CNIs).
 */
public record OperatorSettings(
    String collectorImage,
    String mediatorImage,
    String imagePullPolicy,
    Duration finalizerTimeout,
    Duration certificateLifetime,
    Duration caLifetime,
    List<String> collectorNodeCidrs) {

  /** Settings used by tests and as documented defaults. */
  public static OperatorSettings defaults() {
    return new OperatorSettings("ghcr.io/kubeli/collector:0.1.0", "ghcr.io/kubeli/mediator:0.1.0", "IfNotPresent",
        Duration.ofMinutes(2), Duration.ofDays(90), Duration.ofDays(3650), List.of());
  }
}
