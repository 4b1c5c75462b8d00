package io.kubeli.operator.common;

/** Names of the objects the operator derives from a custom resource. */
public final class Names {
    private Names() {}

    /** DaemonSet, ConfigMap, ServiceAccount, Role and RoleBinding of a Collector. */
    public static String collector(String collectorName) {
        return "kubeli-collector-" + collectorName;
    }

    /** StatefulSet, Service and NetworkPolicy of a Mediator. */
    public static String mediator(String mediatorName) {
        return "kubeli-mediator-" + mediatorName;
    }

    /** Operator-managed CA Secret of a Mediator. */
    public static String caSecret(String mediatorName) {
        return mediator(mediatorName) + "-ca";
    }

    /** Operator-managed server certificate Secret of a Mediator. */
    public static String serverTlsSecret(String mediatorName) {
        return mediator(mediatorName) + "-tls";
    }

    /**
     * Operator-managed client certificate Secret of one Collector (CN kubeli-collector:NAME, signed by its Mediator's
     * CA): the only link identity the mediator accepts from that Collector's pods.
     */
    public static String collectorTlsSecret(String collectorName) {
        return collector(collectorName) + "-tls";
    }

    /** Subject CN of a Collector's client certificate (contract C2). */
    public static String collectorCommonName(String collectorName) {
        return "kubeli-collector:" + collectorName;
    }

    /** Headless Service governing a Mediator's StatefulSet: stable per-pod DNS names. */
    public static String mediatorPods(String mediatorName) {
        return mediator(mediatorName) + "-pods";
    }

    /** DNS name of one mediator replica ({@code replica} may be the collector's placeholder "{replica}"). */
    public static String mediatorReplicaHost(String mediatorName, String namespace, String replica) {
        return mediator(mediatorName) + "-" + replica + "." + mediatorPods(mediatorName) + "." + namespace + ".svc";
    }

    /** ConfigMap per namespace recording every CIN slot ever assigned (slots are never reused). */
    public static final String CIN_SLOT_LEDGER = "kubeli-cin-slots";

    /** The in-cluster DNS name collectors dial for a Mediator in a namespace. */
    public static String mediatorHost(String mediatorName, String namespace) {
        return mediator(mediatorName) + "." + namespace + ".svc";
    }
}
