package io.kubeli.link;

import io.kubeli.pki.CertificateAuthority;
import io.kubeli.pki.CertificateAuthority.Issued;
import io.kubeli.pki.CertificateAuthority.Purpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;

/** A CA of the one issuer ({@link CertificateAuthority}) writing leaves as a Kubernetes TLS Secret mount (tls.crt, tls.key, ca.crt). */
public final class TestCerts {
    private static final Duration LIFETIME = Duration.ofDays(1);
    private final Issued ca;

    public TestCerts(String name) {
        ca = CertificateAuthority.issueCa(name, Instant.now(), LIFETIME);
    }

    /** Writes a leaf certificate for {@code cn} (SAN localhost, 127.0.0.1) signed by this CA into {@code dir}. */
    public Path issue(Path dir, String cn) throws Exception {
        return issue(dir, cn, this);
    }

    /** A collector client certificate: CN {@code kubeli-collector:<collectorName>} (what the operator issues per Collector). */
    public Path issueCollector(Path dir, String collectorName) throws Exception {
        return issue(dir, LinkProtocol.collectorCommonName(collectorName), this);
    }

    /** Like {@link #issue(Path, String)} with the key written as SEC1 "EC PRIVATE KEY" (cert-manager's PKCS1 encoding). */
    Path issueSec1(Path dir, String cn) throws Exception {
        issue(dir, cn, this);
        java.security.PrivateKey k = java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getMimeDecoder()
                        .decode(Files.readString(dir.resolve("tls.key")).replaceAll("-----[A-Z ]+-----", ""))));
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(k.getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                        256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters())
                .getEncoded(); // as openssl writes it: with the curve OID
        Files.writeString(dir.resolve("tls.key"), pem("EC PRIVATE KEY", sec1));
        return dir;
    }

    /** Like {@link #issue(Path, String)} but trusting {@code trust}'s CA (ca.crt) instead of the issuer. */
    Path issue(Path dir, String cn, TestCerts trust) throws Exception {
        Issued leaf = CertificateAuthority.issueLeaf(
                ca, cn, List.of("localhost", "127.0.0.1"), EnumSet.allOf(Purpose.class), Instant.now(), LIFETIME);
        return CertificateAuthority.writeTlsDirectory(dir, leaf, trust.ca.cert());
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
