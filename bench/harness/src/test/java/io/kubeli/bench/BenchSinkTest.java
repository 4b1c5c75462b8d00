package io.kubeli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.PduInspector;
import io.kubeli.etsi.PduSplitter;
import io.kubeli.etsi.Pdus;
import io.kubeli.etsi.Profile;
import io.kubeli.etsi.ReferenceEncoder;
import io.kubeli.etsi.TimestampFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The minimal agency: its sequence check (a gap is counted as missing numbers, a repeat or step back as a duplicate)
 * and one connection read with etsi's splitter and inspector (records counted, keep-alives answered, malformed input
 * counted).
 */
class BenchSinkTest {
    @Test
    void countsGapsAndRepeats() {
        BenchSink sink = new BenchSink();
        BenchSink.Stream st = new BenchSink.Stream();
        for (long s : new long[] {0, 1, 2, 5, 5, 3, 6}) sink.check(st, s); // hostile: 3 and 4 skipped, 5 twice, 3 late
        assertEquals(2, sink.missing.get());
        assertEquals(2, sink.duplicates.get());
        assertEquals(5, st.unique);
    }

    @Test
    void aStreamMayStartAboveZero() {
        BenchSink sink = new BenchSink();
        BenchSink.Stream st = new BenchSink.Stream();
        for (long s = 40; s < 50; s++) sink.check(st, s); // a restarted collector continues its numbering
        assertEquals(0, sink.missing.get());
        assertEquals(10, st.unique);
    }

    @Test
    void aConnectionIsReadAnsweredAndEndedByMalformedInput() throws Exception {
        BenchSink sink = new BenchSink();
        HeaderParams hp = new HeaderParams(
                Profile.LATEST, "LIID-B", "DE", "op", "ne", 5L, "DE", TimestampFormat.values()[0], null, null);
        byte[] addr = {(byte) 198, 18, 0, 7};
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try {
                    sink.serve(server.accept());
                } catch (IOException e) {
                    // the test fails on the counts
                }
            });
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                c.setSoTimeout(10_000);
                OutputStream out = c.getOutputStream();
                for (long seq : new long[] {0, 1, 3})
                    out.write(ReferenceEncoder.encode(Pdus.ipIriBegin(hp, seq, Instant.EPOCH, "u", addr, 32)));
                out.write(ReferenceEncoder.encode(Pdus.keepAlive(Profile.LATEST, "LIID-B", "MED", 7, Instant.EPOCH)));
                out.flush();
                byte[] resp = readOnePdu(c.getInputStream());
                PduInspector.Summary s = PduInspector.inspect(resp, 0, resp.length);
                assertTrue(s.isKeepAliveResponse());
                assertEquals(7, s.sequenceNumber());
                out.write(new byte[] {0x30, (byte) 0x80, (byte) 0xa1, (byte) 0x80
                }); // hostile: the indefinite length form
                out.flush();
                assertEquals(-1, c.getInputStream().read(), "the sink closes the connection");
            }
            t.join(10_000);
        }
        assertEquals(3, sink.iri.get());
        assertEquals(1, sink.missing.get(), "sequence number 2 never came");
        assertEquals(1, sink.malformed.get());
    }

    private static byte[] readOnePdu(InputStream in) throws Exception {
        byte[] buf = new byte[4096];
        int n = 0;
        while (true) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) throw new IOException("closed before a whole PDU");
            n += r;
            int len = PduSplitter.pduLength(buf, 0, n);
            if (len > 0) return Arrays.copyOf(buf, len);
        }
    }
}
