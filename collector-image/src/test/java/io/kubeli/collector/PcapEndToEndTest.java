package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.Direction;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pcap file with target and non-target packets -> CollectorMain -> FileSink -> etsi decoder. */
class PcapEndToEndTest {
    @TempDir
    Path tmp;

    static String agencyYaml() {
        return """
                apiVersion: li.kubeli.io/v1alpha1
                kind: Agency
                metadata: {name: lea1}
                spec:
                  countryCode: DE
                  operatorId: OPERATOR1
                  timestampFormat: microseconds
                  hi2: {host: 127.0.0.1, port: 1}
                  hi3: {host: 127.0.0.1, port: 2}
                """;
    }

    /** {@code tmp}/intercepts/all.yaml: the agency and Intercept {@code name} (both streams, now-60 s .. now+1 h). */
    static Path interceptsDir(Path tmp, String name, String liid, Instant now, String targets) throws Exception {
        return writeIntercept(
                tmp.resolve("intercepts"),
                "all.yaml",
                name,
                liid,
                now.minusSeconds(60),
                now.plusSeconds(3600),
                "both",
                targets);
    }

    /** {@code dir}/{@code file} (dir created): the agency and one Intercept; returns {@code dir}. */
    static Path writeIntercept(
            Path dir, String file, String name, String liid, Instant from, Instant until, String output, String targets)
            throws Exception {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve(file),
                agencyYaml() + interceptYaml(name, liid, from.toString(), until.toString(), output, targets));
        return dir;
    }

    /** {@code n} Ethernet/IPv4 frames at {@code t + i} to 198.18.2.1: even ones from {@code target}, odd ones from 198.18.2.21. */
    static List<Pkt> everyOther(String target, long t, int n, java.util.function.IntFunction<byte[]> udp) {
        List<Pkt> pkts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pkts.add(new Pkt(
                    t + i, ether(0x0800, ipv4(i % 2 == 0 ? target : "198.18.2.21", "198.18.2.1", 17, udp.apply(i)))));
        }
        return pkts;
    }

    static String interceptYaml(String name, String liid, String from, String until, String output, String targets) {
        return """
                ---
                apiVersion: li.kubeli.io/v1alpha1
                kind: Intercept
                metadata: {name: %s}
                spec:
                  liid: %s
                  agencyRef: lea1
                  mediatorRef: med1
                  authorizationCountryCode: DE
                  deliveryCountryCode: DE
                  validFrom: "%s"
                  validUntil: "%s"
                  output: %s
                  targets:
                %s
                """.formatted(name, liid, from, until, output, targets);
    }

    /** Decodes a file of concatenated PDUs. */
    static List<PsPdu> decodeAll(Path file) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        PduStreamSplitter s = PduStreamSplitter.copying(DecodeLimits.DEFAULT, raw::add);
        s.feed(Files.readAllBytes(file));
        s.finish();
        List<PsPdu> out = new ArrayList<>();
        for (byte[] b : raw) {
            out.add(PsPduDecoder.DEFAULT.decode(b));
        }
        return out;
    }

    record Expected(String liid, long cin, byte[] ip, Direction dir) {}

    @Test
    void exactlyTheTargetPacketsByteExactWithContiguousSequencesAndIri() throws Exception {
        Instant now = Instant.now();
        Path dir = Files.createDirectories(tmp.resolve("intercepts"));
        Files.writeString(dir.resolve("agency.yaml"), agencyYaml());
        Files.writeString(
                dir.resolve("intercepts.yaml"),
                interceptYaml(
                                "icpt-a",
                                "LIID-A",
                                now.minusSeconds(3600).toString(),
                                now.plusSeconds(3600).toString(),
                                "both",
                                "  - {ip: 198.18.2.10, cin: 1}\n  - {ip: \"2001:db8:2::10\", cin: 2}")
                        + interceptYaml(
                                "icpt-b",
                                "LIID-B",
                                now.minusSeconds(3600).toString(),
                                now.plusSeconds(3600).toString(),
                                "ccOnly",
                                "  - {ip: 198.18.2.32/28, cin: 3}"));
        long t = (now.getEpochSecond() - 10) * 1_000_000_000L;
        List<Pkt> pkts = new ArrayList<>();
        List<Expected> exp = new ArrayList<>();
        byte[] p;
        // target v4 UDP out and back
        p = ipv4("198.18.2.10", "198.18.2.200", 17, udp(1000, 53, "query".getBytes()));
        pkts.add(new Pkt(t += 1000, ether(0x0800, p)));
        exp.add(new Expected("LIID-A", 1, p, Direction.FROM_TARGET));
        p = ipv4("198.18.2.200", "198.18.2.10", 17, udp(53, 1000, "answer".getBytes()));
        pkts.add(new Pkt(t += 1000, concat(ether(0x0800, p), new byte[6]))); // with Ethernet padding
        exp.add(new Expected("LIID-A", 1, p, Direction.TO_TARGET));
        // non-targets: v4, v6, ARP, garbage, QinQ
        pkts.add(new Pkt(t += 1000, ether(0x0800, ipv4("198.18.2.11", "198.18.2.200", 6, tcp(1, 2, new byte[10])))));
        pkts.add(new Pkt(
                t += 1000, ether(0x86DD, ipv6("2001:db8:2::11", "2001:db8:2::99", 17, udp(1, 2, new byte[3])))));
        pkts.add(new Pkt(t += 1000, ether(0x0806, new byte[28])));
        pkts.add(new Pkt(t += 1000, new byte[7]));
        pkts.add(new Pkt(
                t += 1000,
                etherVlan(
                        new int[] {0x88a8, 5, 0x8100, 6},
                        0x0800,
                        ipv4("198.18.2.50", "198.18.2.51", 17, udp(1, 2, new byte[1])))));
        // VLAN target TCP
        p = ipv4("198.18.2.10", "198.18.2.201", 6, tcp(40000, 443, new byte[50]));
        pkts.add(new Pkt(t += 1000, etherVlan(new int[] {0x8100, 42}, 0x0800, p)));
        exp.add(new Expected("LIID-A", 1, p, Direction.FROM_TARGET));
        // IPv6 target with a fragment header
        p = ipv6("2001:db8:2::99", "2001:db8:2::10", 44, v6frag(17, 0, true, 77, udp(1, 2, new byte[16])));
        pkts.add(new Pkt(t += 1000, ether(0x86DD, p)));
        exp.add(new Expected("LIID-A", 2, p, Direction.TO_TARGET));
        // IPv4 fragments of a target's datagram: first has ports, the others do not
        for (int f = 0; f < 3; f++) {
            p = ipv4("198.18.2.10", "198.18.2.202", 17, new byte[f == 2 ? 40 : 1480], 4242, f * 185, f < 2, null);
            pkts.add(new Pkt(t += 1000, ether(0x0800, p)));
            exp.add(new Expected("LIID-A", 1, p, Direction.FROM_TARGET));
        }
        // MPLS-labelled target of intercept B (prefix), and QinQ
        p = ipv4("198.18.2.100", "198.18.2.33", 17, udp(7, 8, new byte[20]));
        pkts.add(new Pkt(t += 1000, ether(0x8847, mpls(new int[] {1000, 2000}, p))));
        exp.add(new Expected("LIID-B", 3, p, Direction.TO_TARGET));
        p = ipv4("198.18.2.47", "198.18.2.10", 17, udp(7, 8, new byte[20])); // B -> A: one record each
        pkts.add(new Pkt(t += 1000, etherVlan(new int[] {0x88a8, 7, 0x8100, 8}, 0x0800, p)));
        exp.add(new Expected("LIID-B", 3, p, Direction.FROM_TARGET));
        exp.add(new Expected("LIID-A", 1, p, Direction.TO_TARGET));
        // outside the window: never delivered
        pkts.add(new Pkt(
                (now.getEpochSecond() + 7200) * 1_000_000_000L,
                ether(0x0800, ipv4("198.18.2.10", "198.18.2.200", 17, udp(1, 2, new byte[2])))));
        pkts.add(new Pkt(
                (now.getEpochSecond() - 7200) * 1_000_000_000L,
                ether(0x0800, ipv4("198.18.2.10", "198.18.2.200", 17, udp(1, 2, new byte[2])))));
        Path pcap = tmp.resolve("in.pcap");
        writePcap(pcap, LinkTypes.ETHERNET, pkts);
        Path out = tmp.resolve("out.ber");

        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(captured, true));
            rc = CollectorMain.run(new String[] {
                "--source",
                "pcapfile:" + pcap,
                "--intercepts",
                dir.toString(),
                "--output",
                "file:" + out,
                "--network-element-id",
                "NE-TEST",
                "--encoders",
                "2"
            });
        } finally {
            System.setOut(old);
        }
        String summary = captured.toString();
        assertEquals(0, rc, summary);
        assertTrue(summary.contains("packets=" + pkts.size()), summary);
        assertTrue(summary.contains("drops=0"), summary);
        assertFalse(summary.contains("198.18"), "no target identities in output");

        Map<String, List<PsPdu>> cc = new HashMap<>();
        Map<String, List<PsPdu>> iri = new HashMap<>();
        for (PsPdu pdu : decodeAll(out)) {
            String key = new String(pdu.header().liid().toByteArray()) + "/"
                    + pdu.header().cin();
            (pdu.payload() instanceof Payload.Cc ? cc : iri)
                    .computeIfAbsent(key, k -> new ArrayList<>())
                    .add(pdu);
        }
        Map<String, List<Expected>> expByKey = new HashMap<>();
        for (Expected e : exp) {
            expByKey.computeIfAbsent(e.liid() + "/" + e.cin(), k -> new ArrayList<>())
                    .add(e);
        }
        assertEquals(expByKey.keySet(), cc.keySet());
        for (var e : expByKey.entrySet()) {
            List<PsPdu> got = cc.get(e.getKey());
            assertEquals(e.getValue().size(), got.size(), "records of " + e.getKey());
            for (int i = 0; i < got.size(); i++) {
                PsPdu pdu = got.get(i);
                assertEquals(i, pdu.header().sequenceNumber());
                var payload = ((Payload.Cc) pdu.payload()).payloads().get(0);
                assertEquals(e.getValue().get(i).dir(), payload.direction());
                assertArrayEquals(
                        e.getValue().get(i).ip(),
                        ((CcContents.Ipcc) payload.contents()).packet().toByteArray(),
                        "byte-exact packet " + i + " of " + e.getKey());
                assertEquals(
                        "NE-TEST",
                        new String(pdu.header()
                                .communicationIdentifier()
                                .networkElementId()
                                .toByteArray()));
            }
        }
        // IRI: A's two targets each Begin (seq 0) and End (seq 1); B is ccOnly
        assertEquals(2, iri.size(), iri.keySet().toString());
        for (List<PsPdu> l : iri.values()) {
            assertEquals(2, l.size());
            assertEquals(
                    IriType.IRI_BEGIN,
                    ((Payload.Iri) l.get(0).payload()).payloads().get(0).iriType());
            assertEquals(
                    IriType.IRI_END,
                    ((Payload.Iri) l.get(1).payload()).payloads().get(0).iriType());
            assertEquals(0, l.get(0).header().sequenceNumber());
            assertEquals(1, l.get(1).header().sequenceNumber());
        }
    }

    @Test
    void badOptionsExitWithTwo() {
        PrintStream old = System.err;
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream()));
            assertEquals(2, CollectorMain.run(new String[] {"--bogus"}));
            assertEquals(2, CollectorMain.run(new String[] {"--source", "pcapfile:/x", "--output", "file:/tmp/x"}));
            assertEquals(2, CollectorMain.run(new String[] {
                "--source", "pcapfile:/x", "--intercepts", "/x", "--output", "tcp:1"
            }));
            assertEquals(2, CollectorMain.run(new String[] {
                "--source", "x", "--intercepts", "/x", "--output", "file:/tmp/x", "--threads", "many"
            }));
        } finally {
            System.setErr(old);
        }
        assertTrue(Arrays.toString(new String[] {CollectorSettings.usage()}).contains("--source"));
    }
}
