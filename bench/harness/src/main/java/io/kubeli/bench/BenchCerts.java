package io.kubeli.bench;

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

/** Throw-away PKI for the mTLS link runs: one EC P-256 CA, a server leaf for localhost, a client leaf; PEM files. */
public final class BenchCerts {
    private static final SecureRandom RANDOM = new SecureRandom();

    private BenchCerts() {}

    /** Writes {@code dir/server} and {@code dir/client}, each with tls.crt, tls.key (PKCS#8) and ca.crt. */
    public static void write(Path dir) throws IOException {
        try {
            Instant now = Instant.now();
            KeyPair caKeys = keyPair();
            X500Name caName = new X500Name("CN=kubeli-bench-ca");
            var ca = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(Duration.ofDays(1))), caName, caKeys.getPublic());
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
            X509Certificate caCert = sign(ca, caKeys.getPrivate());
            leaf(dir.resolve("server"), caCert, caKeys.getPrivate(), now, true);
            leaf(dir.resolve("client"), caCert, caKeys.getPrivate(), now, false);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue benchmark certificates: " + e.getMessage(), e);
        }
    }

    private static void leaf(Path dir, X509Certificate caCert, PrivateKey caKey, Instant now, boolean server)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        KeyPair kp = keyPair();
        var b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + (server ? "localhost" : "kubeli-bench-collector")),
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
        if (server) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        X509Certificate cert = sign(b, caKey);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("ca.crt"), pem("CERTIFICATE", caCert.getEncoded()));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
