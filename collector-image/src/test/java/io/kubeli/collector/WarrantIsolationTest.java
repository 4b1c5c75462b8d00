package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.CollectorStatus;
import io.kubeli.capture.LinkTypes;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 obs 1, 2, 4, 5 (collector side): per-file isolation, LIID ownership, whole-intercept target rules, CIN
 * slots. Every test names what failed on the code before.
 */
class WarrantIsolationTest {
    @TempDir
    Path tmp;

    private CapturedLogs logs;

    @BeforeEach
    void capture() {
        logs = new CapturedLogs("io.kubeli.collector");
    }

    @AfterEach
    void release() {
        logs.close();
        String l = logs.toString();
        assertFalse(
                l.contains("198.18") || l.contains("0.0.0.0") || l.contains("::/0") || l.contains("alice"),
                "no target identity in any log line:\n" + l);
    }

    static final Instant NOW = Instant.now();

    static String agency(String name) {
        return "---\n" + PcapEndToEndTest.agencyYaml().replace("name: lea1", "name: " + name);
    }

    static String intercept(String name, String liid, String agency, String created, String targets) {
        return PcapEndToEndTest.interceptYaml(
                        name,
                        liid,
                        NOW.minusSeconds(60).toString(),
                        NOW.plusSeconds(600).toString(),
                        "both",
                        targets)
                .replace("agencyRef: lea1", "agencyRef: " + agency)
                .replace(
                        "metadata: {name: " + name + "}",
                        "metadata: {name: " + name + ", namespace: li"
                                + (created == null ? "" : ", creationTimestamp: \"" + created + "\"") + "}");
    }

    private static int v4(String a) {
        return ByteBuffer.wrap(addr(a)).getInt();
    }

