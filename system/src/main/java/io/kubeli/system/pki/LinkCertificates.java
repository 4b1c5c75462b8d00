package io.kubeli.system.pki;

import io.kubeli.pki.CertificateAuthority;
import io.kubeli.pki.CertificateAuthority.Issued;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A throw-away CA for the collector-mediator link (the demo, the benchmarks), issued as the operator issues one in a
 * cluster (with the same {@link CertificateAuthority}): a mediator server certificate for 127.0.0.1/localhost and a
 * collector client certificate (CN {@code kubeli-collector:<collector name>}, the only identity the mediator accepts
 * from it), written as Secret-style directories ({@code tls.crt}, {@code tls.key}, {@code ca.crt}). Valid for one day.
 */
public final class LinkCertificates {
    /** Far longer than any demo or benchmark run. */
    private static final Duration LIFETIME = Duration.ofDays(1);

    private LinkCertificates() {}

    /** Issues the CA and both leaves; the CA key exists only in memory. */
    public static void write(Path serverDir, Path clientDir, String mediatorName, String collectorName)
            throws IOException {
        try {
            Instant now = Instant.now();
            Issued ca = CertificateAuthority.issueCa("kubeli-throwaway-ca", now, LIFETIME);
            Issued server = CertificateAuthority.issueLeaf(
                    ca, mediatorName, List.of("localhost", "127.0.0.1"), true, now, LIFETIME);
            // the mediator accepts collector ids <collectorName> and <collectorName>/<node> for this certificate only
            Issued client = CertificateAuthority.issueLeaf(
                    ca,
                    io.kubeli.link.LinkProtocol.collectorCommonName(collectorName),
                    List.of(collectorName),
                    false,
                    now,
                    LIFETIME);
            CertificateAuthority.writeTlsDirectory(serverDir, server, ca.cert());
            CertificateAuthority.writeTlsDirectory(clientDir, client, ca.cert());
        } catch (IllegalStateException e) {
            throw new IOException("cannot issue the link certificates: " + e.getMessage(), e);
        }
    }
}
