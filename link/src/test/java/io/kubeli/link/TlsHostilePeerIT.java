package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and failing TLS peers on the link server: each is closed with one clear log line, the others are served. */
class TlsHostilePeerIT {
    @TempDir
    Path tmp;

    TlsConfig serverTls;
    TlsConfig clientTls;
    final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Logger serverLog = Logger.getLogger(ServerConnection.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void certs() throws Exception {
        TestCerts ca = new TestCerts("kubeli-test-ca");
        serverTls = TlsConfig.fromDirectory(ca.issue(tmp.resolve("server"), "mediator"));
        clientTls = TlsConfig.fromDirectory(ca.issueCollector(tmp.resolve("client"), "c1"));
        serverLog.addHandler(capture);
    }

    @AfterEach
    void unhook() {
        serverLog.removeHandler(capture);
    }

    @Test
    void aPeerThatNeverFinishesTheHandshakeIsClosedAtTheDeadlineWhileOthersAreServed() throws Exception {
        MemorySink sink = new MemorySink();
        // idle timeout 5 s: a byte every 200 ms would keep the handshake alive forever without the deadline
        try (LinkServer server = LinkServer.start(
                        TestData.server(0, serverTls).withHandshakeTimeout(Duration.ofSeconds(1)), sink);
                Socket slow = new Socket()) {
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            slow.setSoTimeout(200);
            OutputStream o = slow.getOutputStream();
            o.write(new byte[] {0x16, 0x03, 0x01, 0x40, 0x00}); // a ClientHello record of 16 KiB ...
            boolean closedByServer = false;
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            try (LinkClient c = LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("s"), clientTls))) {
                for (int i = 0; i < 2000; i++) {
                    c.offer(TestData.record(i, 150));
                }
                while (!closedByServer && System.nanoTime() < end) {
                    try {
                        o.write(0); // ... that never completes
                        closedByServer = slow.getInputStream().read() < 0;
                    } catch (SocketTimeoutException e) {
                        // still open
                    } catch (IOException e) {
                        closedByServer = true; // reset
                    }
                }
                assertTrue(c.flush(Duration.ofSeconds(30)), "the honest collector is served meanwhile");
            }
            assertTrue(closedByServer, "the trickling peer is closed at the handshake deadline, not kept for ever");
            assertEquals(2000, sink.count("c1"));
            assertTrue(server.stats().connectionsRefused() >= 1);
            assertTrue(
                    TestData.await(
                            Duration.ofSeconds(5),
                            () -> log.stream().anyMatch(m -> m.contains("no TLS handshake and HELLO within 1000 ms"))),
                    log.toString());
        }
    }

    @Test
    void garbageAfterTheHandshakeEndsOnlyThatConnection() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, serverTls), sink);
                Socket raw = new Socket("127.0.0.1", server.port());
                SSLSocket tls = layer(raw)) {
            tls.startHandshake();
            byte[] garbage = new byte[4096];
            new java.util.Random(7).nextBytes(garbage);
            garbage[0] = 0x17; // looks like application data, fails authentication
            raw.getOutputStream().write(garbage);
            assertTrue(closedByPeer(raw), "the server closes the connection that sent garbage");
            servesAnHonestCollector(server, sink);
            assertTrue(
                    TestData.await(
                            Duration.ofSeconds(5),
                            () -> log.stream()
                                    .anyMatch(m -> m.contains(raw.getLocalPort() + "")
                                            && (m.contains("ended") || m.contains("failed") || m.contains("refused")))),
                    log.toString());
        }
    }

    @Test
    void aPeerKilledInsideATlsRecordLosesNothingAcknowledgedAndStoresNothingMore() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, serverTls), sink)) {
            try (Socket raw = new Socket("127.0.0.1", server.port());
                    SSLSocket tls = layer(raw)) {
                tls.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(tls.getInputStream());
                tls.getOutputStream().write(Frames.hello(LinkProtocol.VERSION, "c1/raw", 0, 200));
                assertEquals(-1, readAck(in), "nothing stored yet");
                tls.getOutputStream().write(batch(0, 100));
                assertEquals(99, readAck(in), "the first batch is stored and acknowledged");
                // the second batch's TLS record is cut short: the peer dies inside it
                byte[] second = batch(100, 100);
                OutputStream o = raw.getOutputStream();
                o.write(new byte[] {0x17, 0x03, 0x03, (byte) ((second.length + 17) >> 8), (byte) (second.length + 17)});
                o.write(second, 0, second.length / 2);
                o.flush();
                raw.setSoLinger(true, 0); // killed: reset, no close_notify
                raw.close();
            }
            servesAnHonestCollector(server, sink);
            assertTrue(
                    TestData.await(Duration.ofSeconds(10), () -> server.stats().connectionsOpen() == 0));
            assertEquals(100, sink.count("c1/raw"), "exactly what was acknowledged");
            assertEquals(List.of(), sink.violations());
            // the same instance reconnects: the server reports what it holds, the collector resends the rest
            try (Socket raw = new Socket("127.0.0.1", server.port());
                    SSLSocket tls = layer(raw)) {
                tls.setSoTimeout(10_000);
                tls.getOutputStream().write(Frames.hello(LinkProtocol.VERSION, "c1/raw", 100, 200));
                DataInputStream in = new DataInputStream(tls.getInputStream());
                assertEquals(99, readAck(in));
                tls.getOutputStream().write(batch(100, 100));
                assertEquals(199, readAck(in));
            }
            assertEquals(200, sink.count("c1/raw"));
            assertEquals(List.of(), sink.violations());
        }
    }

    private void servesAnHonestCollector(LinkServer server, MemorySink sink) throws Exception {
        try (LinkClient c = LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("honest"), clientTls))) {
            for (int i = 0; i < 1000; i++) {
                c.offer(TestData.record(i, 150));
            }
            assertTrue(c.flush(Duration.ofSeconds(30)));
        }
        assertEquals(1000, sink.count("c1"));
    }

    /** TLS over {@code raw} with the collector's certificate, so bytes can also be written under the TLS layer. */
    private SSLSocket layer(Socket raw) throws IOException {
        SSLSocket s = (SSLSocket)
                Tls.context(clientTls).getSocketFactory().createSocket(raw, "localhost", raw.getPort(), false);
        s.setEnabledProtocols(Tls.PROTOCOLS);
        s.setUseClientMode(true);
        return s;
    }

    private static byte[] batch(long first, int n) {
        List<LinkRecord> recs = new ArrayList<>();
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            LinkRecord r = TestData.record(first + i, 150);
            recs.add(r);
            bytes += r.encodedSize();
        }
        ByteBuffer b = ByteBuffer.allocate(Frames.batchFrameSize(n, bytes));
        Frames.writeBatch(b, first, recs, 0, n);
        return b.array();
    }

    /** The highest stored sequence of the next ACK (heartbeats skipped). */
    private static long readAck(DataInputStream in) throws IOException {
        while (true) {
            byte type = in.readByte();
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            if (type == LinkProtocol.ACK) {
                return ByteBuffer.wrap(body).getLong();
            }
            if (type != LinkProtocol.HEARTBEAT) {
                throw new IOException("unexpected frame type " + type);
            }
        }
    }

    private static boolean closedByPeer(Socket raw) throws IOException {
        raw.setSoTimeout(20_000);
        InputStream in = raw.getInputStream();
        try {
            while (in.read() >= 0) {
                // an alert may come first
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
