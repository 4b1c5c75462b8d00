package io.kubeli.operator.mediator;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.operator.common.Checksums;
import io.kubeli.operator.common.Labels;
import io.kubeli.operator.common.Names;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.pki.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Decides the operator-managed TLS material of a Mediator: a CA Secret and the mediator's server certificate (the
 * collectors' client certificates, one per Collector, are issued by the collector reconciler with this CA); each is
 * (re-)issued when missing, not signed by the current CA, not naming what it must name, or when less than a third
 * of its lifetime is left. Pure apart from key generation.
 */
public final class MediatorCertificates {
    public static final String CA_CRT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String TLS_CRT = "tls.crt";
    public static final String TLS_KEY = "tls.key";

    /** Secrets to write (empty when all are current), the next rotation instant and the server cert checksum. */
    public record Plan(List<Secret> toWrite, Instant nextRotation, String serverChecksum) {}

    private MediatorCertificates() {}

    /** The plan for {@code m} given the current Secrets (null when absent). */
    public static Plan plan(Mediator m, Secret caSecret, Secret serverSecret, Instant now, OperatorSettings settings) {
        String name = m.getMetadata().getName();
        List<Secret> write = new ArrayList<>();
        CertificateAuthority.Issued ca = readCa(caSecret);
        String previousCaPem = null;
        if (ca == null || CertificateAuthority.needsRenewal(ca.cert(), now)) {
            if (ca != null && ca.cert().getNotAfter().toInstant().isAfter(now)) {
                previousCaPem = ca.certPem();
            }
            ca = CertificateAuthority.issueCa("kubeli-mediator-" + name + "-ca", now, settings.caLifetime());
            write.add(secret(
                    m,
                    "mediator",
                    Names.caSecret(name),
                    "Opaque",
                    Map.of(CA_CRT, ca.certPem(), CA_KEY, ca.keyPem(), TLS_CRT, ca.certPem(), TLS_KEY, ca.keyPem())));
        }
        String caBundle = previousCaPem == null ? ca.certPem() : ca.certPem() + previousCaPem;
        Secret server = serverSecret;
        String svc = Names.mediator(name);
        List<String> dns = serverNames(m);
        if (leafNeedsIssue(serverSecret, ca, now, svc, dns)) {
            var leaf = CertificateAuthority.issueLeaf(ca, svc, dns, true, now, settings.certificateLifetime());
            server = secret(
                    m,
                    "mediator",
                    Names.serverTlsSecret(name),
                    "kubernetes.io/tls",
                    Map.of(TLS_CRT, leaf.certPem(), TLS_KEY, leaf.keyPem(), CA_CRT, caBundle));
            write.add(server);
        }
        Instant next = CertificateAuthority.renewalTime(ca.cert());
        Instant t = CertificateAuthority.renewalTime(CertificateAuthority.parseCert(decode(server, TLS_CRT)));
        next = t.isBefore(next) ? t : next;
        return new Plan(write, next, Checksums.sha256(decode(server, TLS_CRT) + decode(server, CA_CRT)));
    }

    /**
     * DNS names of the server certificate: the ClusterIP Service in its short and qualified forms, and every
     * replica's stable name under the headless Service (pod-N.kubeli-mediator-NAME-pods.NS.svc), which collectors
     * pinned to one replica dial.
     */
    public static List<String> serverNames(Mediator m) {
        String name = m.getMetadata().getName();
        String svc = Names.mediator(name);
        String pods = Names.mediatorPods(name);
        String ns = m.getMetadata().getNamespace();
        return List.of(
                svc,
                svc + "." + ns,
                svc + "." + ns + ".svc",
                svc + "." + ns + ".svc.cluster.local",
                "*." + pods + "." + ns + ".svc",
                "*." + pods + "." + ns + ".svc.cluster.local");
    }

    /** Whether a leaf Secret must be (re-)issued: absent, unreadable, not signed by {@code ca}, or due for renewal. */
    public static boolean leafNeedsIssue(Secret s, CertificateAuthority.Issued ca, Instant now) {
        return leafNeedsIssue(s, ca, now, null, null);
    }

    /**
     * As {@link #leafNeedsIssue(Secret, CertificateAuthority.Issued, Instant)}, and also when the subject CN is not
     * {@code commonName} or the DNS names are not {@code dnsNames} (null: not checked).
     */
    public static boolean leafNeedsIssue(
            Secret s, CertificateAuthority.Issued ca, Instant now, String commonName, List<String> dnsNames) {
        if (leafNeedsIssue0(s, ca, now)) {
            return true;
        }
        try {
            X509Certificate cert = CertificateAuthority.parseCert(decode(s, TLS_CRT));
            if (commonName != null && !commonName.equals(CertificateAuthority.commonName(cert))) {
                return true;
            }
            if (dnsNames != null) {
                List<String> have = new ArrayList<>();
                if (cert.getSubjectAlternativeNames() != null) {
                    cert.getSubjectAlternativeNames().forEach(n -> have.add(String.valueOf(n.get(1))));
                }
                return !new java.util.HashSet<>(have).equals(new java.util.HashSet<>(dnsNames));
            }
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    private static boolean leafNeedsIssue0(Secret s, CertificateAuthority.Issued ca, Instant now) {
        if (s == null
                || s.getData() == null
                || s.getData().get(TLS_CRT) == null
                || s.getData().get(TLS_KEY) == null) {
            return true;
        }
        try {
            X509Certificate cert = CertificateAuthority.parseCert(decode(s, TLS_CRT));
            cert.verify(ca.cert().getPublicKey());
            return CertificateAuthority.needsRenewal(cert, now);
        } catch (Exception e) {
            return true;
        }
    }

    /** The CA (key and certificate) of a CA Secret, or null when absent or unreadable. */
    public static CertificateAuthority.Issued readCa(Secret s) {
        if (s == null
                || s.getData() == null
                || s.getData().get(CA_CRT) == null
                || s.getData().get(CA_KEY) == null) {
            return null;
        }
        try {
            return new CertificateAuthority.Issued(
                    CertificateAuthority.parseKey(decode(s, CA_KEY)),
                    CertificateAuthority.parseCert(decode(s, CA_CRT)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A Secret controlled by {@code m} (a Mediator or Collector), labelled as managed by the operator. */
    public static Secret secret(
            io.fabric8.kubernetes.api.model.HasMetadata m,
            String component,
            String name,
            String type,
            Map<String, String> text) {
        Map<String, String> data = new java.util.TreeMap<>();
        text.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(m.getMetadata().getNamespace())
                .withLabels(Labels.of(component, m))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(m.getApiVersion())
                        .withKind(m.getKind())
                        .withName(m.getMetadata().getName())
                        .withUid(m.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .withType(type)
                .withData(data)
                .build();
    }

    /** The decoded text of a Secret key. */
    public static String decode(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }

    /** The decoded text of a Secret key, or null when the Secret or key is absent or not base64. */
    public static String decodeOrNull(Secret s, String key) {
        try {
            return s == null || s.getData() == null || s.getData().get(key) == null ? null : decode(s, key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
