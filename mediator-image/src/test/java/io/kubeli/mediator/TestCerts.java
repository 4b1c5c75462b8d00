package io.kubeli.mediator;

import io.kubeli.pki.CertificateAuthority;
import io.kubeli.pki.CertificateAuthority.Issued;
import io.kubeli.pki.CertificateAuthority.Purpose;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/** A throw-away CA of the one issuer ({@link CertificateAuthority}) writing Kubernetes-TLS-Secret-shaped directories. */
public final class TestCerts {
    private static final Duration LIFETIME = Duration.ofDays(1);
    private final Issued ca;

    public TestCerts() {
        ca = CertificateAuthority.issueCa("kubeli-test-ca", Instant.now(), LIFETIME);
    }

    /** A directory with a leaf certificate for 127.0.0.1/localhost (server and client use) signed by this CA, plus ca.crt. */
    public Path leaf(Path dir, String cn) throws Exception {
        Issued leaf = CertificateAuthority.issueLeaf(
                ca, cn, List.of("127.0.0.1", "localhost"), EnumSet.allOf(Purpose.class), Instant.now(), LIFETIME);
        return CertificateAuthority.writeTlsDirectory(dir, leaf, ca.cert());
    }

    /** A collector client certificate: CN {@code kubeli-collector:<collectorName>}, as the operator issues per Collector. */
    public Path collector(Path dir, String collectorName) throws Exception {
        return leaf(dir, io.kubeli.link.LinkProtocol.collectorCommonName(collectorName));
    }
}
