package io.kubeli.capture.bypass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.CaptureStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dpdk: on net_pcap vdevs (no privileges): exactly the file's packets, count, bytes and contents. */
class DpdkPcapTest {
    @TempDir
    Path dir;

    static void assumeDpdk() {
        assumeTrue(DpdkShim.available(), () -> "DPDK shim not available here: " + reason());
    }

    private static String reason() {
        try {
            DpdkShim.get();
            return "";
        } catch (DpdkUnavailableException e) {
            return e.getMessage();
        }
    }

    @Test
    void deliversExactlyTheFilesPackets() throws Exception {
        assumeDpdk();
        List<byte[]> frames = TestPackets.udpFrames(5000, TestPackets.mac(1), TestPackets.mac(2), 16);
        Path f = TestPackets.writePcap(dir.resolve("in.pcap"), frames);
        for (int round = 0; round < 2; round++) { // second round: same vdev name again (remove + re-probe)
            Collected c = new Collected();
            try (CaptureSource s =
                    CaptureSources.open("dpdk:vdev=net_pcap0,rx_pcap=" + f + "?burst=32", CaptureOptions.defaults())) {
                s.start(c);
                assertEquals(frames.size(), c.await(frames.size(), Duration.ofSeconds(30)));
                Thread.sleep(100);
                s.stop();
                CaptureStats st = s.stats();
                assertEquals(frames.size(), st.packets());
                assertEquals(TestPackets.bytes(frames), st.bytes());
                assertEquals(0, st.drops());
                assertEquals(0, st.errors());
            }
            List<Collected.Pkt> got = c.snapshot();
            assertEquals(frames.size(), got.size());
            for (int i = 0; i < frames.size(); i++) {
                assertArrayEquals(frames.get(i), got.get(i).data(), "packet " + i);
                assertEquals(frames.get(i).length, got.get(i).wireLength());
                assertEquals(
                        TestPackets.BASE_TS / 1000 * 1000 + i * 1000L,
                        got.get(i).ts(),
                        "timestamp (µs, net_pcap) of packet " + i);
            }
        }
    }

    @Test
    void twoVdevsInOneEal() throws Exception {
        assumeDpdk();
        List<byte[]> a = TestPackets.udpFrames(300, TestPackets.mac(1), TestPackets.mac(2), 4);
        List<byte[]> b = TestPackets.udpFrames(700, TestPackets.mac(3), TestPackets.mac(4), 4);
        Path fa = TestPackets.writePcap(dir.resolve("a.pcap"), a);
        Path fb = TestPackets.writePcap(dir.resolve("b.pcap"), b);
        Collected ca = new Collected();
        Collected cb = new Collected();
        try (CaptureSource sa = CaptureSources.open("dpdk:vdev=net_pcap1,rx_pcap=" + fa, null);
                CaptureSource sb = CaptureSources.open("dpdk:vdev=net_pcap2,rx_pcap=" + fb, null)) {
            sa.start(ca);
            sb.start(cb);
            assertEquals(a.size(), ca.await(a.size(), Duration.ofSeconds(30)));
            assertEquals(b.size(), cb.await(b.size(), Duration.ofSeconds(30)));
            Thread.sleep(100);
            assertEquals(a.size(), sa.stats().packets());
            assertEquals(TestPackets.bytes(b), sb.stats().bytes());
        }
        assertEquals(
                1,
                Arrays.stream(Eal.args().toArray(String[]::new))
                        .filter(s -> s.startsWith("--lcores"))
                        .count());
    }
}
