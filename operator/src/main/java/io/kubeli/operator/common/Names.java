package io.kubeli.operator.common;

/** Names of the objects the operator derives from a custom resource. */
public final class Names {
  private Names() {}

  /** DaemonSet, ConfigMap, ServiceAccount, Role and RoleBinding of a Collector. */
  public static String collector(String collectorName) { return "kubeli-collector-" + collectorName; }

  /** StatefulSet, Service and NetworkPolicy of a Mediator. */
  public static String mediator(String mediatorName) { return "kubeli-mediator-" + mediatorName; }

  /** Operator-managed CA Secret of a Mediator. */
  public static String caSecret(String mediatorName) { return mediator(mediatorName) + "-ca"; }

  /** Operator-managed server certificate Secret of a Mediator. */
  public static String serverTlsSecret(String mediatorName) { return mediator(mediatorName) + "-tls"; }

  /** Operator-managed client certificate Secret the collectors of a Mediator mount. */
  public static String clientTlsSecret(String mediatorName) { return mediator(mediatorName) + "-client-tls"; }

  /** The in-cluster DNS name collectors dial for a Mediator in a namespace. */
  public static String mediatorHost(String mediatorName, String namespace) {
    return mediator(mediatorName) + "." + namespace + ".svc";
  }
}
