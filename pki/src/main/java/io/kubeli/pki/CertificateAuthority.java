package io.kubeli.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The one certificate issuer of KubeLI (the operator's CAs and leaves, the demo's and benchmarks' throw-away link
 * PKI, the tests' certificates): EC P-256 with Bouncy Castle, a CA and server/client leaves signed by it, PEM
 * helpers, and TLS-Secret-shaped directories ({@code tls.crt}, {@code tls.key}, {@code ca.crt}).
 */
public final class CertificateAuthority {
    /** A key and its certificate. */
    public record Issued(PrivateKey key, X509Certificate cert) {
        public String certPem() {
            return pem(cert);
        }

        /** The key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), which Java, Netty and OpenSSL all read. */
        public String keyPem() {
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateAuthority() {}

    /** A self-signed CA valid from {@code now} for {@code lifetime}. */
    public static Issued issueCa(String commonName, Instant now, Duration lifetime) {
        try {
            KeyPair kp = keyPair();
            X500Name subject = subject(commonName);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    subject,
                    serial(),
                    Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(lifetime)),
                    subject,
                    kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            return new Issued(kp.getPrivate(), sign(b, kp.getPrivate()));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue CA certificate", e);
        }
    }

    /** What a leaf may be used for (its extended key usage). */
    public enum Purpose {
        /** TLS server (serverAuth). */
        SERVER,
        /** TLS client (clientAuth). */
        CLIENT
    }

    /** A leaf signed by {@code ca}: server (serverAuth, with DNS names) or client (clientAuth). */
    public static Issued issueLeaf(
            Issued ca, String commonName, List<String> dnsNames, boolean server, Instant now, Duration lifetime) {
        return issueLeaf(
                ca,
                commonName,
                dnsNames,
                java.util.EnumSet.of(server ? Purpose.SERVER : Purpose.CLIENT),
                now,
                lifetime);
    }

    /**
     * A leaf signed by {@code ca} for {@code purposes}; {@code names} become subject alternative names (IP address
     * literals as IP addresses, anything else as DNS names). Its lifetime ends with the CA's at the latest.
     */
    public static Issued issueLeaf(
            Issued ca,
            String commonName,
            List<String> names,
            java.util.Set<Purpose> purposes,
            Instant now,
            Duration lifetime) {
        if (purposes.isEmpty()) {
            throw new IllegalArgumentException("a leaf certificate needs a purpose");
        }
        try {
            KeyPair kp = keyPair();
            Instant notAfter = now.plus(lifetime);
            if (notAfter.isAfter(ca.cert().getNotAfter().toInstant())) {
                notAfter = ca.cert().getNotAfter().toInstant();
            }
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    ca.cert(),
                    serial(),
                    Date.from(now.minusSeconds(60)),
                    Date.from(notAfter),
                    subject(commonName),
                    kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(purposes.stream()
                            .map(p ->
                                    p == Purpose.SERVER ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth)
                            .toArray(KeyPurposeId[]::new)));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
            if (!names.isEmpty()) {
                b.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(names.stream()
                                .map(n ->
                                        new GeneralName(ipLiteral(n) ? GeneralName.iPAddress : GeneralName.dNSName, n))
                                .toArray(GeneralName[]::new)));
            }
            return new Issued(kp.getPrivate(), sign(b, ca.key()));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue certificate", e);
        }
    }

    /**
     * Writes {@code leaf} as a TLS Secret mount: {@code dir/tls.crt}, {@code dir/tls.key} (PKCS#8) and {@code dir/ca.crt}
     * ({@code trusted}: the CA the holder trusts, usually the issuer). The directory is created 0700, the files 0600
     * (the key is secret) where the file system has POSIX permissions.
     */
    public static java.nio.file.Path writeTlsDirectory(java.nio.file.Path dir, Issued leaf, X509Certificate trusted)
            throws IOException {
        java.nio.file.Files.createDirectories(dir);
        posix(dir, "rwx------");
        write(dir.resolve("tls.crt"), leaf.certPem());
        write(dir.resolve("tls.key"), leaf.keyPem());
        write(dir.resolve("ca.crt"), pem(trusted));
        return dir;
    }

    private static void write(java.nio.file.Path f, String text) throws IOException {
        java.nio.file.Files.deleteIfExists(f);
        try {
            java.nio.file.Files.createFile(
                    f,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString(
                                    "rw-------"))); // never readable by others
        } catch (UnsupportedOperationException e) {
            java.nio.file.Files.createFile(f);
        }
        java.nio.file.Files.writeString(f, text, StandardCharsets.US_ASCII);
    }

    private static void posix(java.nio.file.Path p, String perms) throws IOException {
        try {
            java.nio.file.Files.setPosixFilePermissions(
                    p, java.nio.file.attribute.PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own permissions apply
        }
    }

    /** An IPv4 or IPv6 address literal (never resolved). */
    static boolean ipLiteral(String name) {
        return name.matches("\\d{1,3}(\\.\\d{1,3}){3}") || name.contains(":");
    }

    /** Whether {@code cert} has less than a third of its lifetime left at {@code now} (time to re-issue). */
    public static boolean needsRenewal(X509Certificate cert, Instant now) {
        Instant from = cert.getNotBefore().toInstant();
        Instant until = cert.getNotAfter().toInstant();
        Duration life = Duration.between(from, until);
        return !now.isBefore(renewalTime(cert)) || life.isNegative();
    }

    /** The instant at which only a third of the certificate's lifetime remains. */
    public static Instant renewalTime(X509Certificate cert) {
        Instant from = cert.getNotBefore().toInstant();
        Instant until = cert.getNotAfter().toInstant();
        return until.minus(Duration.between(from, until).dividedBy(3));
    }

    /** CN=commonName, O=KubeLI, built attribute by attribute (no string parsing of the name). */
    static X500Name subject(String commonName) {
        return new org.bouncycastle.asn1.x500.X500NameBuilder(org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE)
                .addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, commonName)
                .addRDN(org.bouncycastle.asn1.x500.style.BCStyle.O, "KubeLI")
                .build();
    }

    /** The subject CN of a certificate, or null. */
    public static String commonName(X509Certificate cert) {
        var rdns = new X500Name(cert.getSubjectX500Principal().getName())
                .getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.CN);
        return rdns.length == 0
                ? null
                : org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(
                        rdns[0].getFirst().getValue());
    }

    /** PEM of a certificate or key. */
    public static String pem(Object o) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }

    /** Parses a PEM certificate. */
    public static X509Certificate parseCert(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM certificate", e);
        }
    }

    /** Parses a PEM EC private key in PKCS#8 form ("BEGIN PRIVATE KEY") or SEC1 form ("BEGIN EC PRIVATE KEY"). */
    public static PrivateKey parseKey(String pem) {
        try (var parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
            Object o = parser.readObject();
            var conv = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            if (o instanceof org.bouncycastle.openssl.PEMKeyPair kp) {
                return conv.getPrivateKey(kp.getPrivateKeyInfo());
            }
            if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM private key", e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
