package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeli.capture.LinkTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector as a process: {@code --help} starts nothing, a bad option is one line with exit 2, and
 * {@code --log-format json} writes one JSON object per line (time, level, logger, message), never a target address.
 */
class CollectorCliIT {
    private static final String TARGET = "198.18.2.20";

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {}

    private Run run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                CollectorMain.class.getName()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("stdout"), err = tmp.resolve("stderr");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("collector still running after 120 s: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** An intercepts directory, a capture with target traffic, and the arguments of a file-mode run. */
    private String[] replayArgs(Path output) throws Exception {
        Instant now = Instant.now();
        Path dir = PcapEndToEndTest.interceptsDir(tmp, "cli-icpt", "LIID-CLI", now, "  - {ip: " + TARGET + ", cin: 5}");
        List<Pkt> pkts = PcapEndToEndTest.everyOther(
                TARGET, now.getEpochSecond() * 1_000_000_000L, 20, i -> udp(1000 + i, 53, new byte[20]));
        Path pcap = tmp.resolve("in.pcap");
        writePcap(pcap, LinkTypes.ETHERNET, pkts);
        return new String[] {
            "--source",
            "pcapfile:" + pcap,
            "--intercepts",
            dir.toString(),
            "--output",
            "file:" + output,
            "--spool",
            tmp.resolve("spool").toString()
        };
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void helpStartsNothing() throws Exception {
        Path output = tmp.resolve("out.ber");
        Run r = run(concat(replayArgs(output), "--help"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Usage: ./kubeli collector"), r.out());
        assertTrue(r.out().contains("--log-format=text|json"), r.out());
        assertEquals("", r.err());
        assertFalse(Files.exists(output), "--help must not run the capture");
        assertFalse(Files.exists(tmp.resolve("spool")), "--help must not create the spool");
    }

    @Test
    void badOptionsAreOneLineWithExitTwo() throws Exception {
        Path output = tmp.resolve("out.ber");
        for (String[] bad : new String[][] {
            {"--bogus"}, {"--threads", "x"}, {"--threads", "999"}, {"--log-format", "yaml"}, {"--output"}
        }) {
            Run r = run(concat(replayArgs(output), bad));
            assertEquals(2, r.status(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("kubeli collector: "), r.err());
            assertFalse(Files.exists(output));
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithoutTargets() throws Exception {
        Path output = tmp.resolve("out.ber");
        Run r = run(concat(replayArgs(output), "--log-format", "json"));
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.size(output) > 0, "the target's records were written");
        ObjectMapper json = new ObjectMapper();
        List<String> lines = r.err().lines().toList();
        assertFalse(lines.isEmpty(), "the collector logs its target table at least");
        boolean table = false;
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            assertTrue(n.isObject(), line);
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertEquals(List.of("time", "level", "logger", "message"), keys.subList(0, 4), line);
            assertTrue(keys.size() == 4 || keys.equals(List.of("time", "level", "logger", "message", "error")), line);
            Instant.parse(n.get("time").asText());
            table |= n.get("message").asText().startsWith("target table updated");
        }
        assertTrue(table, r.err());
        assertFalse((r.err() + r.out()).contains(TARGET), "no target identity in the log");
        // the same run in text: plain lines, not JSON
        Files.delete(output);
        Run text = run(replayArgs(output));
        assertEquals(0, text.status(), text.err());
        assertTrue(
                text.err().lines().anyMatch(l -> l.matches("\\d{4}-.*Z INFO io\\.kubeli\\..*: target table updated.*")),
                text.err());
        assertFalse(text.err().contains("{\"time\""), text.err());
    }
}
