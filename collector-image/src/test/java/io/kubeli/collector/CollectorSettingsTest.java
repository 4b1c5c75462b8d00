package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Command-line options that have no other test: drain, CIN slot, prefix minimums, replicas, metrics address, spool. */
class CollectorSettingsTest {
    private static final String[] BASE = {
        "--source", "pcapfile:/x.pcap", "--intercepts", "/tmp", "--output", "mediator:127.0.0.1:4443"
    };

    private static String[] with(String... more) {
        String[] a = java.util.Arrays.copyOf(BASE, BASE.length + more.length);
        System.arraycopy(more, 0, a, BASE.length, more.length);
        return a;
    }

    @Test
    void drainDefaultsToTenSecondsAndIsBounded() {
        assertEquals(10, CollectorSettings.parse(BASE).drainSeconds());
        assertEquals(
                120, CollectorSettings.parse(with("--drain-seconds", "120")).drainSeconds());
        assertEquals(0, CollectorSettings.parse(with("--drain-seconds=0")).drainSeconds());
        var e = assertThrows(
                CollectorSettings.ConfigException.class, () -> CollectorSettings.parse(with("--drain-seconds", "-1")));
        assertTrue(e.getMessage().contains("--drain-seconds"), e.getMessage());
    }

    @Test
    void cinSlotPrefixMinimumsReplicasAndMetricsAddress() {
        CollectorSettings d = CollectorSettings.parse(BASE);
        assertEquals(0, d.cinSlot(), "file mode: slot 0");
        assertEquals(8, d.minPrefix4());
        assertEquals(16, d.minPrefix6());
        assertEquals(1, d.mediatorReplicas());
        assertEquals("0.0.0.0", d.metricsAddress());
        CollectorSettings c = CollectorSettings.parse(with(
                "--cin-slot",
                "4095",
                "--min-prefix-ipv4",
                "16",
                "--min-prefix-ipv6",
                "32",
                "--metrics-address",
                "198.18.0.7"));
        assertEquals(4095, c.cinSlot());
        assertEquals(16, c.minPrefix4());
        assertEquals(32, c.minPrefix6());
        assertEquals("198.18.0.7", c.metricsAddress());
        for (String[] bad : new String[][] {
            {"--cin-slot", "4096"},
            {"--cin-slot", "-1"},
            {"--min-prefix-ipv4", "0"},
            {"--min-prefix-ipv6", "129"},
            {"--mediator-replicas", "2"},
            {"--metrics-address", "pod.example"}
        }) {
            var e = assertThrows(CollectorSettings.ConfigException.class, () -> CollectorSettings.parse(with(bad)));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
        CollectorSettings r = CollectorSettings.parse(new String[] {
            "--source",
            "pcapfile:/x.pcap",
            "--intercepts",
            "/tmp",
            "--output",
            "mediator:m-{replica}.m.li.svc:9100",
            "--mediator-replicas",
            "3"
        });
        assertEquals(3, r.mediatorReplicas());
    }

    @Test
    void clusterModeTakesTheSlotFromTheCollectorStatusAndNeedsTheNodeName() {
        String[] kube = {"--kubernetes", "--source", "afpacket:eth0", "--output", "mediator:m:9100"};
        CollectorSettings c = CollectorSettings.parse(kube, java.util.Map.of("NODE_NAME", "n1")::get);
        assertEquals(null, c.cinSlot(), "from status.cinSlots");
        assertEquals("n1", c.nodeName());
        assertTrue(c.spool().startsWith("/var/lib/kubeli/collector"), c.spool().toString());
        var e = assertThrows(CollectorSettings.ConfigException.class, () -> CollectorSettings.parse(kube, k -> null));
        assertTrue(e.getMessage().contains("NODE_NAME"), e.getMessage());
        assertFalse(
                CollectorSettings.parse(BASE).spool().startsWith(System.getProperty("java.io.tmpdir")),
                "the default spool is not in a shared temp directory");
    }

    @Test
    void radiusOptionsDefaultsAndBadValues() {
        CollectorSettings.Radius r = CollectorSettings.parse(BASE).radius();
        assertEquals(java.util.List.of(1812, 1813, 1645, 1646), r.ports());
        assertEquals(2_000_000, r.maxSessions());
        assertEquals(7200, r.idleSeconds());
        assertEquals("user", r.identity());
        assertTrue(r.state().endsWith("radius-sessions"));
        CollectorSettings.Radius c = CollectorSettings.parse(with(
                        "--radius-ports",
                        "11812,11813",
                        "--radius-max-sessions",
                        "10",
                        "--radius-idle-timeout",
                        "60",
                        "--radius-identity",
                        "both",
                        "--radius-state",
                        "none"))
                .radius();
        assertEquals(java.util.List.of(11812, 11813), c.ports());
        assertEquals(null, c.state());
        assertTrue(CollectorSettings.parse(with("--radius-ports", "none"))
                .radius()
                .ports()
                .isEmpty());
        for (String[] bad : new String[][] {
            {"--radius-ports", "1812,70000"},
            {"--radius-ports", "x"},
            {"--radius-max-sessions", "0"},
            {"--radius-idle-timeout", "0"},
            {"--radius-identity", "nas"}
        }) {
            var e = assertThrows(CollectorSettings.ConfigException.class, () -> CollectorSettings.parse(with(bad)));
            assertTrue(e.getMessage().startsWith(bad[0]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    /** Issue 15: SIP options, their defaults and one-line errors. */
    @Test
    void sipOptionsDefaultsAndBadValues() {
        CollectorSettings.Sip d = CollectorSettings.parse(BASE).sip();
        assertEquals(java.util.List.of(5060), d.ports());
        assertEquals(100_000, d.maxCalls());
        assertEquals(300, d.mediaTimeout());
        CollectorSettings.Sip c = CollectorSettings.parse(
                        with("--sip-ports", "5060,5080", "--sip-max-calls", "10", "--sip-media-timeout", "30"))
                .sip();
        assertEquals(java.util.List.of(5060, 5080), c.ports());
        assertEquals(10, c.maxCalls());
        assertEquals(30, c.mediaTimeout());
        assertTrue(CollectorSettings.parse(with("--sip-ports", "none"))
                .sip()
                .ports()
                .isEmpty());
        for (String[] bad : new String[][] {
            {"--sip-ports", "0"},
            {"--sip-ports", "5060,x"},
            {"--sip-max-calls", "0"},
            {"--sip-max-calls", "1048577"},
            {"--sip-media-timeout", "0"},
            {"--sip-media-timeout", "86401"}
        }) {
            var e = assertThrows(CollectorSettings.ConfigException.class, () -> CollectorSettings.parse(with(bad)));
            assertTrue(e.getMessage().startsWith(bad[0]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }
}
