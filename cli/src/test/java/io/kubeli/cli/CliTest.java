package io.kubeli.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One parser for every program: help on stdout (exit 0), a bad option one line on stderr (exit 2). */
class CliTest {
    @Command(name = "kubeli sample", description = "A sample command.")
    static final class Sample {
        @Option(names = "--port", paramLabel = "P", description = "a port [default: 1]")
        int port = 1;

        @Option(names = "--name", paramLabel = "N", description = "a name")
        String name;

        @Option(names = "--flag", description = "a flag")
        boolean flag;

        @Option(names = "--item", paramLabel = "X", description = "repeatable")
        List<String> items = new ArrayList<>();
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Integer run(Sample s, String... args) {
        return Cli.parseOrExit(
                s,
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void valuesInBothFormsDefaultsAndRepeats() {
        Sample s = new Sample();
        assertNull(run(s, "--port=7", "--name", "a", "--name", "b", "--flag", "--item", "x", "--item=y"));
        assertEquals(7, s.port);
        assertEquals("b", s.name, "the last of a repeated option wins, as the hand-written parsers did");
        assertTrue(s.flag);
        assertEquals(List.of("x", "y"), s.items);
        Sample d = new Sample();
        assertNull(run(d));
        assertEquals(1, d.port);
    }

    @Test
    void helpPrintsUsageAndAsksToStop() {
        Sample s = new Sample();
        assertEquals(0, run(s, "--port", "9", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("--port=P") || help.contains("--port P"), help);
        assertTrue(help.contains("-h, --help"), help);
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run(new Sample(), "-h"));
    }

    @Test
    void badOptionsAreOneLineWithExitTwo() {
        for (String[] bad : new String[][] {
            {"--bogus"}, {"--port"}, {"--port", "x"}, {"--port", "1", "stray"}, {"--port", "line\nbreak"}
        }) {
            err.reset();
            assertEquals(Cli.USAGE, run(new Sample(), bad));
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, e.lines().count(), e);
            assertTrue(e.startsWith("kubeli sample: "), e);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--port"));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing on stdout for a bad option");
    }

    @Test
    void atFilesAreNotExpanded() {
        Sample s = new Sample();
        assertNull(run(s, "--name", "@/etc/passwd"));
        assertEquals("@/etc/passwd", s.name);
    }

    @Test
    void rangesNameTheOption() {
        assertEquals(5, Cli.range("--n", 5, 1, 9));
        Cli.UsageException e = assertThrows(Cli.UsageException.class, () -> Cli.range("--n", 10, 1, 9));
        assertEquals("--n must be between 1 and 9 (got 10)", e.getMessage());
    }
}
