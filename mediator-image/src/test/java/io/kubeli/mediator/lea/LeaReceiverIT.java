package io.kubeli.mediator.lea;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.mediator.Streams;
import io.kubeli.mediator.TestPdus;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test LEA receiver as an agency would be used: keep-alive answers, recording, JSON, pcap, gap reports, garbage. */
class LeaReceiverIT {
    @TempDir
    Path tmp;

    static byte[] vector(String name) throws Exception {
        try (InputStream in = LeaReceiverIT.class.getResourceAsStream("/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void answersKeepAlivesRecordsExactlyAndReportsGapsAndDuplicates() throws Exception {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (LeaReceiver r = new LeaReceiver(
                LeaOptions.defaults().withRecordDir(tmp).withJson(true).withPcap(tmp.resolve("cc.pcap")))) {
            r.jsonOutput(new PrintStream(json, true));
            r.start();
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            try (Socket s = new Socket("127.0.0.1", r.hi3Port())) {
                OutputStream out = s.getOutputStream();
                for (long seq : new long[] {0, 1, 2, 5, 6, 6, 7}) sent.writeBytes(TestPdus.cc("L1", 3, seq, 150));
                byte[] ka = TestPdus.keepAlive(false, "med", 9);
                sent.writeBytes(ka);
                out.write(sent.toByteArray());
                out.flush();
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                var got = Streams.readUntil(in, l -> !l.isEmpty());
                assertTrue(got.getFirst().isKeepAliveResponse());
                assertEquals(
                        9, got.getFirst().sequenceNumber(), "the response carries the keep-alive's sequence number");
            }
            assertTrue(Streams.await(5000, () -> r.summary().hi3Records() == 7));
            r.flush();
            Summary s = r.summary();
            Summary.Stream st = s.streams().getFirst();
            assertEquals("L1", st.liid());
            assertEquals(3, st.cin());
            assertEquals(6, st.unique());
            assertEquals(1, st.duplicates());
            assertEquals(2, st.missing());
            assertArrayEquals(new long[] {3, 4}, st.gaps().getFirst());
            assertArrayEquals(sent.toByteArray(), Files.readAllBytes(tmp.resolve("hi3.ber")), "recorded byte for byte");
            assertTrue(s.toJson().contains("\"missing\": 2"));
            assertEquals(8, json.toString().lines().count(), "one JSON object per PDU");
            assertTrue(json.toString().lines().allMatch(l -> l.startsWith("{") && l.endsWith("}")));
        }
        // pcap: global header + 7 records of the fake IPv4 packets, LINKTYPE_RAW
        ByteBuffer p =
                ByteBuffer.wrap(Files.readAllBytes(tmp.resolve("cc.pcap"))).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, p.getInt(0));
        assertEquals(101, p.getInt(20));
        int pos = 24, n = 0;
        while (pos < p.limit()) {
            int sec = p.getInt(pos), incl = p.getInt(pos + 8);
            assertTrue(sec >= 1_780_000_000, "record timestamp, not capture-file time");
            assertEquals(0x45, p.get(pos + 16) & 0xff);
            pos += 16 + incl;
            n++;
        }
        assertEquals(7, n);
    }

    @Test
    void jsonIsTheFullDecodeOfEachPdu() throws Exception {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (LeaReceiver r = new LeaReceiver(LeaOptions.defaults().withJson(true))) {
            r.jsonOutput(new PrintStream(json, true));
            r.start();
            try (Socket s = new Socket("127.0.0.1", r.hi3Port())) {
                s.getOutputStream().write(vector("ipcc-udp.ber"));
            }
            assertTrue(Streams.await(5000, () -> r.summary().hi3Records() == 1));
        }
        String line = json.toString().strip();
        assertTrue(line.startsWith("{\"hi\":\"hi3\",\"pdu\":{"), line);
        assertTrue(line.contains("\"sequenceNumber\":7"), line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void garbageClosesOnlyThatConnection() throws Exception {
        try (LeaReceiver r = new LeaReceiver(LeaOptions.defaults())) {
            r.start();
            try (Socket good = new Socket("127.0.0.1", r.hi2Port());
                    Socket bad = new Socket("127.0.0.1", r.hi2Port())) {
                good.getOutputStream().write(TestPdus.iri("L2", 1, 0, 120));
                bad.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
                bad.setSoTimeout(5000);
                assertEquals(-1, bad.getInputStream().read(), "the receiver closes the garbage connection");
                good.getOutputStream().write(TestPdus.iri("L2", 1, 1, 120));
                good.getOutputStream().write(vector("bad-truncated.ber"), 0, 163); // the valid first PDU of the vector
                assertTrue(
                        Streams.await(5000, () -> r.summary().hi2Records() == 3),
                        () -> r.summary().oneLine());
            }
            assertTrue(Streams.await(5000, () -> r.summary().malformedConnections() == 1));
            // an oversized length claim is refused too, without allocating it
            try (Socket big = new Socket("127.0.0.1", r.hi3Port())) {
                big.getOutputStream()
                        .write(new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
                big.setSoTimeout(5000);
                assertEquals(-1, big.getInputStream().read());
            }
            assertTrue(
                    Streams.await(5000, () -> r.summary().malformedConnections() == 2),
                    "counted once the connection is closed");
            // the indefinite length form: refused like everywhere else (etsi DecodeLimits), not buffered until an end
            try (Socket indefinite = new Socket("127.0.0.1", r.hi3Port())) {
                indefinite.getOutputStream().write(new byte[] {0x30, (byte) 0x80, (byte) 0xa1, (byte) 0x80});
                indefinite.setSoTimeout(5000);
                assertEquals(-1, indefinite.getInputStream().read());
            }
            assertTrue(Streams.await(5000, () -> r.summary().malformedConnections() == 3));
        }
    }

    /** Starts the lea-receiver command line in a child JVM with {@code args}, stderr merged into stdout. */
    static Process tool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LeaReceiverMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void commandLineToolWritesTheSummaryOnSigterm() throws Exception {
        Path summary = tmp.resolve("summary.json");
        Process p = tool(
                "--hi2",
                "0",
                "--hi3",
                "0",
                "--summary-file",
                summary.toString(),
                "--record",
                tmp.resolve("rec").toString());
        try {
            var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String line;
            int hi3 = -1;
            for (int i = 0; i < 50 && (line = lines.readLine()) != null; i++) {
                var m = java.util.regex.Pattern.compile("listening hi2=(\\d+) hi3=(\\d+)")
                        .matcher(line);
                if (m.find()) {
                    hi3 = Integer.parseInt(m.group(2));
                    break;
                }
            }
            assertTrue(hi3 > 0, "the tool prints its ports");
            try (Socket s = new Socket("127.0.0.1", hi3)) {
                for (int i = 0; i < 10; i++) s.getOutputStream().write(TestPdus.cc("L9", 1, i, 150));
            }
            Thread.sleep(300);
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            String json = Files.readString(summary);
            assertTrue(json.contains("\"hi3Records\": 10"), json);
            assertTrue(json.contains("\"missing\": 0"), json);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badOptionsExitWithStatus2() throws Exception {
        Process p = tool("--hi2", "x");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(out.startsWith("kubeli lea-receiver: ") && out.contains("--hi2") && out.contains("'x'"), out);
        assertEquals(1, out.lines().count(), out);
        for (String bad : new String[] {"--bogus", "--summary-interval"}) {
            p = tool("--hi2", "0", "--hi3", "0", bad);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue());
            out = new String(p.getInputStream().readAllBytes());
            assertEquals(1, out.lines().count(), out);
        }
    }

    @Test
    void helpStartsNothing() throws Exception {
        Path rec = Files.createTempDirectory("lea-help").resolve("rec");
        Process p = tool("--hi2", "0", "--hi3", "0", "--record", rec.toString(), "--help");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(out.startsWith("Usage: ./kubeli lea-receiver") && out.contains("--hi2=PORT"), out);
        assertFalse(out.contains("listening"), out);
        assertFalse(Files.exists(rec), "--help must not start the receiver");
    }
}
