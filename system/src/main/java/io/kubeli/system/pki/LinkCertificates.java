package io.kubeli.system.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA for the collector-mediator link (the demo, the benchmarks), as the operator issues one in a cluster:
 * a mediator server certificate for 127.0.0.1/localhost and a collector client certificate (CN
 * {@code kubeli-collector:<collector name>}, the only identity the mediator accepts from it), written as Secret-style directories
 * ({@code tls.crt}, {@code tls.key}, {@code ca.crt}). EC P-256, valid for one day.
 */
public final class LinkCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private LinkCertificates() {
    }

    /** Issues the CA and both leaves; the CA key exists only in memory. */
    public static void write(Path serverDir, Path clientDir, String mediatorName, String collectorName) throws IOException {
        try {
            Instant now = Instant.now();
            KeyPair caKey = keyPair();
            X500Name ca = new X500Name("CN=kubeli-throwaway-ca,O=KubeLI");
            var cab = new JcaX509v3CertificateBuilder(ca, serial(), from(now), until(now), ca, caKey.getPublic());
            cab.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            cab.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate caCert = sign(cab, caKey.getPrivate());

            leaf(serverDir, caCert, caKey.getPrivate(), mediatorName, now, KeyPurposeId.id_kp_serverAuth,
                    new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            // the mediator accepts collector ids <collectorName> and <collectorName>/<node> for this certificate only
            leaf(clientDir, caCert, caKey.getPrivate(), io.kubeli.link.LinkProtocol.collectorCommonName(collectorName), now,
                    KeyPurposeId.id_kp_clientAuth,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, collectorName)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue the link certificates: " + e.getMessage(), e);
        }
    }

    private static void leaf(Path dir, X509Certificate ca, PrivateKey caKey, String cn, Instant now, KeyPurposeId purpose,
            GeneralNames san) throws GeneralSecurityException, OperatorCreationException, IOException {
        KeyPair kp = keyPair();
        var b = new JcaX509v3CertificateBuilder(ca, serial(), from(now), until(now), new X500Name("CN=" + cn + ",O=KubeLI"),
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.subjectAlternativeName, false, san);
        X509Certificate cert = sign(b, caKey);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("ca.crt"), pem("CERTIFICATE", ca.getEncoded()), StandardCharsets.US_ASCII);
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    // a little slack for clock differences; one day is far longer than any demo run
    private static Date from(Instant now) {
        return Date.from(now.minus(Duration.ofHours(1)));
    }

    private static Date until(Instant now) {
        return Date.from(now.plus(Duration.ofDays(1)));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
