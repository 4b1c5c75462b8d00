package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS 1.3 on loopback with certificates generated at test time. */
class TlsIT {
    @TempDir
    Path tmp;

    TlsConfig serverTls;
    TlsConfig clientTls;
    TlsConfig strangerTls;

    @BeforeEach
    void certs() throws Exception {
        TestCerts ca = new TestCerts("kubeli-test-ca");
        serverTls = TlsConfig.fromDirectory(ca.issue(tmp.resolve("server"), "mediator"));
        clientTls = TlsConfig.fromDirectory(
                ca.issueSec1(tmp.resolve("client"), LinkProtocol.collectorCommonName("c1"))); // SEC1 key path
        strangerTls =
                TlsConfig.fromDirectory(new TestCerts("other-ca").issue(tmp.resolve("stranger"), "collector-x", ca));
    }

    @Test
    void mutualTlsWorks() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, serverTls), sink);
                LinkClient c = LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("s"), clientTls))) {
            for (int i = 0; i < 20_000; i++) {
                c.offer(TestData.record(i, 150));
            }
            assertTrue(c.flush(Duration.ofSeconds(30)));
            assertEquals(20_000, sink.count("c1"));
            assertEquals(sink.violations(), java.util.List.of());
        }
    }

    @Test
    void plainClientRefused() throws Exception {
        assertRefused(TlsConfig.none());
    }

    @Test
    void wrongCaClientRefused() throws Exception {
        assertRefused(strangerTls);
    }

    @Test
    void serverNotSignedByCaIsRefusedByClient() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(
                        TestData.server(
                                0,
                                TlsConfig.fromDirectory(new TestCerts("rogue-ca")
                                        .issue(tmp.resolve("rogue"), "mediator", new TestCerts("unused")))),
                        sink);
                LinkClient c = LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("s"), clientTls)
                        .withCloseTimeout(Duration.ofMillis(10)))) {
            c.offer(TestData.record(0, 150));
            assertFalse(c.flush(Duration.ofMillis(500)));
            assertEquals(0, sink.count("c1"));
        }
    }

    @Test
    void theServerPrefersAes128GcmAndStillTalksToPeersWithoutIt() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, serverTls), sink)) {
            assertEquals("TLS_AES_128_GCM_SHA256", negotiated(server.port(), null), "the server's order decides");
            // a peer whose policy allows AES-256 only (or ChaCha20 only) is still served
            assertEquals("TLS_AES_256_GCM_SHA384", negotiated(server.port(), "TLS_AES_256_GCM_SHA384"));
            assertEquals("TLS_CHACHA20_POLY1305_SHA256", negotiated(server.port(), "TLS_CHACHA20_POLY1305_SHA256"));
            // misconfigured peer: TLS 1.2 only is refused at the handshake (the preference order does not weaken TLS
            // 1.3)
            assertThrows(javax.net.ssl.SSLException.class, () -> negotiated(server.port(), "TLSv1.2"));
            assertEquals(0, sink.count("c1"));
        }
    }

    /** Handshakes a raw TLS client (the collector's certificate) offering suite or protocol {@code only} (null: defaults). */
    private String negotiated(int port, String only) throws Exception {
        javax.net.ssl.SSLContext ctx = Tls.context(clientTls);
        try (javax.net.ssl.SSLSocket s =
                (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            if ("TLSv1.2".equals(only)) s.setEnabledProtocols(new String[] {"TLSv1.2"});
            else s.setEnabledProtocols(Tls.PROTOCOLS);
            if (only != null && only.startsWith("TLS_")) s.setEnabledCipherSuites(new String[] {only});
            s.setSoTimeout(10_000);
            s.startHandshake();
            return s.getSession().getCipherSuite();
        }
    }

    private void assertRefused(TlsConfig tls) throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, serverTls), sink);
                LinkClient c = LinkClient.start(TestData.client(server.port(), "intruder", tmp.resolve("x"), tls)
                        .withCloseTimeout(Duration.ofMillis(10)))) {
            c.offer(TestData.record(0, 150));
            assertTrue(
                    TestData.await(Duration.ofSeconds(10), () -> server.stats().connectionsRefused() >= 2));
            assertFalse(c.flush(Duration.ofMillis(200)));
            assertEquals(0, sink.count("intruder"));
            assertFalse(c.stats().connected());
            assertTrue(server.connectedCollectors().isEmpty());
        }
    }
}
