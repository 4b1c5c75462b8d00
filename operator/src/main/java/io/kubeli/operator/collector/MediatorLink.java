package io.kubeli.operator.collector;

import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.api.v1alpha1.MediatorServiceSpec;
import io.kubeli.api.v1alpha1.TlsSpec;
import io.kubeli.operator.common.Names;

/**
 * Where a collector's link goes: the mediator's host, its port, the client TLS Secret (null: plain) and the number
 * of mediator replicas; with more than one the host is the per-replica name with the placeholder {replica}, which
 * each collector instance replaces by its fixed replica (contract C4).
 */
public record MediatorLink(String name, String host, int port, String tlsSecret, int replicas) {

    /** A link to a single mediator replica. */
    public MediatorLink(String name, String host, int port, String tlsSecret) {
        this(name, host, port, tlsSecret, 1);
    }

    /**
     * The link of Collector {@code collectorName} to {@code mediator}, or a default link to a not-yet-existing
     * mediator named {@code ref}. Operator-managed TLS: the Collector's own client certificate Secret.
     */
    public static MediatorLink of(String ref, String namespace, Mediator mediator, String collectorName) {
        if (mediator == null || mediator.getSpec() == null) {
            return new MediatorLink(ref, Names.mediatorHost(ref, namespace), MediatorServiceSpec.DEFAULT_PORT, null, 1);
        }
        TlsSpec tls = mediator.getSpec().getTls();
        String secret = null;
        if (tls != null && Boolean.TRUE.equals(tls.getOperatorManaged())) {
            secret = Names.collectorTlsSecret(collectorName);
        } else if (tls != null && tls.getSecretRef() != null) {
            secret = tls.getSecretRef();
        }
        int replicas = mediator.getSpec().getReplicas() == null
                ? 1
                : Math.max(1, mediator.getSpec().getReplicas());
        String host = replicas > 1
                ? Names.mediatorReplicaHost(ref, namespace, "{replica}")
                : Names.mediatorHost(ref, namespace);
        return new MediatorLink(ref, host, mediator.getSpec().servicePort(), secret, replicas);
    }
}
