package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (collector side): the client trusts an acknowledgement only for what it sent; a full spool disk is a
 * counted, visible loss at capture whose link numbers are reused (the link stays contiguous); spool state is private.
 */
class LinkClientSafetyIT {
    @TempDir
    Path tmp;

    /** Stores every record once per link sequence (as the mediator's de-duplication does) and checks contiguity. */
    static final class StoringSink implements RecordSink {
        final List<LinkRecord> records = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        long highest = -1;

        @Override
        public synchronized long highestStored(String collectorId) {
            return highest;
        }

        @Override
        public synchronized void store(String collectorId, long firstLinkSeq, List<LinkRecord> batch) {
            if (highest >= 0 && firstLinkSeq != highest + 1 && firstLinkSeq > highest) {
                violations.add("link gap: " + firstLinkSeq + " after " + highest);
            }
            for (int i = 0; i < batch.size(); i++) {
                if (firstLinkSeq + i > highest) {
                    records.add(batch.get(i));
                    highest = firstLinkSeq + i;
                }
            }
        }

        synchronized int count() {
            return records.size();
        }
    }

    @Test
    void anAcknowledgementBeyondWhatWasSentClosesTheLinkAndDropsNothing() throws Exception {
        ServerSocket fake = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int port = fake.getLocalPort();
        LinkClient client = LinkClient.start(TestData.client(port, "c-ack", tmp.resolve("spool"), TlsConfig.none()));
        long lastSent;
        try (Socket s = fake.accept()) {
            s.setSoTimeout(10_000);
            Frames.Reader in =
                    new Frames.Reader(new DataInputStream(new BufferedInputStream(s.getInputStream())), 1 << 24);
            OutputStream out = s.getOutputStream();
            assertInstanceOf(Frames.Hello.class, in.read());
            out.write(Frames.ack(-1));
            out.flush();
            for (int i = 0; i < 100; i++) {
                assertTrue(client.offer(TestData.record(i, 200)));
            }
            Frames.Frame f = in.read();
            while (f instanceof Frames.Heartbeat) {
                f = in.read();
            }
            Frames.Batch b = assertInstanceOf(Frames.Batch.class, f);
            lastSent = b.firstSeq() + b.records().size() - 1;
            // a hostile (or broken) peer claims to have stored far more than it was sent
            out.write(Frames.ack(lastSent + 1_000_000));
            out.flush();
            assertTrue(TestData.await(Duration.ofSeconds(10), () -> client.protocolErrors() >= 1));
            assertEquals(0, client.stats().acked(), "nothing released on an acknowledgement beyond what was sent");
            assertEquals(100, client.stats().queueDepth());
        }
        fake.close();
        StoringSink sink = new StoringSink();
        try (LinkServer server = LinkServer.start(TestData.server(port, TlsConfig.none()), sink)) {
            assertTrue(client.flush(Duration.ofSeconds(20)), "everything reaches a real mediator afterwards");
            assertEquals(100, sink.count());
            assertEquals(100, client.stats().acked());
        } finally {
            client.close();
        }
    }

