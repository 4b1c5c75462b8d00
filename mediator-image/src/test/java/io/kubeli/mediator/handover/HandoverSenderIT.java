package io.kubeli.mediator.handover;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.TestPdus;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import io.kubeli.mediator.lea.Summary;
import io.kubeli.mediator.store.DeliveryLog;
import io.kubeli.mediator.store.LinkSegmentLog;
import io.kubeli.mediator.store.StoredRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable log -> HI3 sender -> LEA receiver on loopback, with the agency misbehaving in each way the issue lists. */
class HandoverSenderIT {
    @TempDir
    Path tmp;

    private final List<AutoCloseable> closeMe = new ArrayList<>();

    @AfterEach
    void cleanup() throws Exception {
        for (AutoCloseable c : closeMe.reversed()) c.close();
    }

    private DeliveryLog log() throws Exception {
        DeliveryLog l = new LinkSegmentLog(tmp.resolve("log"), 64 * 1024, 64 << 20, FsyncPolicy.none());
        closeMe.add(l);
        return l;
    }

    private LeaReceiver receiver(LeaOptions o) throws Exception {
        LeaReceiver r = new LeaReceiver(o.withRecordDir(tmp.resolve("lea")));
        r.start();
        closeMe.add(r);
        return r;
    }

    private HandoverSender sender(DeliveryLog log, int port) {
        return sender(log, port, null);
    }

    private HandoverSender sender(DeliveryLog log, int port, javax.net.ssl.SSLContext tls) {
        Endpoint ep = new Endpoint(
                "127.0.0.1",
                port,
                tls,
                Duration.ofMillis(200),
                Duration.ofMillis(800),
                Duration.ofMillis(50),
                Duration.ofMillis(400),
                "OP",
                "test",
                null);
        HandoverSender s = new HandoverSender("agency-a", "hi3", log, () -> ep, new HiStats(), null);
        s.start();
        closeMe.add(s);
        return s;
    }

    private static List<byte[]> append(DeliveryLog log, int from, int count) throws Exception {
        List<byte[]> sent = new ArrayList<>();
        StoredRecord.Buf buf = new StoredRecord.Buf();
        for (int i = from; i < from + count; i++) {
            byte[] pdu = TestPdus.cc("LIID-A", 7, i, 150);
            sent.add(pdu);
            int n = StoredRecord.encode(buf, true, "ic-a", "agency-a", "coll-1", i, pdu, 0, pdu.length);
            log.append(buf.array(), 0, n);
            if (i % 100 == 99) log.sync();
        }
        log.sync();
        return sent;
    }

    private List<byte[]> deliveredDedup() throws Exception {
        return dedup(records(tmp.resolve("lea/hi3.ber")));
    }

    /** Appends records 0..n-1 to {@code log} and waits until the agency has confirmed them all. */
    private static List<byte[]> appendConfirmed(DeliveryLog log, int n, long timeoutMs, String what) throws Exception {
        List<byte[]> sent = append(log, 0, n);
        assertTrue(await(timeoutMs, () -> log.committed() == n), what);
        return sent;
    }

    private static void assertNoGaps(Summary s, long unique) {
        assertEquals(0, s.missing(), () -> "gaps: " + s.toJson());
        assertEquals(unique, s.uniqueRecords(), () -> s.toJson());
    }

    @Test
    void happyPathDeliversEveryRecordOnceInOrderByteExact() throws Exception {
        DeliveryLog log = log();
        LeaReceiver lea = receiver(LeaOptions.defaults());
        HandoverSender s = sender(log, lea.hi3Port());
        List<byte[]> sent = appendConfirmed(log, 3000, 20_000, "all confirmed by keep-aliveResponses");
        lea.flush();
        List<byte[]> got = records(tmp.resolve("lea/hi3.ber"));
        assertSameRecords(sent, got); // no resend without a fault: exact stream
        assertNoGaps(lea.summary(), 3000);
        assertEquals(0, lea.summary().duplicates());
        assertEquals(0, s.stats().resent.get());
        assertTrue(s.stats().lastKeepAliveRttMicros >= 0);
    }

