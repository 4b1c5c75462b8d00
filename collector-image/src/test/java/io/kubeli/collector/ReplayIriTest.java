package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 obs 6: a file replay emits IRI on the capture clock (a past warrant yields the records it yielded live),
 * and a capture source that cannot be opened fails before any IRI is sent.
 */
class ReplayIriTest {
    @TempDir
    Path tmp;

    private static final Instant FROM = Instant.parse("2020-01-01T00:00:10Z");
    private static final Instant UNTIL = Instant.parse("2020-01-01T00:00:20Z");

    private static long at(int second) {
        return Instant.parse("2020-01-01T00:00:00Z").plusSeconds(second).getEpochSecond() * 1_000_000_000L;
    }

    private static byte[] target() {
        return ether(0x0800, ipv4("198.18.2.30", "198.18.2.1", 17, udp(1, 2, new byte[5])));
    }

    private List<PsPdu> replay(List<Pkt> pkts) throws Exception {
        Path dir = PcapEndToEndTest.writeIntercept(
                tmp.resolve("icpt"), "a.yaml", "past", "LP", FROM, UNTIL, "both", "  - {ip: 198.18.2.30, cin: 9}");
        Path pcap = tmp.resolve("r.pcap");
        writePcap(pcap, 1, pkts);
        Path out = tmp.resolve("out.ber");
        CollectorApp app = CollectorApp.start(CollectorSettings.parse(
                new String[] {"--source", "pcapfile:" + pcap, "--intercepts", dir.toString(), "--output", "file:" + out
                }));
        try {
            app.awaitFiniteEnd();
        } finally {
            app.close();
        }
        return PcapEndToEndTest.decodeAll(out);
    }

    private static List<String> iri(List<PsPdu> pdus) {
        List<String> out = new ArrayList<>();
        for (PsPdu p : pdus) {
            if (p.payload() instanceof Payload.Iri i) {
                IriType t = i.payloads().get(0).iriType();
                out.add(t + "@" + p.header().timestamp() + "#" + p.header().sequenceNumber());
            }
        }
        return out;
    }

    @Test
    void aWindowOpenedAndClosedDuringTheCaptureGetsBeginAndEndAtItsEdges() throws Exception {
        List<PsPdu> pdus = replay(List.of(
                new Pkt(at(5), target()),
                new Pkt(at(12), target()),
                new Pkt(at(15), target()),
                new Pkt(at(25), target())));
        assertEquals(
                2, pdus.stream().filter(p -> p.payload() instanceof Payload.Cc).count(), "CC inside the window");
        // before: no IRI at all (IRI followed the wall clock, which is years past this window)
        assertEquals(List.of("IRI_BEGIN@" + FROM + "#0", "IRI_END@" + UNTIL + "#1"), iri(pdus));
    }

    @Test
    void aCaptureInsideTheWindowBeginsAtItsFirstPacketAndEndsAtTheEndOfTheFile() throws Exception {
        List<PsPdu> pdus =
                replay(List.of(new Pkt(at(12), target()), new Pkt(at(13), target()), new Pkt(at(15), target())));
        assertEquals(
                3, pdus.stream().filter(p -> p.payload() instanceof Payload.Cc).count());
        assertEquals(
                List.of("IRI_BEGIN@" + FROM.plusSeconds(2) + "#0", "IRI_END@" + FROM.plusSeconds(5) + "#1"), iri(pdus));
    }

    @Test
    void anUnopenableSourceFailsBeforeAnyIriIsSent() throws Exception {
        Instant now = Instant.now();
        Path dir = PcapEndToEndTest.writeIntercept(
                tmp.resolve("icpt"),
                "a.yaml",
                "live",
                "LL",
                now.minusSeconds(60),
                now.plusSeconds(600),
                "both",
                "  - {ip: 198.18.2.30}");
        Path out = tmp.resolve("out.ber");
        Path missing = tmp.resolve("no-such.pcap");
        assertThrows(
                RuntimeException.class,
                () -> CollectorApp.start(CollectorSettings.parse(new String[] {
                    "--source", "pcapfile:" + missing, "--intercepts", dir.toString(), "--output", "file:" + out
                })));
        assertTrue(!Files.exists(out) || Files.size(out) == 0, "no IRI-Begin/IRI-End for a capture that never ran");
    }
}
