package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 obs 3 (contract C2): a raw link peer holding a VALID client certificate misbehaves (claims another
 * collector's id, sends a batch numbered 2^63-2, jumps, sends garbage); it is refused and the real collector's
 * records all still arrive, exactly once and in order, across a server restart too.
 */
class LinkIdentityIT {
    @TempDir
    Path tmp;

    TestCerts ca;
    TlsConfig serverTls;
    TlsConfig realTls;
    Path hostileDir;

    @BeforeEach
    void certs() throws Exception {
        ca = new TestCerts("kubeli-test-ca");
        serverTls = TlsConfig.fromDirectory(ca.issue(tmp.resolve("server"), "mediator"));
        realTls = TlsConfig.fromDirectory(ca.issueCollector(tmp.resolve("real"), "site-a"));
        hostileDir = ca.issueCollector(tmp.resolve("hostile"), "site-b");
    }

    /** A hand-driven TLS link connection with the hostile (valid) certificate. */
    final class RawPeer implements AutoCloseable {
        final SSLSocket s;
        final OutputStream out;
        final Frames.Reader in;

        RawPeer(int port, Path certDir) throws Exception {
            s = (SSLSocket) Tls.context(TlsConfig.fromDirectory(certDir))
                    .getSocketFactory()
                    .createSocket("127.0.0.1", port);
            s.setSoTimeout(10_000);
            s.startHandshake();
            out = s.getOutputStream();
            in = new Frames.Reader(new DataInputStream(new BufferedInputStream(s.getInputStream())), 1 << 20);
        }

        Frames.Frame hello(String id, long firstUnacked, long nextSeq) throws IOException {
            out.write(Frames.hello(LinkProtocol.VERSION, id, firstUnacked, nextSeq));
            out.flush();
            return in.read();
        }

        void batch(long first, int n) throws IOException {
            List<LinkRecord> recs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                recs.add(TestData.record(i, 100));
            }
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            Frames.writeBatch(b, first, recs, 0, n);
            out.write(b.array(), 0, b.position());
            out.flush();
        }

        /** The next frame that is not a heartbeat/ack, or null once the server closed the connection. */
        Frames.Frame untilClosed() throws IOException {
            try {
                while (true) {
                    Frames.Frame f = in.read();
                    if (f instanceof Frames.Reject) {
                        return f;
                    }
                }
            } catch (IOException closed) { // EOF, reset, TLS alert: closed
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    private static void offer(LinkClient c, long from, long to) {
        for (long i = from; i < to; i++) {
            assertTrue(c.offer(TestData.record(i, 150)));
        }
    }

    @Test
    void aPeerWithAValidCertificateCannotDisturbAnotherCollector() throws Exception {
        MemorySink sink = new MemorySink();
        String real = "site-a/node-1";
        int port = freePort();
        try (LinkClient c = LinkClient.start(TestData.client(port, real, tmp.resolve("spool"), realTls))) {
            try (LinkServer server = LinkServer.start(TestData.server(port, serverTls), sink)) {
                offer(c, 0, 5_000);
                assertTrue(c.flush(Duration.ofSeconds(30)), () -> c.stats().toString());
                long realHighest = sink.highestStored(real); // link sequences start at the wall clock in ns

                // 1. claims the real collector's id (and a prefix look-alike): REJECT naming the reason, no takeover
                for (String claim : List.of(real, "site-a", "site-ab/node-1")) {
                    try (RawPeer p = new RawPeer(port, hostileDir)) {
                        Frames.Reject r = assertInstanceOf(Frames.Reject.class, p.hello(claim, 0, 1L << 40));
                        assertEquals(LinkProtocol.REJECT_IDENTITY, r.code());
                        assertTrue(r.reason().contains("not authorised by the client certificate"), r.reason());
                    }
                }
                assertEquals(3, server.stats().identityRefused());
                assertEquals(java.util.Set.of(real), server.connectedCollectors()); // the real link was not superseded

                // 2. its own id, a batch numbered 2^63-2: refused, nothing stored, no state changed
                try (RawPeer p = new RawPeer(port, hostileDir)) {
                    assertInstanceOf(Frames.Ack.class, p.hello("site-b/x", 0, 0));
                    p.batch(Long.MAX_VALUE - 1, 3);
                    assertRejectedOrClosed(p.untilClosed());
                }
                assertTrue(TestData.await(
                        Duration.ofSeconds(5), () -> server.stats().sequenceRefused() == 1));
                // a hello announcing that space is refused as well
                try (RawPeer p = new RawPeer(port, hostileDir)) {
                    Frames.Reject r = assertInstanceOf(
                            Frames.Reject.class, p.hello("site-b/x", Long.MAX_VALUE - 1, Long.MAX_VALUE));
                    assertTrue(r.reason().contains("out of range"), r.reason());
                }
                // 3. a jump inside a connection: the contiguous part is stored, the jump refused
                try (RawPeer p = new RawPeer(port, hostileDir)) {
                    assertInstanceOf(Frames.Ack.class, p.hello("site-b/y", 0, 10));
                    p.batch(0, 2);
                    p.batch(1000, 2);
                    assertRejectedOrClosed(p.untilClosed());
                }
                assertTrue(TestData.await(
                        Duration.ofSeconds(5), () -> server.stats().sequenceRefused() == 3));
                // 4. garbage after a good hello
                try (RawPeer p = new RawPeer(port, hostileDir)) {
                    assertInstanceOf(Frames.Ack.class, p.hello("site-b/z", 0, 0));
                    p.out.write(new byte[] {9, 0, 0, 0, 4, 1, 2, 3, 4});
                    p.out.flush();
                    assertRejectedOrClosed(p.untilClosed());
                }
                assertTrue(TestData.await(
                        Duration.ofSeconds(5), () -> server.stats().protocolErrors() >= 3));
                assertEquals(-1, sink.highestStored("site-b/x"));
                assertEquals(0, sink.count("site-b/x"));
                assertTrue(sink.highestStored("site-b/y") <= 1);
                assertEquals(-1, sink.highestStored("site-b/z"));
                assertEquals(realHighest, sink.highestStored(real));

                offer(c, 5_000, 10_000);
                assertTrue(c.flush(Duration.ofSeconds(30)), () -> c.stats().toString());
            }
            // 5. a restart of the server (same durable sink): the real collector goes on undisturbed
            offer(c, 10_000, 12_000);
            try (LinkServer again = LinkServer.start(TestData.server(port, serverTls), sink)) {
                try (RawPeer p = new RawPeer(port, hostileDir)) {
                    assertInstanceOf(Frames.Reject.class, p.hello(real, 0, 0));
                }
                offer(c, 12_000, 15_000);
                assertTrue(c.flush(Duration.ofSeconds(30)), () -> c.stats().toString());
            }
        }
        assertEquals(List.of(), sink.violations());
        assertEquals(15_000, sink.count(real));
        List<LinkRecord> got = sink.records.get(real);
        for (int i = 0; i < got.size(); i++) {
            assertEquals(TestData.record(i, 150), got.get(i));
        }
    }

    @Test
    void aCertificateWithoutTheCollectorCnIsRefused() throws Exception {
        MemorySink sink = new MemorySink();
        Path plainCn = ca.issue(tmp.resolve("plain-cn"), "collector-1");
        try (LinkServer server = LinkServer.start(TestData.server(0, serverTls), sink);
                RawPeer p = new RawPeer(server.port(), plainCn)) {
            Frames.Reject r = assertInstanceOf(Frames.Reject.class, p.hello("collector-1", 0, 0));
            assertEquals(LinkProtocol.REJECT_IDENTITY, r.code());
            assertTrue(r.reason().contains("kubeli-collector:"), r.reason());
        }
    }

    /** A REJECT is sent before closing; under load the close (TCP reset of unread input) may overtake it. */
    private static void assertRejectedOrClosed(Frames.Frame f) {
        if (f != null) {
            assertEquals(
                    LinkProtocol.REJECT_PROTOCOL,
                    assertInstanceOf(Frames.Reject.class, f).code());
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
