package io.kubeli.mediator;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Writes a throw-away CA and leaf certificates as Kubernetes-TLS-Secret-shaped directories (tls.crt, tls.key, ca.crt). */
public final class TestCerts {
    private final KeyPair caKey;
    private final X509Certificate ca;

    public TestCerts() throws Exception {
        caKey = ec();
        ca = sign("CN=kubeli-test-ca", caKey, "CN=kubeli-test-ca", caKey.getPrivate(), true);
    }

    /** A directory with a leaf certificate for 127.0.0.1/localhost signed by this CA, plus ca.crt. */
    public Path leaf(Path dir, String cn) throws Exception {
        Files.createDirectories(dir);
        KeyPair k = ec();
        X509Certificate c = sign("CN=" + cn, k, "CN=kubeli-test-ca", caKey.getPrivate(), false);
        Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", c.getEncoded()));
        Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY", k.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("ca.crt"), pem("CERTIFICATE", ca.getEncoded()));
        return dir;
    }

    /** A collector client certificate: CN {@code kubeli-collector:<collectorName>}, as the operator issues per Collector. */
    public Path collector(Path dir, String collectorName) throws Exception {
        return leaf(dir, io.kubeli.link.LinkProtocol.collectorCommonName(collectorName));
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair subjectKey, String issuer, PrivateKey issuerKey, boolean isCa) throws Exception {
        long now = System.currentTimeMillis();
        var b = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(now ^ subject.hashCode()).abs(),
                new Date(now - 3_600_000), new Date(now + 86_400_000L), new X500Name(subject), subjectKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!isCa) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
