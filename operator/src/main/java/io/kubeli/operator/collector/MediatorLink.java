package io.kubeli.operator.collector;

import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.api.v1alpha1.MediatorServiceSpec;
import io.kubeli.api.v1alpha1.TlsSpec;
import io.kubeli.operator.common.Names;

/** Where a collector's link goes: the mediator Service, its port and the client TLS Secret (null: plain). */
public record MediatorLink(String name, String host, int port, String tlsSecret) {

  /** The link to {@code mediator}, or a default link to a not-yet-existing mediator named {@code ref}. */
  public static MediatorLink of(String ref, String namespace, Mediator mediator) {
    if (mediator == null || mediator.getSpec() == null) {
      return new MediatorLink(ref, Names.mediatorHost(ref, namespace), MediatorServiceSpec.DEFAULT_PORT, null);
    }
    TlsSpec tls = mediator.getSpec().getTls();
    String secret = null;
    if (tls != null && Boolean.TRUE.equals(tls.getOperatorManaged())) {
      secret = Names.clientTlsSecret(ref);
    } else if (tls != null && tls.getSecretRef() != null) {
      secret = tls.getSecretRef();
    }
    return new MediatorLink(ref, Names.mediatorHost(ref, namespace), mediator.getSpec().servicePort(), secret);
  }
}
