package io.kubeli.link;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Generates a CA and leaf certificates at test time, written as a Kubernetes TLS Secret mount (tls.crt, tls.key, ca.crt). */
public final class TestCerts {
    private final KeyPair caKey;
    private final X509Certificate ca;
    private long serial = 2;

    public TestCerts(String name) throws Exception {
        caKey = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        var b = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE, from(), until(), subject, caKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        ca = sign(b, caKey.getPrivate());
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static Date from() {
        return Date.from(Instant.now().minus(1, ChronoUnit.HOURS));
    }

    private static Date until() {
        return Date.from(Instant.now().plus(1, ChronoUnit.DAYS));
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
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
        java.security.PrivateKey k = java.security.KeyFactory.getInstance("EC").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(
                        Files.readString(dir.resolve("tls.key")).replaceAll("-----[A-Z ]+-----", ""))));
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(k.getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
                info.getPrivateKeyAlgorithm().getParameters()).getEncoded(); // as openssl writes it: with the curve OID
        Files.writeString(dir.resolve("tls.key"), pem("EC PRIVATE KEY", sec1));
        return dir;
    }

    /** Like {@link #issue(Path, String)} but trusting {@code trust}'s CA (ca.crt) instead of the issuer. */
    Path issue(Path dir, String cn, TestCerts trust) throws Exception {
        KeyPair kp = keyPair();
        var b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + ca.getSubjectX500Principal().getName().substring(3)),
                BigInteger.valueOf(serial++), from(), until(), new X500Name("CN=" + cn), kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate leaf = sign(b, caKey.getPrivate());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", leaf.getEncoded()));
        Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("ca.crt"), pem("CERTIFICATE", trust.ca.getEncoded()));
        return dir;
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
