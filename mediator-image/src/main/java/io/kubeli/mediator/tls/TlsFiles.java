package io.kubeli.mediator.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds JSSE contexts from a Kubernetes-TLS-Secret-shaped directory: tls.crt, tls.key (PKCS#8 PEM), optional ca.crt. */
public final class TlsFiles {
    private TlsFiles() {}

    /** Server side: our certificate; when ca.crt exists clients are verified against it (caller sets need-client-auth). */
    public static SSLContext server(Path dir) throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(
                keyManagers(dir),
                Files.exists(dir.resolve("ca.crt")) ? trustManagers(dir.resolve("ca.crt")) : null,
                null);
        return ctx;
    }

    /** Client side: trusts ca.crt (else the JDK defaults); presents tls.crt/tls.key when present. */
    public static SSLContext client(Path dir) throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        var km = Files.exists(dir.resolve("tls.crt")) ? keyManagers(dir) : null;
        var tm = Files.exists(dir.resolve("ca.crt")) ? trustManagers(dir.resolve("ca.crt")) : null;
        ctx.init(km, tm, null);
        return ctx;
    }

    private static javax.net.ssl.KeyManager[] keyManagers(Path dir) throws IOException, GeneralSecurityException {
        Path crt = dir.resolve("tls.crt"), key = dir.resolve("tls.key");
        if (!Files.isReadable(crt) || !Files.isReadable(key)) {
            throw new IOException("TLS directory " + dir.getFileName() + " needs readable tls.crt and tls.key");
        }
        List<Certificate> chain = certificates(crt);
        PrivateKey pk = privateKey(key);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "kubeli".toCharArray();
        ks.setKeyEntry("key", pk, pw, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        return kmf.getKeyManagers();
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Path ca) throws IOException, GeneralSecurityException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (Certificate c : certificates(ca)) ts.setCertificateEntry("ca" + i++, c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return tmf.getTrustManagers();
    }

    static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(pem)) {
            List<Certificate> out = new ArrayList<>(cf.generateCertificates(in));
            if (out.isEmpty()) throw new IOException("no certificate in " + pem.getFileName());
            return out;
        }
    }

    static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem);
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
            throw new IOException(pem.getFileName() + ": convert the key to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
        }
        int b = text.indexOf("-----BEGIN PRIVATE KEY-----"), e = text.indexOf("-----END PRIVATE KEY-----");
        if (b < 0 || e < 0) throw new IOException(pem.getFileName() + ": no PKCS#8 'BEGIN PRIVATE KEY' block");
        byte[] der = Base64.getMimeDecoder().decode(text.substring(b + 27, e));
        for (String alg : new String[] {"EC", "RSA", "Ed25519", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new IOException(pem.getFileName() + ": unsupported private key algorithm");
    }

    /** Reads certificates from PEM bytes (for Secrets read through the API). */
    public static List<Certificate> certificates(byte[] pem) throws GeneralSecurityException {
        return new ArrayList<>(
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
    }
}
