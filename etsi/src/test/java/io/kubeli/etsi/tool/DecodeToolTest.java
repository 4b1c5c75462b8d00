package io.kubeli.etsi.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.etsi.Vectors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubeli decode}: output lines, error messages with offsets, exit codes. */
class DecodeToolTest {

    /** Output of one run. */
    record Result(int exit, List<String> out, String err) {}

    private static Result run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DecodeTool.run(
                args,
                new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
                exit, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
    }

    private static Path file(Path dir, String vector) throws Exception {
        Path p = dir.resolve(vector);
        Files.write(p, Vectors.load(vector));
        return p;
    }

    @Test
    void streamFilePrintsOneJsonObjectPerPdu(@TempDir Path dir) throws Exception {
        Result r = run(new byte[0], file(dir, "stream.ber").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(4, r.out().size());
        assertTrue(
                r.out().get(1).startsWith("{\"pSHeader\":{\"li-psDomainId\":\"0.4.0.2.2.5.1.43\","),
                r.out().get(1));
        assertTrue(r.out().get(1).contains("\"iPCCObjId\":\"5.3.20.2\""));
        assertTrue(r.out().get(1).contains("\"payloadDirection\":\"fromTarget\""));
        assertTrue(r.out().get(1).contains("\"timeStamp\":\"2026-11-25T12:00:00.500Z\""));
        assertTrue(r.out().get(0).contains("\"accessEventType\":\"accessAccept\""));
        assertTrue(r.out().get(3).contains("\"tRIPayload\":{\"keep-alive\":null}"));
        assertEquals("", r.err());
    }

    @Test
    void stdinIsReadWithDash() {
        Result r = run(Vectors.load("openli-ipcc.ber"), "-");
        assertEquals(0, r.exit());
        assertEquals(1, r.out().size());
        assertTrue(
                r.out().getFirst().contains("\"lawfulInterceptionIdentifier\":\"4c49494430303031\""),
                r.out().getFirst());
    }

    @Test
    void malformedStreamExitsNonZeroNamingTheOffset(@TempDir Path dir) throws Exception {
        Result r = run(new byte[0], file(dir, "bad-truncated.ber").toString());
        assertEquals(1, r.exit());
        assertEquals(1, r.out().size());
        assertTrue(r.err().contains("byte offset 163"), r.err());
        assertTrue(r.err().contains("LENGTH_EXCEEDS_INPUT"), r.err());
    }

    @Test
    void checkPrintsTheSummaryLine(@TempDir Path dir) throws Exception {
        Result ok = run(new byte[0], "--check", file(dir, "stream.ber").toString());
        assertEquals(0, ok.exit());
        assertEquals(List.of("4 pdus ok, 0 errors"), ok.out());
        Result bad = run(new byte[0], "--check", file(dir, "bad-truncated.ber").toString());
        assertEquals(1, bad.exit());
        assertEquals("1 pdus ok, 1 errors", bad.out().getLast());
    }

    @Test
    void garbageBetweenPdusIsCountedAndDecodingContinues() {
        byte[] ka = Vectors.load("keepalive.ber");
        byte[] in = new byte[ka.length * 2 + 3];
        System.arraycopy(ka, 0, in, 0, ka.length);
        in[ka.length] = 0x01;
        in[ka.length + 1] = 0x02;
        in[ka.length + 2] = 0x03;
        System.arraycopy(ka, 0, in, ka.length + 3, ka.length);
        Result r = run(in, "--check");
        assertEquals(1, r.exit());
        assertEquals("2 pdus ok, 1 errors", r.out().getLast());
        assertTrue(r.err().contains("byte offset 65"), r.err());
    }

    @Test
    void aWellFramedButInvalidPduIsReportedAtItsStreamOffset() {
        byte[] ka = Vectors.load("keepalive.ber");
        byte[] bad = ka.clone();
        bad[4] = (byte) 0x85; // li-psDomainId [0] retagged as timeStamp [5]: the LIID [1] after it is out of order
        byte[] in = new byte[ka.length * 2];
        System.arraycopy(ka, 0, in, 0, ka.length);
        System.arraycopy(bad, 0, in, ka.length, ka.length);
        Result r = run(in, "--check");
        assertEquals(1, r.exit());
        assertEquals("1 pdus ok, 1 errors", r.out().getLast());
        // the LIID sits 13 bytes into the second PDU
        assertTrue(r.err().contains("byte offset " + (ka.length + 13) + ": UNEXPECTED_TAG"), r.err());
    }

    @Test
    void helpAndUsageErrors() {
        Result help = run(new byte[0], "--help");
        assertEquals(0, help.exit());
        assertTrue(
                help.out().getFirst().startsWith("Usage: ./kubeli decode"),
                help.out().toString());
        assertEquals("", help.err());
        for (String[] bad : new String[][] {{"--bogus"}, {"a.ber", "b.ber"}, {"--check=maybe"}}) {
            Result r = run(new byte[0], bad);
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("kubeli decode: "), r.err());
            assertEquals(List.of(), r.out(), "nothing decoded on a usage error");
        }
        Result missing = run(new byte[0], "/nonexistent/file.ber");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("kubeli decode:"));
    }
}
