package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client and server over real loopback sockets (plain TCP). */
class LinkIT {
    @TempDir
    Path tmp;

    @Test
    void everyRecordExactlyOnceInOrder() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink);
                LinkClient c =
                        LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("s"), TlsConfig.none()))) {
            TestData.offerAll(c, 0, 50_000);
            assertTrue(c.flush(Duration.ofSeconds(30)));
            TestData.assertExact(sink, "c1", 50_000);
            LinkClientStats s = c.stats();
            assertEquals(50_000, s.acked());
            assertEquals(0, s.lost());
            assertEquals(0, server.stats().duplicates());
        }
    }

    @Test
    void severalCollectorsConcurrently() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink)) {
            List<Thread> threads = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
            for (int k = 0; k < 3; k++) {
                String id = "c" + k;
                Path dir = tmp.resolve(id);
                threads.add(Thread.ofPlatform().name("test-offer-" + k).start(() -> {
                    try (LinkClient c = LinkClient.start(TestData.client(server.port(), id, dir, TlsConfig.none()))) {
                        TestData.offerAll(c, 0, 20_000);
                        if (c.flush(Duration.ofSeconds(30))) {
                            ok.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(60_000);
            }
            assertEquals(3, ok.get());
            for (int k = 0; k < 3; k++) {
                TestData.assertExact(sink, "c" + k, 20_000);
            }
        }
    }

    @Test
    void serverRestartMidStreamLosesNothing() throws Exception {
        MemorySink sink = new MemorySink();
        LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink);
        int port = server.port();
        try (LinkClient c = LinkClient.start(
                TestData.client(port, "c1", tmp.resolve("s"), TlsConfig.none()).withQueueCapacity(5000))) {
            TestData.offerAll(c, 0, 20_000);
            TestData.await(Duration.ofSeconds(10), () -> sink.count("c1") > 1000);
            server.close();
            TestData.offerAll(c, 20_000, 30_000); // some of these go to the spool
            server = LinkServer.start(TestData.server(port, TlsConfig.none()), sink);
            TestData.offerAll(c, 30_000, 40_000);
            assertTrue(c.flush(Duration.ofSeconds(30)), "flushed: " + c.stats());
            TestData.assertExact(sink, "c1", 40_000);
            assertTrue(c.stats().reconnects() >= 1);
        } finally {
            server.close();
        }
    }

    @Test
    void crashAfterStoreBeforeAckIsDeduplicated() throws Exception {
        MemorySink sink = new MemorySink();
        LinkServer[] server = {LinkServer.start(TestData.server(0, TlsConfig.none()), sink)};
        int port = server[0].port();
        // the first store "crashes" the server: records are durable but no ACK is sent
        LinkServer first = server[0];
        java.util.concurrent.CountDownLatch down = new java.util.concurrent.CountDownLatch(1);
        sink.afterStore = () -> {
            sink.afterStore = null;
            Thread.ofPlatform().start(() -> {
                try {
                    first.close();
                } catch (Exception ignored) {
                    // test
                } finally {
                    down.countDown();
                }
            });
            throw new RuntimeException("simulated crash after durable store");
        };
        try (LinkClient c = LinkClient.start(TestData.client(port, "c1", tmp.resolve("s"), TlsConfig.none()))) {
            TestData.offerAll(c, 0, 10_000);
            assertTrue(down.await(10, java.util.concurrent.TimeUnit.SECONDS));
            server[0] = LinkServer.start(TestData.server(port, TlsConfig.none()), sink);
            assertTrue(c.flush(Duration.ofSeconds(30)), "flushed: " + c.stats());
            TestData.assertExact(sink, "c1", 10_000);
            // the stored-but-unacked records were released by the ACK answering the new HELLO, not resent
        } finally {
            server[0].close();
        }
    }

    @Test
    void clientRestartResendsSpoolAndQueue() throws Exception {
        MemorySink sink = new MemorySink();
        Path spool = tmp.resolve("s");
        int port;
        try (LinkServer probe = LinkServer.start(TestData.server(0, TlsConfig.none()), sink)) {
            port = probe.port();
        }
        // no server: 3000 records in memory, the rest spooled; close saves the queue
        LinkClientConfig cfg = TestData.client(port, "c1", spool, TlsConfig.none())
                .withQueueCapacity(3000)
                .withCloseTimeout(Duration.ofMillis(100));
        try (LinkClient c = LinkClient.start(cfg)) {
            TestData.offerAll(c, 0, 10_000);
            assertEquals(7000, c.stats().spooled());
        }
        try (LinkServer server = LinkServer.start(TestData.server(port, TlsConfig.none()), sink);
                LinkClient c = LinkClient.start(cfg)) {
            TestData.offerAll(c, 10_000, 12_000);
            assertTrue(c.flush(Duration.ofSeconds(30)), "flushed: " + c.stats());
            TestData.assertExact(sink, "c1", 12_000);
        }
        // a third life: the link sequence continues, nothing is re-delivered
        try (LinkServer server = LinkServer.start(TestData.server(port, TlsConfig.none()), sink);
                LinkClient c = LinkClient.start(cfg)) {
            TestData.offerAll(c, 12_000, 12_100);
            assertTrue(c.flush(Duration.ofSeconds(30)));
            TestData.assertExact(sink, "c1", 12_100);
            assertEquals(0, server.stats().duplicates());
        }
    }

    @Test
    void lostSpoolDirectoryIsRenumberedNotDeduplicated() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink)) {
            try (LinkClient c =
                    LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("a"), TlsConfig.none()))) {
                TestData.offerAll(c, 0, 1000);
                assertTrue(c.flush(Duration.ofSeconds(30)));
            }
            // the collector comes back with an empty spool directory (e.g. emptyDir after a pod move)
            try (LinkClient c =
                    LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("b"), TlsConfig.none()))) {
                TestData.offerAll(c, 1000, 2000);
                assertTrue(c.flush(Duration.ofSeconds(30)), "flushed: " + c.stats());
                assertTrue(c.stats().nextSeq() > 1000);
            }
            // a spool directory whose sequence file lags behind the mediator (clock skew, restored backup): renumbered
            java.nio.file.Files.createDirectories(tmp.resolve("c"));
            java.nio.file.Files.writeString(tmp.resolve("c").resolve("link.seq"), "5\n");
            try (LinkClient c =
                    LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("c"), TlsConfig.none()))) {
                TestData.offerAll(c, 2000, 3000);
                assertTrue(c.flush(Duration.ofSeconds(30)), "flushed: " + c.stats());
            }
            TestData.assertExact(sink, "c1", 3000);
        }
    }

    @Test
    void backPressureSpoolsThenDrains() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink);
                LinkClient c = LinkClient.start(TestData.client(server.port(), "c1", tmp.resolve("s"), TlsConfig.none())
                        .withQueueCapacity(2000))) {
            TestData.offerAll(c, 0, 1000);
            assertTrue(c.flush(Duration.ofSeconds(10)));
            sink.full.set(true);
            TestData.offerAll(c, 1000, 20_000);
            assertTrue(
                    TestData.await(Duration.ofSeconds(10), () -> server.stats().backPressureEvents() > 0));
            assertTrue(c.stats().spooled() > 0, "spooled while the store was full");
            assertEquals(1000, sink.count("c1"));
            sink.full.set(false);
            assertTrue(c.flush(Duration.ofSeconds(30)), "drained: " + c.stats());
            TestData.assertExact(sink, "c1", 20_000);
            assertEquals(0, c.stats().lost());
        }
    }

    @Test
    void spoolFullCountsLoss() throws Exception {
        int port;
        try (LinkServer probe = LinkServer.start(TestData.server(0, TlsConfig.none()), new MemorySink())) {
            port = probe.port();
        }
        try (LinkClient c = LinkClient.start(TestData.client(port, "c1", tmp.resolve("s"), TlsConfig.none())
                .withQueueCapacity(100)
                .withSpoolMaxBytes(1 << 20)
                .withCloseTimeout(Duration.ofMillis(10)))) {
            int refused = 0;
            for (int i = 0; i < 20_000; i++) {
                if (!c.offer(TestData.record(i, 150))) {
                    refused++;
                }
            }
            LinkClientStats s = c.stats();
            assertTrue(refused > 0);
            assertEquals(refused, s.lost());
            assertEquals(20_000, s.offered());
            assertEquals(20_000 - refused, 100 + s.spooled());
        }
    }

    @Test
    void reconnectStorm() throws Exception {
        MemorySink sink = new MemorySink();
        LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink);
        int port = server.port();
        try (LinkClient c = LinkClient.start(
                TestData.client(port, "c1", tmp.resolve("s"), TlsConfig.none()).withQueueCapacity(4000))) {
            long next = 0;
            for (int cycle = 0; cycle < 15; cycle++) {
                TestData.offerAll(c, next, next + 2000);
                next += 2000;
                Thread.sleep(cycle % 3 * 5L);
                server.close();
                TestData.offerAll(c, next, next + 500);
                next += 500;
                server = LinkServer.start(TestData.server(port, TlsConfig.none()), sink);
            }
            assertTrue(c.flush(Duration.ofSeconds(60)), "flushed: " + c.stats());
            TestData.assertExact(sink, "c1", (int) next);
            assertEquals(0, c.stats().lost());
        } finally {
            server.close();
        }
    }

    @Test
    void badInputClosesOnlyThatConnection() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server =
                        LinkServer.start(TestData.server(0, TlsConfig.none()).withMaxFrameBytes(64 * 1024), sink);
                LinkClient c =
                        LinkClient.start(TestData.client(server.port(), "good", tmp.resolve("s"), TlsConfig.none())
                                .withBatch(100, Duration.ofMillis(1)))) {
            TestData.offerAll(c, 0, 5000);
            byte[] hello = Frames.hello(LinkProtocol.VERSION, "bad", -1, 0);
            byte[][] attacks = {
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(), // garbage
                concat(hello, new byte[] {2, 0, 0, 0, 100, 1, 2, 3}), // truncated frame, then EOF
                concat(hello, new byte[] {2, 0x10, 0, 0, 0}), // oversized frame
                Frames.hello(99, "bad", -1, 0), // wrong version
                concat(hello, new byte[] {42, 0, 0, 0, 0}), // unknown type
                concat(hello, Frames.ack(5)), // unexpected frame from a collector
            };
            for (byte[] a : attacks) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(5000);
                    OutputStream os = s.getOutputStream();
                    os.write(a);
                    os.flush();
                    s.shutdownOutput();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    int bounded = 0;
                    while (in.read() >= 0 && bounded++ < 10_000) {
                        // drain until the server closes
                    }
                }
                TestData.offerAll(
                        c,
                        5000 + (long) java.util.Arrays.asList(attacks).indexOf(a) * 1000,
                        6000 + (long) java.util.Arrays.asList(attacks).indexOf(a) * 1000);
            }
            assertTrue(c.flush(Duration.ofSeconds(30)));
            TestData.assertExact(sink, "good", 5000 + attacks.length * 1000);
            LinkServerStats st = server.stats();
            assertTrue(st.protocolErrors() + st.connectionsRefused() >= attacks.length - 1, st.toString());
            assertEquals(0, c.stats().reconnects(), "the good client was never disturbed");
            assertEquals(List.of("good"), List.copyOf(server.connectedCollectors()));
        }
    }

    private static byte[] batchFrame(long first, int n) {
        List<LinkRecord> recs = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            recs.add(TestData.record(first + i, 150));
        }
        ByteBuffer b = ByteBuffer.allocate(Frames.batchFrameSize(
                n, recs.stream().mapToInt(LinkRecord::encodedSize).sum()));
        Frames.writeBatch(b, first, recs, 0, n);
        return b.array();
    }

    @Test
    void serverDiscardsDuplicatesAndTimesOutIdleConnections() throws Exception {
        MemorySink sink = new MemorySink();
        try (LinkServer server = LinkServer.start(
                TestData.server(0, TlsConfig.none()).withHeartbeat(Duration.ofMillis(100), Duration.ofMillis(800)),
                sink)) {
            for (int life = 0; life < 2; life++) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(5000);
                    OutputStream os = s.getOutputStream();
                    Frames.Reader in = new Frames.Reader(new DataInputStream(s.getInputStream()), 1 << 20);
                    os.write(Frames.hello(LinkProtocol.VERSION, "raw", 0, 15));
                    assertEquals(new Frames.Ack(life == 0 ? -1 : 14), in.read());
                    os.write(batchFrame(0, 10));
                    os.write(batchFrame(5, 10)); // overlaps 5..9
                    long acked = -1;
                    int heartbeats = 0;
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    try {
                        while (System.nanoTime() < deadline) {
                            Frames.Frame f = in.read();
                            if (f instanceof Frames.Ack a) {
                                acked = a.highestStored();
                            } else if (f instanceof Frames.Heartbeat) {
                                heartbeats++;
                            }
                        }
                    } catch (java.io.IOException closedForIdleness) {
                        // expected: we never sent a heartbeat
                    }
                    assertEquals(14, acked);
                    assertTrue(heartbeats > 0, "server heartbeats while idle");
                }
            }
            assertEquals(List.of(), sink.violations());
            assertEquals(15, sink.count("raw"));
            assertEquals(5 + 20, server.stats().duplicates(), "5 overlapping, then 20 resent in the second life");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }
}