    @Test
    void tlsToTheAgency() throws Exception {
        io.kubeli.mediator.TestCerts certs = new io.kubeli.mediator.TestCerts();
        Path serverDir = certs.leaf(tmp.resolve("lea-tls"), "lea");
        Path clientDir = tmp.resolve("client-tls");
        java.nio.file.Files.createDirectories(clientDir);
        java.nio.file.Files.copy(serverDir.resolve("ca.crt"), clientDir.resolve("ca.crt"));
        DeliveryLog log = log();
        LeaReceiver lea = receiver(LeaOptions.defaults().withTlsDir(serverDir));
        sender(log, lea.hi3Port(), io.kubeli.mediator.tls.TlsFiles.client(clientDir));
        List<byte[]> sent = appendConfirmed(log, 1000, 20_000, "delivered and confirmed over TLS");
        lea.flush();
        assertSameRecords(sent, records(tmp.resolve("lea/hi3.ber")));
    }

    @Test
    void keepAlivesFromTheAgencyAreAnswered() throws Exception {
        DeliveryLog log = log();
        try (java.net.ServerSocket agency = new java.net.ServerSocket(0)) {
            sender(log, agency.getLocalPort());
            agency.setSoTimeout(10_000);
            try (java.net.Socket s = agency.accept()) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(io.kubeli.mediator.TestPdus.keepAlive(false, "lemf", 5));
                s.getOutputStream().flush();
                var got = io.kubeli.mediator.Streams.readUntil(
                        s.getInputStream(), l -> l.stream().anyMatch(v -> v.isKeepAliveResponse()));
                var resp = got.stream().filter(v -> v.isKeepAliveResponse()).findFirst();
                assertTrue(resp.isPresent(), "the mediator answers the agency's keep-alive");
                assertEquals(5, resp.get().sequenceNumber(), "with the keep-alive's sequence number");
            }
        }
    }

    @Test
    void agencyDownForAWhileThenBack() throws Exception {
        DeliveryLog log = log();
        LeaReceiver first = receiver(LeaOptions.defaults());
        int port = first.hi3Port();
        HandoverSender s = sender(log, port);
        List<byte[]> sent = append(log, 0, 500);
        assertTrue(await(20_000, () -> log.committed() == 500));
        first.stop(); // agency gone
        sent.addAll(append(log, 500, 1500)); // records keep arriving meanwhile
        Thread.sleep(600);
        assertEquals(500, log.committed(), "nothing confirmed while the agency is down");
        LeaReceiver back = receiver(LeaOptions.defaults().withPorts(0, port));
        assertTrue(await(30_000, () -> log.committed() == 2000), "delivered after the agency came back");
        back.flush();
        assertSameRecords(sent, deliveredDedup());
        assertEquals(0, back.summary().missing());
        assertTrue(s.stats().reconnects.get() >= 1);
    }

    @Test
    void agencyThatStopsAnsweringKeepAlivesGetsEverythingResent() throws Exception {
        DeliveryLog log = log();
        LeaReceiver lea = receiver(LeaOptions.defaults());
        HandoverSender s = sender(log, lea.hi3Port());
        List<byte[]> sent = append(log, 0, 300);
        assertTrue(await(20_000, () -> log.committed() == 300));
        lea.answerKeepAlives(false);
        sent.addAll(append(log, 300, 700));
        assertTrue(
                await(20_000, () -> s.stats().keepAliveTimeouts.get() >= 2), "keep-alive timeouts drop the connection");
        assertEquals(300, log.committed(), "unconfirmed records stay in the buffer");
        lea.answerKeepAlives(true);
        assertTrue(await(30_000, () -> log.committed() == 1000));
        lea.flush();
        assertSameRecords(sent, deliveredDedup());
        Summary sum = lea.summary();
        assertEquals(0, sum.missing());
        assertTrue(
                sum.duplicates() > 0 && s.stats().resent.get() > 0,
                "resends are expected and counted: " + sum.oneLine());
        assertEquals(sum.duplicates(), s.stats().resent.get(), "every duplicate the agency saw was a counted resend");
    }

    @Test
    void agencyDroppingTheConnectionLosesNothing() throws Exception {
        DeliveryLog log = log();
        LeaReceiver lea = receiver(LeaOptions.defaults().withDropAfter(700));
        sender(log, lea.hi3Port());
        List<byte[]> sent = appendConfirmed(log, 2000, 30_000, "all confirmed");
        lea.flush();
        assertSameRecords(sent, deliveredDedup());
        assertEquals(0, lea.summary().missing());
        assertTrue(lea.summary().connections() >= 2);
    }

    @Test
    void slowAgencyStillGetsEverything() throws Exception {
        DeliveryLog log = log();
        LeaReceiver lea = receiver(LeaOptions.defaults().withReadDelayMs(2));
        sender(log, lea.hi3Port());
        List<byte[]> sent = appendConfirmed(log, 1500, 60_000, "all confirmed");
        lea.flush();
        assertSameRecords(sent, deliveredDedup());
    }

    /**
     * A hostile or buggy agency: answers before any keep-alive (unsolicited), answers every keep-alive twice, and
     * pauses reading. No answer may confirm records the agency has not read: a record confirmed too early is deleted
     * from the buffer and lost if the connection then dies with it unread (a mediator kill, a reset).
     */
    @Test
    void answersThatMatchNoOutstandingKeepAliveConfirmNothing() throws Exception {
        DeliveryLog log = log();
        java.util.concurrent.atomic.AtomicLong readUpTo =
                new java.util.concurrent.atomic.AtomicLong(); // contiguous from 0
        java.util.concurrent.atomic.AtomicLong violations = new java.util.concurrent.atomic.AtomicLong();
        try (java.net.ServerSocket agency =
                new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread lea = Thread.ofPlatform().daemon().start(() -> {
                while (!agency.isClosed()) {
                    try (java.net.Socket c = agency.accept()) {
                        java.io.OutputStream out = c.getOutputStream();
                        out.write(io.kubeli.mediator.TestPdus.keepAlive(true, "LIID-A", 77));
                        out.flush();
                        Thread.sleep(500); // not reading: the sender fills the socket, sends a keep-alive
                        var v = new io.kubeli.etsi.PduInspector();
                        boolean[] paused = {false};
                        var r = new io.kubeli.etsi.PduStreamSplitter(
                                io.kubeli.etsi.DecodeLimits.DEFAULT, v, (b, off, len, at) -> {
                                    if (v.kind() == io.kubeli.etsi.PduInspector.PayloadKind.CC
                                            && v.sequenceNumber() == readUpTo.get()) readUpTo.incrementAndGet();
                                    if (v.isKeepAlive()) {
                                        byte[] resp = io.kubeli.mediator.TestPdus.keepAlive(
                                                true, "LIID-A", v.sequenceNumber());
                                        try {
                                            out.write(resp);
                                            out.write(resp); // answered twice
                                            out.flush();
                                            if (!paused[0]) {
                                                paused[0] = true;
                                                Thread.sleep(500);
                                            }
                                        } catch (java.io.IOException | InterruptedException e) {
                                            throw new IllegalStateException(e);
                                        }
                                    }
                                });
                        byte[] buf = new byte[16 * 1024];
                        for (int n; (n = c.getInputStream().read(buf)) > 0; )
                            r.feed(buf, 0, n); // until the sender closes
                    } catch (Exception e) {
                        /* next connection, or the test is over */
                    }
                }
            });
            Endpoint ep = new Endpoint(
                    "127.0.0.1",
                    agency.getLocalPort(),
                    null,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(10),
                    Duration.ofMillis(50),
                    Duration.ofMillis(400),
                    "OP",
                    "test",
                    null);
            HandoverSender s = new HandoverSender("agency-a", "hi3", log, () -> ep, new HiStats(), null);
            s.start();
            closeMe.add(s);
            Thread watch = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    if (log.committed() > readUpTo.get()) violations.incrementAndGet();
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            append(log, 0, 5000);
            assertTrue(await(60_000, () -> log.committed() == 5000), () -> "committed " + log.committed());
            watch.interrupt();
            watch.join();
            assertEquals(0, violations.get(), "records confirmed before the agency read them");
            assertTrue(
                    await(10_000, () -> s.stats().unexpectedKeepAliveResponses.get() >= 2),
                    "the extra answers are counted");
            s.close();
            lea.interrupt();
        }
    }
}
