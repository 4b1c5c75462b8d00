package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkProtocol;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.MediatorRig.Producer;
import io.kubeli.mediator.lea.LeaReceiver;
import io.kubeli.mediator.tls.TlsFiles;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 obs 3 with a real mediator process: a link peer holding a VALID client certificate of another Collector
 * claims the real collector's id, then under its own id sends a batch numbered 2^63-2, a jump and garbage. Every one
 * is refused; the real collector's records all arrive exactly once, across a SIGKILL and restart of the mediator.
 */
class MediatorHostilePeerIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MediatorRig rig = new MediatorRig(() -> tmp);

    /** A hand-written link peer (frames built byte by byte, as an attacker would). */
    static final class RawPeer implements AutoCloseable {
        final SSLSocket s;
        final OutputStream out;
        final DataInputStream in;

        RawPeer(int port, Path certDir) throws Exception {
            s = (SSLSocket) TlsFiles.client(certDir).getSocketFactory().createSocket("127.0.0.1", port);
            s.setSoTimeout(10_000);
            s.startHandshake();
            out = s.getOutputStream();
            in = new DataInputStream(s.getInputStream());
        }

        void hello(String id, long firstUnacked, long nextSeq) throws IOException {
            byte[] b = id.getBytes(StandardCharsets.UTF_8);
            ByteBuffer f = ByteBuffer.allocate(5 + 2 + 2 + b.length + 16);
            f.put((byte) 1)
                    .putInt(f.capacity() - 5)
                    .putShort((short) LinkProtocol.VERSION)
                    .putShort((short) b.length)
                    .put(b)
                    .putLong(firstUnacked)
                    .putLong(nextSeq);
            out.write(f.array());
            out.flush();
        }

        void batch(long first, List<LinkRecord> recs) throws IOException {
            int size = recs.stream().mapToInt(LinkRecord::encodedSize).sum();
            ByteBuffer f = ByteBuffer.allocate(5 + 12 + size);
            f.put((byte) 2).putInt(f.capacity() - 5).putLong(first).putInt(recs.size());
            for (LinkRecord r : recs) r.writeTo(f);
            out.write(f.array());
            out.flush();
        }

        /** Type of the next non-heartbeat frame and, for REJECT, its code; -1 once the server closed. */
        int[] next() throws IOException {
            try {
                while (true) {
                    int type = in.read();
                    if (type < 0) return new int[] {-1, 0};
                    byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    if (type == 4) continue; // heartbeat
                    return new int[] {type, type == 5 ? ByteBuffer.wrap(body).getShort() : 0};
                }
            } catch (IOException closed) { // EOF, reset, TLS alert: closed
                return new int[] {-1, 0};
            }
        }

        /** Reads until REJECT or close; the REJECT code, or -1. */
        int rejected() throws IOException {
            for (int[] f; (f = next())[0] != -1; ) if (f[0] == 5) return f[1];
            return -1;
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    /** REJECT comes before the close; under load the close (a reset of unread input) may overtake it. */
    static void assertRefused(int code) {
        assertTrue(code == LinkProtocol.REJECT_PROTOCOL || code == -1, "REJECT " + code);
    }

    @Test
    void aHostilePeerWithAValidCertificateCannotDisturbTheRealCollector() throws Exception {
        TestCerts certs = new TestCerts();
        Path mediatorTls = certs.leaf(tmp.resolve("mediator-tls"), "mediator");
        Path realTls = certs.collector(tmp.resolve("real-tls"), "site-a");
        Path hostileTls = certs.collector(tmp.resolve("hostile-tls"), "site-b");
        LeaReceiver lea = rig.lea("lea");
        Path config = rig.config(lea);
        int port = MediatorRig.freePort();
        List<String> args = List.of(
                "--config",
                config.toString(),
                "--listen",
                Integer.toString(port),
                "--data",
                tmp.resolve("data").toString(),
                "--tls-dir",
                mediatorTls.toString(),
                "--status-interval",
                "1");
        MediatorProcess m = rig.mediator(args);
        LinkClient c = rig.client(rig.clientConfig("site-a/node-1", port, TlsConfig.fromDirectory(realTls)));
        Producer p = new Producer();
        p.offer(c, 3000);
        assertTrue(c.flush(Duration.ofSeconds(60)), () -> c.stats().toString());

        LinkRecord forged = new LinkRecord(
                "default/ic-a", "agency-a", "LIID-A", 9, StreamType.CC, 0, TestPdus.cc("LIID-A", 9, 0, 150));
        for (String claim : List.of("site-a/node-1", "site-a", "site-ab/node-1")) { // another Collector's identity
            try (RawPeer h = new RawPeer(port, hostileTls)) {
                h.hello(claim, 0, 1L << 40);
                assertEquals(LinkProtocol.REJECT_IDENTITY, h.rejected(), claim);
            }
        }
        try (RawPeer h = new RawPeer(port, hostileTls)) { // own id: a batch numbered 2^63-2
            h.hello("site-b/x", 0, 0);
            assertEquals(3, h.next()[0], "ACK");
            h.batch(Long.MAX_VALUE - 1, List.of(forged, forged, forged));
            assertRefused(h.rejected());
        }
        try (RawPeer h = new RawPeer(port, hostileTls)) { // a jump
            h.hello("site-b/y", 5, 10);
            assertEquals(3, h.next()[0], "ACK");
            h.batch(1_000_000, List.of(forged));
            assertRefused(h.rejected());
        }
        try (RawPeer h = new RawPeer(port, hostileTls)) { // garbage
            h.out.write(new byte[] {1, 0, 0, 0, 3, 0, 1, 7, 2, 0, 0, 0, 0});
            h.out.flush();
            assertRefused(h.rejected());
        }
        p.offer(c, 3000);
        assertTrue(c.flush(Duration.ofSeconds(60)), () -> c.stats().toString());
        m.kill(); // restart: nothing broken survives
        p.offer(c, 2000);
        rig.mediator(args);
        p.offer(c, 2000);
        assertTrue(c.flush(Duration.ofSeconds(60)), () -> c.stats().toString());
        assertTrue(
                await(60_000, () -> lea.summary().uniqueRecords() >= p.total()),
                () -> lea.summary().oneLine());
        lea.flush();
        assertSameRecords(p.cc, dedup(records(tmp.resolve("lea/hi3.ber"))));
        assertSameRecords(p.iri, dedup(records(tmp.resolve("lea/hi2.ber"))));
        assertEquals(0, lea.summary().missing(), () -> lea.summary().toJson());
        assertEquals(0, c.stats().lost());
        System.out.printf(
                "hostile peer: expected %d, delivered unique %d, duplicates %d, gaps %d, counted losses %d%n",
                p.total(),
                lea.summary().uniqueRecords(),
                lea.summary().duplicates(),
                lea.summary().missing(),
                c.stats().lost());
        Path snapshot = tmp.resolve("data/dedup.properties");
        assertTrue(await(5_000, () -> Files.exists(snapshot)));
        assertFalse(Files.readString(snapshot).contains("site-b"), "refused frames left no sequence state");
    }
}
