package io.kubeli.pki;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.pki.CertificateAuthority.Issued;
import io.kubeli.pki.CertificateAuthority.Purpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one issuer: CA, leaves for server/client use with DNS and IP names, TLS Secret directories that keep keys private. */
class CertificateAuthorityTest {
    private static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void leavesChainToTheCaWithTheirNamesAndPurposes() throws Exception {
        Issued ca = CertificateAuthority.issueCa("test-ca", NOW, Duration.ofDays(10));
        Issued leaf = CertificateAuthority.issueLeaf(
                ca,
                "kubeli-collector:edge",
                List.of("localhost", "127.0.0.1", "::1"),
                EnumSet.allOf(Purpose.class),
                NOW,
                Duration.ofDays(30));
        X509Certificate c = leaf.cert();
        c.verify(ca.cert().getPublicKey());
        assertEquals("kubeli-collector:edge", CertificateAuthority.commonName(c));
        // SAN types: 2 = DNS, 7 = IP address
        Set<String> sans = new java.util.HashSet<>();
        c.getSubjectAlternativeNames().forEach(n -> sans.add(n.get(0) + "=" + n.get(1)));
        assertEquals(Set.of("2=localhost", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1"), sans);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), c.getExtendedKeyUsage());
        assertEquals(ca.cert().getNotAfter(), c.getNotAfter(), "a leaf never outlives its CA");
        assertEquals(
                List.of("1.3.6.1.5.5.7.3.2"),
                CertificateAuthority.issueLeaf(ca, "c", List.of(), false, NOW, Duration.ofDays(1))
                        .cert()
                        .getExtendedKeyUsage());
    }

    @Test
    void aLeafWithoutPurposeIsRefused() {
        Issued ca = CertificateAuthority.issueCa("test-ca", NOW, Duration.ofDays(10));
        assertThrows(
                IllegalArgumentException.class,
                () -> CertificateAuthority.issueLeaf(
                        ca, "x", List.of(), EnumSet.noneOf(Purpose.class), NOW, Duration.ofDays(1)));
    }

    @Test
    void tlsDirectoriesKeepTheKeyPrivateAndRoundTrip() throws Exception {
        Issued ca = CertificateAuthority.issueCa("test-ca", NOW, Duration.ofDays(10));
        Issued leaf = CertificateAuthority.issueLeaf(ca, "m", List.of("localhost"), true, NOW, Duration.ofDays(1));
        Path dir = tmp.resolve("secret");
        Files.writeString(Files.createDirectories(dir).resolve("tls.key"), "stale"); // replaced, not appended to
        CertificateAuthority.writeTlsDirectory(dir, leaf, ca.cert());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        for (String f : List.of("tls.crt", "tls.key", "ca.crt")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
        }
        assertEquals(leaf.cert(), CertificateAuthority.parseCert(Files.readString(dir.resolve("tls.crt"))));
        assertEquals(ca.cert(), CertificateAuthority.parseCert(Files.readString(dir.resolve("ca.crt"))));
        assertEquals(leaf.key(), CertificateAuthority.parseKey(Files.readString(dir.resolve("tls.key"))));
    }
}
