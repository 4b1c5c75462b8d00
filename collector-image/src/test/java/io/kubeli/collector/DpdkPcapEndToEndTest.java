package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without privileges: the collector with {@code dpdk:vdev=net_pcap,rx_pcap=FILE} (and the operator's
 * --eal-lcores-from-cpuset) takes exactly the file's packets into the normal pipeline and writes the same CC
 * records, byte for byte, as with {@code pcapfile:} on the same file: exactly the target packets, none outside
 * the window.
 */
class DpdkPcapEndToEndTest {
    private static final int MIX = 3000;

    @TempDir
    Path tmp;

    @Test
    void sameRecordsAsPcapfile() throws Exception {
        LiveCollectorIT.assumeBypass("dpdk:");
        Instant now = Instant.now();
        Path dir = PcapEndToEndTest.writeIntercept(
                tmp.resolve("intercepts"),
                "intercepts.yaml",
                "live-0",
                "LIID-L0",
                now.minusSeconds(3600),
                now.plusSeconds(3600),
                "both",
                "  - {ip: 198.18.2.10, cin: 1}\n  - {ip: \"2001:db8:2::10\", cin: 2}");
        List<byte[]> frames = new ArrayList<>();
        List<byte[]> expected = LiveCollectorIT.mix(MIX, 11, frames, "198.18.2.10");
        // whole microseconds: net_pcap reports µs, so both runs see the same capture times
        long t = (now.getEpochSecond() - 10) * 1_000_000_000L;
        List<Pkt> pkts = new ArrayList<>();
        for (byte[] f : frames) {
            pkts.add(new Pkt(t += 1000, f));
        }
        // a target outside the window, before and after: never delivered
        byte[] late = ether(0x0800, ipv4("198.18.2.10", "198.18.2.200", 17, udp(1, 2, new byte[2])));
        pkts.add(new Pkt((now.getEpochSecond() + 7200) * 1_000_000_000L, late));
        pkts.add(new Pkt((now.getEpochSecond() - 7200) * 1_000_000_000L, late));
        Path pcap = tmp.resolve("in.pcap");
        writePcap(pcap, LinkTypes.ETHERNET, pkts);

        Path outFile = tmp.resolve("pcapfile.ber");
        CollectorApp a = CollectorApp.start(
                config("pcapfile:" + pcap, dir, outFile), FileSink.forPath(outFile.toString()), Clock.systemUTC());
        a.awaitFiniteEnd();
        a.close();

        Path outDpdk = tmp.resolve("dpdk.ber");
        CollectorApp d = CollectorApp.start(
                config("dpdk:vdev=net_pcap7,rx_pcap=" + pcap, dir, outDpdk),
                FileSink.forPath(outDpdk.toString()),
                Clock.systemUTC());
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (d.pipeline().stats().packets() < pkts.size() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200); // anything extra would show up now
        } finally {
            d.close();
        }
        assertEquals(pkts.size(), d.captureStats().packets(), d.summary());
        assertEquals(0, d.captureStats().drops(), d.summary());
        assertEquals(a.pipeline().stats().matched(), d.pipeline().stats().matched());
        assertEquals(2, d.pipeline().stats().outOfWindow(), d.summary());

        List<byte[]> ccFile = ccPdus(outFile);
        List<byte[]> ccDpdk = ccPdus(outDpdk);
        assertEquals(expected.size(), ccDpdk.size(), d.summary());
        assertEquals(ccFile.size(), ccDpdk.size());
        for (int i = 0; i < ccFile.size(); i++) {
            assertEquals(
                    HexFormat.of().formatHex(ccFile.get(i)), HexFormat.of().formatHex(ccDpdk.get(i)), "CC PDU " + i);
        }
        List<PsPdu> pdus = PcapEndToEndTest.decodeAll(outDpdk);
        assertEquals(
                LiveCollectorIT.multiset(expected),
                LiveCollectorIT.multiset(LiveCollectorIT.ccPackets(pdus, "LIID-L0")),
                "exactly the target packets, byte-exact, contiguous");
        assertEquals(List.of(IriType.IRI_BEGIN, IriType.IRI_BEGIN, IriType.IRI_END, IriType.IRI_END), iris(pdus));
    }

    private static CollectorSettings config(String uri, Path dir, Path out) {
        // one encoder: records in capture order, so the two runs can be compared PDU by PDU
        return CollectorSettings.parse(new String[] {
            "--source",
            uri,
            "--intercepts",
            dir.toString(),
            "--output",
            "file:" + out,
            "--encoders",
            "1",
            "--eal-lcores-from-cpuset"
        });
    }

    private static List<byte[]> ccPdus(Path file) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        PduStreamSplitter s = PduStreamSplitter.copying(DecodeLimits.DEFAULT, raw::add);
        s.feed(Files.readAllBytes(file));
        s.finish();
        List<byte[]> cc = new ArrayList<>();
        for (byte[] b : raw) {
            if (PsPduDecoder.DEFAULT.decode(b).payload() instanceof Payload.Cc) {
                cc.add(b);
            }
        }
        return cc;
    }

    private static List<IriType> iris(List<PsPdu> pdus) {
        return pdus.stream()
                .filter(p -> p.payload() instanceof Payload.Iri)
                .map(p -> ((Payload.Iri) p.payload()).payloads().get(0).iriType())
                .sorted()
                .toList();
    }
}
