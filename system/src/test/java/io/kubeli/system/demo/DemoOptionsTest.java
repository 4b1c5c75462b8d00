package io.kubeli.system.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Command-line parsing of {@code ./kubeli demo}. */
class DemoOptionsTest {

    @Test
    void defaults() {
        DemoOptions o = DemoOptions.parse(new String[0]);
        assertNull(o.out());
        assertNull(o.capture());
        assertFalse(o.live());
        assertEquals(2000, o.pps());
        assertEquals(60, o.timeoutSeconds());
    }

    @Test
    void valuesInBothForms() {
        DemoOptions o = DemoOptions.parse(new String[] {"--out", "x", "--live", "--pps=500", "--timeout", "30"});
        assertEquals(Path.of("x"), o.out());
        assertTrue(o.live());
        assertEquals(500, o.pps());
        assertEquals(30, o.timeoutSeconds());
    }

    @Test
    void badOptionsNameThemselves() {
        assertTrue(assertThrows(DemoOptions.UsageException.class, () -> DemoOptions.parse(new String[] {"--bogus"}))
                .getMessage()
                .contains("--bogus"));
        assertTrue(assertThrows(DemoOptions.UsageException.class, () -> DemoOptions.parse(new String[] {"--out"}))
                .getMessage()
                .contains("--out"));
        assertTrue(assertThrows(DemoOptions.UsageException.class, () -> DemoOptions.parse(new String[] {"--pps", "0"}))
                .getMessage()
                .contains("between 1 and 100000"));
        assertTrue(DemoOptions.usage().contains("--capture=FILE"));
        assertFalse(DemoOptions.usage().contains("--child-interface"), "internal option hidden");
    }

    @Test
    void helpStartsNothingAndBadOptionsAreOneLine() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream o = new java.io.PrintStream(out, true);
        java.io.PrintStream e = new java.io.PrintStream(err, true);
        Path nowhere = Path.of(System.getProperty("java.io.tmpdir"), "kubeli-demo-help-" + System.nanoTime());
        assertEquals(0, DemoMain.run(new String[] {"--out", nowhere.toString(), "--help"}, o, e));
        assertTrue(out.toString().startsWith("Usage: ./kubeli demo"), out.toString());
        assertFalse(java.nio.file.Files.exists(nowhere), "--help runs nothing");
        for (String[] bad : new String[][] {{"--bogus"}, {"--pps", "x"}, {"--timeout", "1"}, {"--out"}}) {
            err.reset();
            assertEquals(2, DemoMain.run(bad, o, e));
            assertEquals(1, err.toString().lines().count(), err.toString());
            assertTrue(err.toString().startsWith("kubeli demo: "), err.toString());
        }
    }
}
