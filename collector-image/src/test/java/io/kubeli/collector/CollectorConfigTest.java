package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Command-line options that have no other test: the shutdown drain. */
class CollectorConfigTest {
    private static final String[] BASE = {"--source", "pcapfile:/x.pcap", "--intercepts", "/tmp", "--output",
        "mediator:127.0.0.1:4443"};

    private static String[] with(String... more) {
        String[] a = java.util.Arrays.copyOf(BASE, BASE.length + more.length);
        System.arraycopy(more, 0, a, BASE.length, more.length);
        return a;
    }

    @Test
    void drainDefaultsToTenSecondsAndIsBounded() {
        assertEquals(10, CollectorConfig.parse(BASE).drainSeconds());
        assertEquals(120, CollectorConfig.parse(with("--drain-seconds", "120")).drainSeconds());
        assertEquals(0, CollectorConfig.parse(with("--drain-seconds=0")).drainSeconds());
        var e = assertThrows(CollectorConfig.ConfigException.class,
                () -> CollectorConfig.parse(with("--drain-seconds", "-1")));
        assertTrue(e.getMessage().contains("--drain-seconds"), e.getMessage());
    }
}