    @Test
    void aFullSpoolDiskIsACountedVisibleLossAndTheLinkStaysContiguous() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "tmpfs mount needs root: skipped");
        Path mnt = Files.createDirectories(tmp.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt.toString());
        List<String> warnings = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger.getLogger(LinkClient.class.getName()).addHandler(h);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // nothing listens there until the server starts below
        }
        int offered = 6000;
        try {
            LinkClient client = LinkClient.start(TestData.client(port, "c-full", mnt.resolve("spool"), TlsConfig.none())
                    .withQueueCapacity(64));
            int refused = 0;
            for (int i = 0; i < offered; i++) {
                if (!client.offer(TestData.record(i, 1000))) {
                    refused++;
                }
            }
            LinkClientStats s = client.stats();
            assertTrue(s.lost() > 0, "a 2 MiB disk cannot hold 6 MB: " + s);
            assertTrue(s.lost() >= refused);
            assertTrue(
                    warnings.stream().anyMatch(w -> w.contains("records lost at capture") || w.contains("record lost")),
                    warnings.toString());
            StoringSink sink = new StoringSink();
            try (LinkServer server = LinkServer.start(TestData.server(port, TlsConfig.none()), sink)) {
                assertTrue(client.flush(Duration.ofSeconds(30)), "the spool drains although the disk was full");
                LinkClientStats end = client.stats();
                assertEquals(offered, sink.count() + end.lost(), "delivered + counted losses = offered: " + end);
                assertEquals(
                        List.of(), sink.violations, "no link sequence gap for records that never reached the disk");
                TreeSet<Long> seqs = new TreeSet<>();
                sink.records.forEach(r -> seqs.add(r.sequence()));
                assertEquals(sink.count(), seqs.size(), "no record twice");
            } finally {
                try {
                    client.close();
                } catch (IOException e) {
                    // the disk may still be full (consumed spool segments are freed by the log's sync loop)
                }
            }
        } finally {
            Logger.getLogger(LinkClient.class.getName()).removeHandler(h);
            run("umount", "-l", mnt.toString());
        }
    }

    @Test
    void afterACrashNumberingContinuesAndSentButUnstoredRecordsAreCountedLost() throws Exception {
        ServerSocket fake = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Path spoolA = tmp.resolve("a");
        LinkClient old = LinkClient.start(TestData.client(fake.getLocalPort(), "c-crash", spoolA, TlsConfig.none()));
        Path crashed = tmp.resolve("crashed");
        try (Socket s = fake.accept()) {
            s.setSoTimeout(10_000);
            Frames.Reader in =
                    new Frames.Reader(new DataInputStream(new BufferedInputStream(s.getInputStream())), 1 << 24);
            assertInstanceOf(Frames.Hello.class, in.read());
            s.getOutputStream().write(Frames.ack(-1));
            for (int i = 0; i < 50; i++) {
                assertTrue(old.offer(TestData.record(i, 100)));
            }
            int got = 0;
            while (got < 50) {
                if (in.read() instanceof Frames.Batch b) {
                    got += b.records().size(); // received, never stored, never acknowledged
                }
            }
            // what a SIGKILL leaves on disk now: a copy of the spool directory
            try (var files = Files.walk(spoolA)) {
                for (Path p : files.toList()) {
                    try {
                        Files.copy(p, crashed.resolve(spoolA.relativize(p).toString()));
                    } catch (java.nio.file.NoSuchFileException renamedMeanwhile) {
                        // a cursor's temporary file, renamed while we copied: a crash at that instant leaves none
                    }
                }
            }
        } finally {
            fake.close();
        }
        StoringSink sink = new StoringSink();
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink)) {
            LinkClient restarted =
                    LinkClient.start(TestData.client(server.port(), "c-crash", crashed, TlsConfig.none()));
            try {
                // records 0..49: IRI when seq % 3 == 0 (highest 48), CC otherwise (highest 49)
                assertEquals(50, restarted.resumeSequence("ns/intercept-1", "LIID-0001", 7, StreamType.CC));
                assertEquals(49, restarted.resumeSequence("ns/intercept-1", "LIID-0001", 7, StreamType.IRI));
                assertEquals(0, restarted.resumeSequence("ns/intercept-1", "LIID-0002", 7, StreamType.CC));
                assertTrue(TestData.await(
                        Duration.ofSeconds(10), () -> restarted.stats().connected()));
                assertEquals(50, restarted.stats().lostInCrash(), "sent, never stored, not spooled: counted");
                assertTrue(restarted.stats().nextSeq() > old.stats().nextSeq() - 1, "link numbering continues");
            } finally {
                restarted.close();
            }
        } finally {
            old.close();
        }
    }

    @Test
    void spoolStateIsPrivate() throws Exception {
        Path spool = tmp.resolve("a").resolve("spool");
        StoringSink sink = new StoringSink();
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink)) {
            LinkClient client = LinkClient.start(TestData.client(server.port(), "c-perm", spool, TlsConfig.none()));
            for (int i = 0; i < 10; i++) {
                client.offer(TestData.record(i, 50));
            }
            assertTrue(client.flush(Duration.ofSeconds(10)));
            // misconfiguration: a second process on the same spool would reuse its numbers
            IOException inUse = assertThrows(
                    IOException.class,
                    () -> LinkClient.start(TestData.client(server.port(), "c-perm", spool, TlsConfig.none())));
            assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());
            client.close();
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool.getParent())));
        for (String f : List.of("link.seq", "etsi-seq.a", "etsi-seq.b", "lock")) {
            assertEquals(
                    "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool.resolve(f))), f);
        }
        // a shared temp directory (sticky, like /tmp) is never used (nor chmod-ed)
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        run("chmod", "1777", shared.toString());
        IOException e = assertThrows(
                IOException.class, () -> LinkClient.start(TestData.client(1, "c-shared", shared, TlsConfig.none())));
        assertTrue(e.getMessage().contains("shared directory"), e.getMessage());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
        // a volume root as kubelet creates an emptyDir (0777, not sticky) is ours: tightened
        Path volume = Files.createDirectories(tmp.resolve("volume"));
        Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxrwxrwx"));
        LinkClient.start(TestData.client(1, "c-vol", volume, TlsConfig.none())).close();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(volume)));
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }
}