    private InterceptManager manager(CollectingSink sink, InterceptManager.Rules rules) {
        return new InterceptManager(
                new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink), "NE", Clock.systemUTC(), rules);
    }

    // ---- obs 1: one unreadable file freezes nothing ----

    @Test
    void aBrokenFileIsRejectedAloneAndADeletionStillTakesEffectWithinOneSecond() throws Exception {
        Files.writeString(
                tmp.resolve("a.yaml"), agency("lea1") + intercept("one", "L1", "lea1", null, "  - {ip: 198.18.2.1}"));
        Files.writeString(tmp.resolve("b.yaml"), intercept("two", "L2", "lea1", null, "  - {ip: 198.18.2.2}"));
        Files.writeString(tmp.resolve("broken.yaml"), "kind: Intercept\nspec: [unclosed\n");
        LinkedBlockingQueue<ResourceSet> q = new LinkedBlockingQueue<>();
        try (YamlDirSource src = new YamlDirSource(tmp, Duration.ofMillis(100), null)) {
            src.start(q::add); // before: IllegalArgumentException, the collector exited 2
            ResourceSet first = q.poll(1, TimeUnit.SECONDS);
            assertNotNull(first);
            assertEquals(2, first.intercepts().size());
            assertEquals(1, first.rejected().size());
            assertTrue(
                    first.rejected().get(0).matches("broken\\.yaml.* rejected: .*at line \\d+.*"),
                    first.rejected().toString());
            Files.delete(tmp.resolve("b.yaml"));
            long t0 = System.nanoTime();
            ResourceSet next = q.poll(5, TimeUnit.SECONDS);
            assertNotNull(next, "the deletion is applied while the broken file is still there");
            assertEquals(1, next.intercepts().size());
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "within a second (poll 100 ms)");
        }
        assertTrue(logs.toString().contains("broken.yaml"), logs.toString());
    }

    @Test
    void aFileBeingWrittenIsAwaitedOnePollThenRejectedIfStillBroken() throws Exception {
        Files.writeString(
                tmp.resolve("a.yaml"), agency("lea1") + intercept("one", "L1", "lea1", null, "  - {ip: 198.18.2.1}"));
        LinkedBlockingQueue<ResourceSet> q = new LinkedBlockingQueue<>();
        try (YamlDirSource src = new YamlDirSource(tmp, Duration.ofMillis(500), null)) {
            src.start(q::add);
            assertNotNull(q.poll(1, TimeUnit.SECONDS));
            // an editor saving in place: first half, then the rest
            String full = intercept("two", "L2", "lea1", null, "  - {ip: 198.18.2.2}");
            Files.writeString(tmp.resolve("b.yaml"), full.substring(0, full.indexOf("targets:") + 9) + "  - {ip: [");
            Thread.sleep(50);
            Files.writeString(tmp.resolve("b.yaml"), full);
            ResourceSet next = q.poll(3, TimeUnit.SECONDS);
            assertNotNull(next);
            assertEquals(List.of(), next.rejected(), "the half-written state never ended the other warrants");
            assertEquals(2, next.intercepts().size());
            // still broken after a poll interval: rejected alone
            Files.writeString(tmp.resolve("b.yaml"), "kind: Intercept\nspec: [unclosed\n");
            ResourceSet broken = q.poll(3, TimeUnit.SECONDS);
            assertNotNull(broken);
            assertEquals(1, broken.intercepts().size());
            assertEquals(1, broken.rejected().size());
        }
    }

    @Test
    void aBrokenDocumentIsRejectedAloneAndCounted() throws Exception {
        // document 2 parses as YAML but does not map to an Intercept (targets is not a list)
        Files.writeString(
                tmp.resolve("multi.yaml"),
                agency("lea1")
                        + "---\napiVersion: li.kubeli.io/v1alpha1\nkind: Intercept\nmetadata: {name: bad}\nspec: {liid: LB, targets: 7}\n"
                        + intercept("good", "L1", "lea1", null, "  - {ip: 198.18.2.1}"));
        ResourceSet rs = new YamlDirSource(tmp, Duration.ofSeconds(1), null).load();
        assertEquals(1, rs.intercepts().size());
        assertEquals(1, rs.agencies().size());
        assertEquals(
                List.of("multi.yaml document 2 (Intercept) rejected: MismatchedInputException at line 0"
                        .replace(" at line 0", "")),
                rs.rejected().stream()
                        .map(r -> r.replaceAll(" at line \\d+", ""))
                        .toList());
        CollectingSink sink = new CollectingSink();
        InterceptManager m = manager(sink, InterceptManager.Rules.defaults());
        m.update(rs);
        assertEquals(1, m.activeIntercepts());
        assertEquals(1, m.rejectedResources());
        assertEquals(1, m.rejections());
        m.update(rs);
        assertEquals(1, m.rejections(), "the same problem is counted (and logged) once");
    }

    @Test
    void theCollectorStartsWithABrokenFilePresent() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("icpt"));
        Files.writeString(
                dir.resolve("a.yaml"), agency("lea1") + intercept("one", "L1", "lea1", null, "  - {ip: 198.18.2.1}"));
        Files.writeString(dir.resolve("zz.yaml"), "\t: : not yaml [");
        Path pcap = tmp.resolve("p.pcap");
        long ts = NOW.getEpochSecond() * 1_000_000_000L;
        writePcap(
                pcap,
                1,
                List.of(new Pkt(ts, ether(0x0800, ipv4("198.18.2.1", "198.18.2.9", 17, udp(1, 2, new byte[3]))))));
        Path out = tmp.resolve("out.ber");
        CollectorApp app = CollectorApp.start(CollectorSettings.parse(
                new String[] {"--source", "pcapfile:" + pcap, "--intercepts", dir.toString(), "--output", "file:" + out
                }));
        try {
            app.awaitFiniteEnd();
        } finally {
            app.close();
        }
        assertEquals(1, app.manager().activeIntercepts());
        long cc = app.manager().keys().stream().mapToLong(KeyState::ccRecords).sum();
        assertEquals(1, cc, app.summary());
    }

    // ---- obs 2: an LIID belongs to one Intercept ----

    @Test
    void aSecondInterceptWithAnLiidInUseIsRefusedNamingTheOwner() throws Exception {
        Files.writeString(
                tmp.resolve("a.yaml"),
                agency("lea1")
                        + agency("lea2")
                        + intercept("first", "SHARED", "lea1", "2026-01-01T00:00:00Z", "  - {ip: 198.18.2.1, cin: 7}")
                        + intercept(
                                "second", "SHARED", "lea2", "2026-01-02T00:00:00Z", "  - {ip: 198.18.2.2, cin: 7}"));
        CollectingSink sink = new CollectingSink();
        InterceptManager m = manager(sink, InterceptManager.Rules.defaults());
        m.update(new YamlDirSource(tmp, Duration.ofSeconds(1), null).load());
        TargetTable t = m.pipelineTable();
        assertNotNull(t.lookup4(v4("198.18.2.1")));
        assertNull(t.lookup4(v4("198.18.2.2")), "the refused warrant's target is not intercepted");
        assertEquals(1, m.activeIntercepts());
        assertEquals(1, m.refusedIntercepts());
        assertEquals(1, m.rejections());
        assertTrue(
                logs.toString().contains("intercept li/second refused: its LIID belongs to intercept li/first"),
                logs.toString());
        assertEquals(1, sink.records.size(), "IRI-Begin of the owner only");
        assertEquals("li/first", sink.records.get(0).key().interceptName());
        assertEquals("lea1", sink.records.get(0).key().agency());
    }

    @Test
    void theSameTargetUnderTwoWarrantsGivesEachAgencyEveryPacket() throws Exception {
        Files.writeString(
                tmp.resolve("a.yaml"),
                agency("lea1")
                        + agency("lea2")
                        + agency("lea3")
                        + intercept("w1", "L1", "lea1", null, "  - {ip: 198.18.2.1}")
                        + intercept("w2", "L2", "lea2", null, "  - {ip: 198.18.2.1}")
                        + intercept("w3", "L3", "lea3", null, "  - {ip: 198.18.2.0/24}"));
        CollectingSink sink = new CollectingSink();
        CollectorPipeline p = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        InterceptManager m = new InterceptManager(p, "NE", Clock.systemUTC(), InterceptManager.Rules.defaults());
        m.update(new YamlDirSource(tmp, Duration.ofSeconds(1), null).load());
        assertEquals(3, p.table().lookup4(v4("198.18.2.1")).length, "three entries for one address");
        assertEquals(1, p.table().lookup4(v4("198.18.2.7")).length);
        int before = sink.records.size();
        CaptureWorker w = p.newWorker();
        long ts = (NOW.getEpochSecond()) * 1_000_000_000L;
        int packets = 50;
        for (int i = 0; i < packets; i++) {
            byte[] f = ether(
                    0x0800,
                    ipv4(
                            i % 2 == 0 ? "198.18.2.1" : "198.18.9.9",
                            i % 2 == 0 ? "198.18.9.9" : "198.18.2.1",
                            17,
                            udp(1, 2, new byte[i])));
            assertEquals(3, w.process(p.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, ts + i));
        }
        w.onEnd();
        p.start();
        p.drain();
        Map<String, List<Long>> perAgency = new HashMap<>();
        for (CollectingSink.Rec r : sink.records.subList(before, sink.records.size())) {
            PsPdu pdu = PsPduDecoder.DEFAULT.decode(r.pdu());
            assertEquals(
                    r.key().liid(),
                    new String(pdu.header().liid().toByteArray()),
                    "each record under its own warrant's LIID");
            perAgency.computeIfAbsent(r.key().agency(), k -> new ArrayList<>()).add(r.seq());
        }
        List<Long> all = java.util.stream.LongStream.range(0, packets).boxed().toList();
        assertEquals(Map.of("lea1", all, "lea2", all, "lea3", all), perAgency);
    }

    // ---- obs 4: catch-all and unusable targets reject the whole intercept ----

    @Test
    void catchAllShortMalformedAndUnservedTargetsRejectTheWholeIntercept() throws Exception {
        Files.writeString(
                tmp.resolve("a.yaml"),
                agency("lea1")
                        + intercept("all4", "A4", "lea1", null, "  - {ip: 198.18.2.1}\n  - {ip: 0.0.0.0/0}")
                        + intercept("all6", "A6", "lea1", null, "  - {ip: 198.18.2.2}\n  - {ip: \"::/0\"}")
                        + intercept("short", "S", "lea1", null, "  - {ip: 198.18.2.3}\n  - {ip: 198.0.0.0/7}")
                        + intercept("short6", "S6", "lea1", null, "  - {ip: 198.18.2.4}\n  - {ip: \"2001::/15\"}")
                        + intercept("bad", "B", "lea1", null, "  - {ip: 198.18.2.5}\n  - {ip: 198.18.2.0/33}")
                        + intercept("radius", "R", "lea1", null, "  - {ip: 198.18.2.6}\n  - {radiusUser: alice}")
                        + intercept("sip", "SI", "lea1", null, "  - {ip: 198.18.2.7}\n  - {sipUri: \"sip:alice@x\"}")
                        + intercept("fine", "F", "lea1", null, "  - {ip: 198.18.0.0/8}\n  - {ip: \"2001:db8::/16\"}"));
        CollectingSink sink = new CollectingSink();
        InterceptManager m = manager(sink, InterceptManager.Rules.defaults());
        m.update(new YamlDirSource(tmp, Duration.ofSeconds(1), null).load());
        assertEquals(1, m.activeIntercepts());
        assertEquals(7, m.rejectedIntercepts());
        assertEquals(7, m.rejections());
        TargetTable t = m.pipelineTable();
        for (int i = 1; i <= 7; i++) {
            TargetEntry[] e = t.lookup4(v4("198.18.2." + i));
            assertTrue(
                    e != null && e.length == 1 && e[0].key().interceptName().equals("li/fine"),
                    "target ." + i + " belongs to a rejected intercept: never half-active");
        }
        assertNull(t.lookup4(v4("10.1.2.3")), "no catch-all");
        String l = logs.toString();
        assertTrue(
                l.contains("intercept li/all4 rejected: target #1: prefix length /0 is shorter than the minimum /8"),
                l);
        assertTrue(l.contains("intercept li/short6 rejected: target #1: prefix length /15"), l);
        assertTrue(l.contains("intercept li/bad rejected: target #1: IP target prefix length out of range"), l);
        assertTrue(l.contains("intercept li/radius rejected: target #1: kind radius_user is not served"), l);
        assertTrue(l.contains("intercept li/sip rejected: target #1: kind sip_uri is not served"), l);
        assertEquals(
                2,
                sink.records.stream()
                        .filter(r -> r.key().interceptName().equals("li/fine"))
                        .count(),
                "IRI-Begin for the accepted intercept's two targets only");
        assertEquals(2, sink.records.size());
        // a lower configured minimum accepts /7
        InterceptManager lax = manager(new CollectingSink(), new InterceptManager.Rules(4, 16, 0, null));
        lax.update(new YamlDirSource(tmp, Duration.ofSeconds(1), null).load());
        assertTrue(
                java.util.Arrays.stream(lax.pipelineTable().lookup4(v4("198.18.2.3")))
                        .anyMatch(e -> e.key().interceptName().equals("li/short")),
                "/7 accepted with a /4 minimum");
        assertTrue(
                java.util.Arrays.stream(lax.pipelineTable().lookup4(v4("198.18.2.1")))
                        .noneMatch(e -> e.key().interceptName().equals("li/all4")),
                "0.0.0.0/0 is refused at any minimum");
    }

    // ---- obs 5: one CIN space per instance ----

    @Test
    void everyCinLiesInThisInstancesSlot() throws Exception {
        Files.writeString(
                tmp.resolve("a.yaml"),
                agency("lea1")
                        + intercept("c", "LC", "lea1", null, "  - {ip: 198.18.2.1, cin: 3}\n  - {ip: 198.18.2.2}"));
        ResourceSet rs = new YamlDirSource(tmp, Duration.ofSeconds(1), null).load();
        CollectingSink a = new CollectingSink();
        InterceptManager ma = manager(a, new InterceptManager.Rules(8, 16, 0, null));
        ma.update(rs);
        CollectingSink b = new CollectingSink();
        InterceptManager mb = manager(b, new InterceptManager.Rules(8, 16, 4095, null));
        mb.update(rs);
        long base2 = ma.pipelineTable().lookup4(v4("198.18.2.2"))[0].key().cin();
        assertTrue(base2 >= 0 && base2 < InterceptManager.CIN_SPACE, "derived base below 2^20: " + base2);
        assertEquals(3, ma.pipelineTable().lookup4(v4("198.18.2.1"))[0].key().cin());
        assertEquals(
                4095L * 1048576 + 3,
                mb.pipelineTable().lookup4(v4("198.18.2.1"))[0].key().cin());
        assertEquals(
                4095L * 1048576 + base2,
                mb.pipelineTable().lookup4(v4("198.18.2.2"))[0].key().cin());
        // the largest CIN is encoded and decodes back (IRI through the reference encoder, CC through the template)
        for (CollectingSink.Rec r : b.records) {
            assertEquals(
                    r.key().cin(), PsPduDecoder.DEFAULT.decode(r.pdu()).header().cin());
        }
        assertEquals(0xFFFFFFFFL, 4095L * 1048576 + (InterceptManager.CIN_SPACE - 1), "the top of the space is 2^32-1");
    }

    @Test
    void theEtsiEncodersCarryTheLargestCin() throws Exception {
        long cin = 4095L * InterceptManager.CIN_SPACE + (InterceptManager.CIN_SPACE - 1);
        assertEquals(0xFFFFFFFFL, cin);
        io.kubeli.etsi.HeaderParams hp = new io.kubeli.etsi.HeaderParams(
                io.kubeli.etsi.Profile.LATEST,
                "LIID-MAX",
                "DE",
                "OP",
                "NE",
                cin,
                "DE",
                io.kubeli.etsi.TimestampFormat.GENERALIZED,
                null);
        io.kubeli.etsi.IpccTemplate t = io.kubeli.etsi.IpccTemplate.of(hp);
        byte[] ip = ipv4("198.18.2.1", "198.18.2.2", 17, udp(1, 2, new byte[8]));
        byte[] out = new byte[t.maxEncodedLength(ip.length)];
        int n = t.encode(
                out, 0, 7, NOW.getEpochSecond() * 1_000_000_000L, io.kubeli.etsi.Direction.TO_TARGET, ip, 0, ip.length);
        assertEquals(
                cin,
                PsPduDecoder.DEFAULT
                        .decode(java.util.Arrays.copyOf(out, n))
                        .header()
                        .cin(),
                "CC template");
        byte[] iri = io.kubeli.etsi.ReferenceEncoder.encode(
                io.kubeli.etsi.Pdus.ipIriBegin(hp, 0, NOW, "u", addr("198.18.2.1"), 32));
        assertEquals(cin, PsPduDecoder.DEFAULT.decode(iri).header().cin(), "reference encoder");
    }

    @Test
    void inClusterModeNothingIsInterceptedUntilTheSlotIsKnown() throws Exception {
        Files.writeString(
                tmp.resolve("a.yaml"),
                agency("lea1") + intercept("c", "LC", "lea1", null, "  - {ip: 198.18.2.1, cin: 3}"));
        ResourceSet rs = new YamlDirSource(tmp, Duration.ofSeconds(1), null).load();
        CollectingSink sink = new CollectingSink();
        InterceptManager m = manager(sink, new InterceptManager.Rules(8, 16, null, "node-a"));
        Collector c = new Collector();
        c.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        c.getMetadata().setName("edge");
        m.update(new ResourceSet(rs.intercepts(), rs.agencies(), c));
        assertTrue(m.pipelineTable().isEmpty(), "no slot: nothing intercepted");
        assertFalse(m.loaded(), "not ready");
        assertEquals(0, sink.records.size(), "no IRI");
        c.setStatus(new CollectorStatus());
        c.getStatus().setCinSlots(Map.of("node-b", 1));
        m.update(new ResourceSet(rs.intercepts(), rs.agencies(), c));
        assertTrue(m.pipelineTable().isEmpty(), "another node's slot is not ours");
        c.getStatus().setCinSlots(Map.of("node-b", 1, "node-a", 9));
        m.update(new ResourceSet(rs.intercepts(), rs.agencies(), c));
        assertTrue(m.loaded());
        assertEquals(
                9L * 1048576 + 3,
                m.pipelineTable().lookup4(v4("198.18.2.1"))[0].key().cin());
        assertEquals(1, logs.toString().split("no CIN slot for node", -1).length - 1, "logged once");
    }

    @Test
    void collectorStatusSlotChangesRebuildTheTable() {
        Collector a = new Collector();
        a.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        a.getMetadata().setGeneration(2L);
        Collector b = new Collector();
        b.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        b.getMetadata().setGeneration(2L);
        b.setStatus(new CollectorStatus());
        b.getStatus().setCinSlots(Map.of("n", 1));
        assertFalse(KubernetesSource.statusOnly(a, b), "cinSlots arrive in the status");
        // the informers hold raw resources
        var ga = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
        ga.setKind("Collector");
        ga.setMetadata(a.getMetadata());
        var gb = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
        gb.setKind("Collector");
        gb.setMetadata(b.getMetadata());
        gb.setAdditionalProperties(Map.of("status", Map.of("cinSlots", Map.of("n", 1))));
        assertFalse(KubernetesSource.statusOnly(ga, gb));
        assertTrue(KubernetesSource.statusOnly(gb, gb));
    }
}
