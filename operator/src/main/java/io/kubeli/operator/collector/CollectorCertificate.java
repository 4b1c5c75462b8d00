package io.kubeli.operator.collector;

import io.fabric8.kubernetes.api.model.Secret;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.operator.common.Names;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.mediator.MediatorCertificates;
import io.kubeli.pki.CertificateAuthority;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Decides the client certificate of one Collector (contract C2): CN {@code kubeli-collector:<collector name>},
 * clientAuth, signed by the referenced Mediator's CA, in the Secret kubeli-collector-NAME-tls owned by the
 * Collector; re-issued when missing, signed by another CA, naming another subject, or with a third of its lifetime
 * left. The mediator accepts from this certificate only the collector ids NAME and NAME/anything. Pure apart from
 * key generation.
 */
public final class CollectorCertificate {
    /** The Secret to write (null when current) and when to look again. */
    public record Plan(Secret toWrite, Instant nextRotation) {}

    private CollectorCertificate() {}

    /**
     * The plan for {@code c}; {@code caSecret} is the Mediator's CA Secret, {@code serverSecret} its server Secret
     * (its ca.crt bundle, which may hold the previous CA during a rotation, is what the collector trusts), null when
     * absent; returns null when the CA does not exist yet.
     */
    public static Plan plan(
            Collector c,
            Secret caSecret,
            Secret serverSecret,
            Secret existing,
            Instant now,
            OperatorSettings settings) {
        CertificateAuthority.Issued ca = MediatorCertificates.readCa(caSecret);
        if (ca == null) {
            return null;
        }
        String bundle = MediatorCertificates.decodeOrNull(serverSecret, MediatorCertificates.CA_CRT);
        bundle = bundle != null ? bundle : ca.certPem();
        String cn = Names.collectorCommonName(c.getMetadata().getName());
        boolean issue = MediatorCertificates.leafNeedsIssue(existing, ca, now, cn, null)
                || !bundle.equals(MediatorCertificates.decodeOrNull(existing, MediatorCertificates.CA_CRT));
        Secret s = existing;
        if (issue) {
            var leaf = CertificateAuthority.issueLeaf(ca, cn, List.of(), false, now, settings.certificateLifetime());
            s = MediatorCertificates.secret(
                    c,
                    "collector",
                    Names.collectorTlsSecret(c.getMetadata().getName()),
                    "kubernetes.io/tls",
                    Map.of(
                            MediatorCertificates.TLS_CRT,
                            leaf.certPem(),
                            MediatorCertificates.TLS_KEY,
                            leaf.keyPem(),
                            MediatorCertificates.CA_CRT,
                            bundle));
        }
        Instant next = CertificateAuthority.renewalTime(
                CertificateAuthority.parseCert(MediatorCertificates.decode(s, MediatorCertificates.TLS_CRT)));
        return new Plan(issue ? s : null, next);
    }
}
