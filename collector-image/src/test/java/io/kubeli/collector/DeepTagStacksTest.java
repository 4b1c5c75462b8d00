package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: target packets behind deep tag stacks (20 VLAN tags, 17 MPLS labels, both) are delivered byte-exact,
 * not dropped as undecodable; a stack cut by the snap length is counted as malformed, and non-targets behind deep
 * stacks are not delivered.
 */
class DeepTagStacksTest {
    @TempDir
    Path tmp;

    @Test
    void targetPacketsBehindDeepStacksAreDeliveredByteExact() throws Exception {
        Instant now = Instant.now();
        Path dir = PcapEndToEndTest.writeIntercept(
                tmp.resolve("intercepts"),
                "all.yaml",
                "deep",
                "LIID-D",
                now.minusSeconds(3600),
                now.plusSeconds(3600),
                "ccOnly",
                "  - {ip: 198.18.2.10, cin: 1}");
        long t = (now.getEpochSecond() - 10) * 1_000_000_000L;
        List<Pkt> pkts = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] ip = ipv4(
                    i % 2 == 0 ? "198.18.2.10" : "198.18.2.200",
                    i % 2 == 0 ? "198.18.2.200" : "198.18.2.10",
                    17,
                    udp(1000 + i, 53, new byte[10 + i]));
            byte[] frame = switch (i % 3) {
                case 0 -> etherVlan(PacketDecoderTest.tags(20), 0x0800, ip);
                case 1 -> ether(0x8847, mpls(PacketDecoderTest.labels(17), ip));
                default -> etherVlan(PacketDecoderTest.tags(20), 0x8848, mpls(PacketDecoderTest.labels(17), ip));
            };
            pkts.add(new Pkt(t += 1000, frame));
            expected.add(ip);
            // a non-target behind the same stack: never delivered
            pkts.add(new Pkt(
                    t += 1000,
                    etherVlan(
                            PacketDecoderTest.tags(20),
                            0x0800,
                            ipv4("198.18.2.11", "198.18.2.12", 17, udp(1, 2, new byte[4])))));
        }
        // fault: the snap length cut a deep stack before the IP header; counted as malformed, nothing delivered
        byte[] cut = etherVlan(
                PacketDecoderTest.tags(20), 0x0800, ipv4("198.18.2.10", "198.18.2.9", 17, udp(1, 2, new byte[4])));
        pkts.add(new Pkt(t += 1000, java.util.Arrays.copyOf(cut, 14 + 60)));
        Path pcap = tmp.resolve("deep.pcap");
        writePcap(pcap, LinkTypes.ETHERNET, pkts);
        Path out = tmp.resolve("out.ber");
        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(captured, true));
            rc = CollectorMain.run(new String[] {
                "--source", "pcapfile:" + pcap, "--intercepts", dir.toString(), "--output", "file:" + out
            });
        } finally {
            System.setOut(old);
        }
        String summary = captured.toString();
        assertEquals(0, rc, summary);
        assertTrue(summary.contains("matched=30 "), summary);
        assertTrue(summary.contains("malformed=1 "), summary);
        assertTrue(summary.contains("drops=0 "), summary);
        List<byte[]> got = LiveCollectorIT.ccPackets(PcapEndToEndTest.decodeAll(out), "LIID-D");
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "byte-exact packet " + i);
        }
    }
}
