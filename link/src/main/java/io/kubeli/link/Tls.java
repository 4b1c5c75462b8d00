package io.kubeli.link;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.TrustManagerFactory;

/** Builds JSSE contexts for mutual TLS 1.3 from Secret-style files (package-private). */
final class Tls {
    static final String[] PROTOCOLS = {"TLSv1.3"};

    /** TLS records {@link #warmUp} seals and opens: enough for C2 to compile the record path with its GCM intrinsics. */
    static final int WARM_UP_RECORDS = 12_000;

    private Tls() {}

    /**
     * Runs TLS 1.3 records through a pair of in-memory engines of {@code ctx} (the link's suite, AAD, in-place
     * decryption: what JSSE does with every record) until the JIT has compiled that path. Without it the first
     * seconds of a busy link run GHASH in the interpreter and C1 (measured: GHASH 30-46 % of the mediator's CPU
     * samples); compiled, it costs ~0.2 ns per byte. Best effort: any failure only skips the warm-up.
     *
     * @return the records the server engine opened whole (0 when the warm-up was skipped)
     */
    static int warmUp(SSLContext ctx, int records) {
        try {
            SSLEngine server = ctx.createSSLEngine();
            server.setUseClientMode(false);
            server.setEnabledProtocols(PROTOCOLS);
            SSLEngine client = ctx.createSSLEngine("kubeli-warm-up", 1);
            client.setUseClientMode(true);
            client.setEnabledProtocols(PROTOCOLS);
            client.setEnabledCipherSuites(new String[] {"TLS_AES_128_GCM_SHA256"});
            int net = Math.max(
                            server.getSession().getPacketBufferSize(),
                            client.getSession().getPacketBufferSize())
                    * 4;
            int app = Math.max(
                            server.getSession().getApplicationBufferSize(),
                            client.getSession().getApplicationBufferSize())
                    * 4;
            ByteBuffer toServer = ByteBuffer.allocate(net);
            ByteBuffer toClient = ByteBuffer.allocate(net);
            ByteBuffer serverApp = ByteBuffer.allocate(app);
            ByteBuffer clientApp = ByteBuffer.allocate(app);
            ByteBuffer none = ByteBuffer.allocate(0);
            ByteBuffer payload = ByteBuffer.allocate(16384);
            client.beginHandshake();
            server.beginHandshake();
            for (int i = 0; i < 200 && (handshaking(server) || handshaking(client)); i++) {
                client.wrap(none, toServer);
                server.wrap(none, toClient);
                exchange(toServer, server, serverApp);
                exchange(toClient, client, clientApp);
            }
            if (handshaking(server) || handshaking(client)) {
                return 0;
            }
            int opened = 0;
            for (int i = 0; i < records; i++) {
                payload.clear().limit(i % 16 == 0 ? 16384 : 1024 + (i % 7) * 100); // mostly short: cheap while slow
                int sealed = client.wrap(payload, toServer).bytesConsumed();
                if (sealed > 0 && exchange(toServer, server, serverApp) == sealed) {
                    opened++;
                }
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            return 0; // only a speed-up: the real connections report real problems
        }
    }

    private static boolean handshaking(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        if (s == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            Runnable t;
            while ((t = e.getDelegatedTask()) != null) {
                t.run();
            }
            s = e.getHandshakeStatus();
        }
        return s != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && s != SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** Feeds what {@code in} holds to {@code e} as received network data. */
    private static int exchange(ByteBuffer in, SSLEngine e, ByteBuffer app) throws IOException {
        in.flip();
        int produced = 0;
        while (in.hasRemaining()) {
            SSLEngineResult r = e.unwrap(in, app);
            handshaking(e);
            produced += r.bytesProduced();
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                break;
            }
        }
        in.compact();
        app.clear();
        return produced;
    }

    /** An SSLContext with our key and the CA as the only trust anchor; clear IOException on bad files. */
    static SSLContext context(TlsConfig cfg) throws IOException {
        Path d = cfg.directory();
        try {
            char[] pass = new char[0];
            KeyStore ks;
            Path p12 = d.resolve("keystore.p12");
            if (Files.exists(p12)) {
                Path pw = d.resolve("keystore.password");
                if (Files.exists(pw)) {
                    pass = Files.readString(pw).strip().toCharArray();
                }
                ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(p12)) {
                    ks.load(in, pass);
                }
            } else {
                List<Certificate> chain = certs(d.resolve("tls.crt"));
                if (chain.isEmpty()) {
                    throw new IOException("no certificate in " + d.resolve("tls.crt"));
                }
                PrivateKey key = key(
                        d.resolve("tls.key"), chain.getFirst().getPublicKey().getAlgorithm());
                ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("link", key, pass, chain.toArray(Certificate[]::new));
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (Certificate c : certs(d.resolve("ca.crt"))) {
                ts.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IOException("no CA certificate in " + d.resolve("ca.crt"));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load TLS material from " + d + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certs(Path p) throws IOException, GeneralSecurityException {
        if (!Files.exists(p)) {
            throw new IOException("missing " + p);
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        return new ArrayList<>(cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(p))));
    }

    private static PrivateKey key(Path p, String algorithm) throws IOException, GeneralSecurityException {
        if (!Files.exists(p)) {
            throw new IOException("missing " + p);
        }
        String pem = Files.readString(p, StandardCharsets.US_ASCII);
        if (pem.contains("BEGIN PRIVATE KEY")) {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(body(pem, "PRIVATE KEY")));
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(body(pem, "RSA PRIVATE KEY"))));
        }
        if (pem.contains("BEGIN EC PRIVATE KEY")) {
            return KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(sec1ToPkcs8(body(pem, "EC PRIVATE KEY"), p)));
        }
        throw new IOException(
                p + ": expected a PEM 'PRIVATE KEY' (PKCS#8), 'RSA PRIVATE KEY' (PKCS#1) or 'EC PRIVATE KEY' (SEC1)");
    }

    private static byte[] body(String pem, String label) throws IOException {
        int b = pem.indexOf("-----BEGIN " + label + "-----");
        int e = pem.indexOf("-----END " + label + "-----");
        if (b < 0 || e < b) {
            throw new IOException("malformed PEM " + label);
        }
        String base64 = pem.substring(b + label.length() + 16, e).replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algId = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = der(0x04, pkcs1);
        byte[] inner = new byte[version.length + algId.length + octet.length];
        System.arraycopy(version, 0, inner, 0, version.length);
        System.arraycopy(algId, 0, inner, version.length, algId.length);
        System.arraycopy(octet, 0, inner, version.length + algId.length, octet.length);
        return der(0x30, inner);
    }

    /** Wraps a SEC1 ECPrivateKey (with its named-curve parameters) in a PKCS#8 PrivateKeyInfo. */
    private static byte[] sec1ToPkcs8(byte[] sec1, Path p) throws IOException {
        // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] ECParameters OPTIONAL, [1]
        // publicKey OPTIONAL }
        int[] pos = {0};
        if ((sec1[0] & 0xff) != 0x30) {
            throw new IOException(p + ": malformed EC PRIVATE KEY");
        }
        pos[0] = 1;
        readLength(sec1, pos);
        byte[] curve = null;
        while (pos[0] < sec1.length) {
            int tag = sec1[pos[0]++] & 0xff;
            int len = readLength(sec1, pos);
            if (tag == 0xa0) {
                curve = java.util.Arrays.copyOfRange(sec1, pos[0], pos[0] + len); // the curve OID TLV
                break;
            }
            pos[0] += len;
        }
        if (curve == null || curve[0] != 0x06) {
            throw new IOException(p + ": EC PRIVATE KEY without a named curve; use PKCS#8");
        }
        byte[] ecOid = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
        byte[] algId = der(0x30, concat(ecOid, curve));
        return der(0x30, concat(concat(new byte[] {0x02, 0x01, 0x00}, algId), der(0x04, sec1)));
    }

    private static int readLength(byte[] b, int[] pos) throws IOException {
        int first = b[pos[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int n = first & 0x7f;
        if (n < 1 || n > 3) {
            throw new IOException("unsupported DER length");
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = (len << 8) | (b[pos[0]++] & 0xff);
        }
        return len;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] len = n < 128
                ? new byte[] {(byte) n}
                : n < 256
                        ? new byte[] {(byte) 0x81, (byte) n}
                        : n < 65536
                                ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + len.length + n];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(content, 0, out, 1 + len.length, n);
        return out;
    }
}
