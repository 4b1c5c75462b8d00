package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector accepts exactly what the operator renders (operator CollectorConfig.args and
 * CollectorWorkloads.xdpAttach, as its tests assert them: test resources operator-contract/*.args), and the per-pod
 * link identity.
 */
class OperatorContractTest {
    @TempDir
    Path tmp;

    /**
     * The arguments the operator renders for collector {@code name} (test resource operator-contract/NAME.args, one a
     * line), as the kubelet runs them: $(POD_NAMESPACE) and $(POD_IP) expanded, the mounted TLS directory replaced by
     * a real one.
     */
    private String[] asKubeletRuns(String name) throws Exception {
        Path tls = Files.createDirectories(tmp.resolve("tls"));
        List<String> a = new ArrayList<>();
        try (var in = OperatorContractTest.class.getResourceAsStream("/operator-contract/" + name + ".args")) {
            for (String s : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                a.add(
                        switch (s) {
                            case "$(POD_NAMESPACE)" -> "li";
                            case "$(POD_IP)" -> "198.18.0.10";
                            case "/etc/kubeli/tls" -> tls.toString();
                            default -> s;
                        });
            }
        }
        return a.toArray(String[]::new);
    }

    private static final Map<String, String> POD_ENV = Map.of(
            "NODE_NAME",
            "worker-3",
            "POD_NAME",
            "kubeli-collector-x-abcde",
            "POD_NAMESPACE",
            "li",
            "HOSTNAME",
            "worker-3");

    @Test
    void afpacketCollector() throws Exception {
        CollectorSettings c = CollectorSettings.parse(asKubeletRuns("afpacket"), POD_ENV::get);
        assertTrue(c.kubernetes());
        assertEquals(10, c.drainSeconds()); // the operator's grace period (20 s) is this plus the stop margin
        assertEquals("edge", c.collectorId());
        assertEquals("edge/worker-3", c.instanceId());
        assertEquals(List.of("afpacket:ens1f0?threads=4&fanout=ip"), c.sources());
        assertFalse(c.ealLcoresFromCpuset());
    }

    @Test
    void dpdkCollector() throws Exception {
        CollectorSettings c = CollectorSettings.parse(asKubeletRuns("dpdk"), POD_ENV::get);
        assertTrue(c.ealLcoresFromCpuset());
        assertEquals("core-dpdk", c.collectorId());
        assertEquals("core-dpdk/worker-3", c.instanceId());
        assertEquals(
                "dpdk:0000:3b:02.6?queues=4&lcores=cpuset",
                CollectorApp.sourceUri(c.sources().get(0), true));
        assertEquals("dpdk:env?lcores=cpuset", CollectorApp.sourceUri("dpdk:env", true));
        assertEquals(
                "dpdk:env?lcores=2-3", CollectorApp.sourceUri("dpdk:env?lcores=2-3", true), "explicit lcores kept");
        assertEquals("dpdk:env", CollectorApp.sourceUri("dpdk:env", false));
        assertEquals("afpacket:eth0?fanout=ip", CollectorApp.sourceUri("afpacket:eth0", true));
        assertTrue(
                io.kubeli.capture.CaptureSources.schemes().containsAll(List.of("dpdk", "xdp")),
                "bypass providers on the collector's class path");
    }

    @Test
    void xdpCollectorAndItsInitContainer() throws Exception {
        CollectorSettings c = CollectorSettings.parse(asKubeletRuns("xdp"), POD_ENV::get);
        assertEquals(List.of("xdp:ens2f0?queues=4&mode=native"), c.sources());
        // the init container: the subcommand parses the operator's arguments; only the interface is missing here
        PrintStream outBefore = System.out;
        PrintStream errBefore = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true));
            System.setErr(new PrintStream(err, true));
            rc = CollectorMain.run(
                    new String[] {"xdp-attach", "--iface", "kcolNoSuch0", "--mode", "native", "--queues", "4"});
            assertEquals(2, CollectorMain.run(new String[] {"xdp-attach", "--iface", "x", "--mode", "turbo"}));
            assertEquals(0, CollectorMain.run(new String[] {"xdp-attach", "--help"}));
        } finally {
            System.setOut(outBefore);
            System.setErr(errBefore);
        }
        assertEquals(1, rc, err.toString());
        assertTrue(err.toString().startsWith("xdp-attach: "), err.toString());
    }

    @Test
    void linkIdentityIsPerPod() {
        String[] base = {"--source", "pcapfile:/x.pcap", "--intercepts", "/tmp", "--output", "file:/tmp/o"};
        Map<String, String> node1 = Map.of("NODE_NAME", "n1");
        Map<String, String> node2 = Map.of("NODE_NAME", "n2");
        String[] withId = concat(base, "--collector-id", "edge");
        // same DaemonSet, two nodes: two link identities, one Collector name
        CollectorSettings a = CollectorSettings.parse(withId, node1::get);
        CollectorSettings b = CollectorSettings.parse(withId, node2::get);
        assertEquals("edge", a.collectorId());
        assertEquals("edge", b.collectorId());
        assertNotEquals(a.instanceId(), b.instanceId());
        assertNotEquals(a.spool(), b.spool(), "default spools differ too");
        // explicit --instance-id wins; without NODE_NAME the collector id is the identity
        assertEquals(
                "edge-a",
                CollectorSettings.parse(concat(withId, "--instance-id", "edge-a"), node1::get)
                        .instanceId());
        assertEquals("edge", CollectorSettings.parse(withId, k -> null).instanceId());
        // the mediator link accepts only [A-Za-z0-9._:/-]: anything else stops start-up with a clear message
        CollectorSettings.ConfigException e = assertThrows(
                CollectorSettings.ConfigException.class,
                () -> CollectorSettings.parse(concat(withId, "--instance-id", "edge a"), node1::get));
        assertTrue(e.getMessage().contains("--instance-id"), e.getMessage());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
