package io.kubeli.system.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kubeli demo} on the bundled capture: real sockets, mTLS link, the example resources, what the user sees. */
class DemoIT {

    @Test
    @Timeout(180)
    void deliversExactlyTheTargetPacketsAndRunsAgainWithoutLeftovers(@TempDir Path out) throws Exception {
        Map<Long, List<byte[]>> expected = DemoChecks.targetPackets(DemoChecks.CAPTURE);
        Set<Path> tmpBefore = demoTempDirs();

        DemoChecks.Run first = DemoChecks.run("--out", out.toString());
        assertEquals(0, first.status(), first.out() + first.err());
        assertSummary(first);
        DemoChecks.assertOutput(out, expected);

        // a second run in the same JVM and the same --out: same result, files replaced (not appended), numbers from 0
        DemoChecks.Run second = DemoChecks.run("--out", out.toString());
        assertEquals(0, second.status(), second.out() + second.err());
        assertSummary(second);
        DemoChecks.assertOutput(out, expected); // exactly one run's records: replaced, not appended
        assertEquals(tmpBefore, demoTempDirs(), "the runs' private state is removed");
    }

    private static void assertSummary(DemoChecks.Run r) {
        String s = r.out();
        assertTrue(s.contains("packets read        5838"), s);
        assertTrue(s.contains("target packets       446"), s);
        assertTrue(s.matches("(?s).*DEMO-0001 +HI2 IRI +3 +6 +0 +none.*"), s);
        assertTrue(s.matches("(?s).*DEMO-0001 +HI3 CC +3 +446 +0 +none.*"), s);
        assertTrue(s.contains("./kubeli decode "), s);
        assertEquals("", r.err(), "a normal run logs nothing");
        DemoChecks.assertNoTargets(s + r.err());
    }

    @Test
    void badUsageSaysWhatIsWrong() {
        DemoChecks.Run r = DemoChecks.run("--pps", "x");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--pps") && r.err().contains("'x'"), r.err());
        r = DemoChecks.run("--capture", "/nonexistent/x.pcap");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--capture"), r.err());
        r = DemoChecks.run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("--live"), r.out());
    }

    private static Set<Path> demoTempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("kubeli-demo-"))
                    .collect(Collectors.toSet());
        }
    }
}
