package io.kubeli.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsers for /proc/net/softnet_stat and /sys statistics, and deltas since the baseline. */
class DropAccountingTest {
    static final String SOFTNET = """
            0001e240 00000000 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
            0000ab12 0000001f 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001
            """;

    @TempDir
    Path dir;

    @Test
    void parsesSoftnetColumnTwoAsHex() {
        assertEquals(0x1f, DropAccounting.parseSoftnetDrops(SOFTNET));
        assertEquals(0, DropAccounting.parseSoftnetDrops(""));
        assertEquals(0, DropAccounting.parseSoftnetDrops(null));
        assertEquals(0x10 + 0xff, DropAccounting.parseSoftnetDrops("1 10\n2 ff\ngarbage\n"));
    }

    @Test
    void parsesCounters() {
        assertEquals(42, DropAccounting.parseCounter("42\n"));
        assertEquals(0, DropAccounting.parseCounter(""));
        assertEquals(0, DropAccounting.parseCounter("x"));
    }

    @Test
    void deltasSinceBaselineAndMissingFilesAreZero() throws Exception {
        Path stats = Files.createDirectories(dir.resolve("statistics"));
        Path softnet = dir.resolve("softnet_stat");
        Files.writeString(stats.resolve("rx_dropped"), "10\n");
        Files.writeString(stats.resolve("rx_missed_errors"), "5\n");
        Files.writeString(softnet, SOFTNET);
        DropAccounting d = new DropAccounting(stats, softnet);
        d.baseline();
        assertEquals(0, d.interfaceDrops());
        Files.writeString(stats.resolve("rx_dropped"), "13\n");
        Files.writeString(stats.resolve("rx_fifo_errors"), "2\n");
        Files.writeString(softnet, SOFTNET.replace("0000001f", "00000030"));
        assertEquals(5, d.interfaceDrops());
        assertEquals(0x30 - 0x1f, d.backlogDrops());
        DropAccounting none = new DropAccounting(dir.resolve("nope"), dir.resolve("nope2"));
        none.baseline();
        assertEquals(0, none.interfaceDrops() + none.backlogDrops());
    }
}
