package io.kubeli.capture.bypass;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.VethPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: a stop (the collector's SIGTERM) delivers what the xdp: RX ring already holds. A capture thread that was
 * busy (here: a consumer stalled on its first batch) when stop() came used to end with the rest of the burst still
 * in the ring, lost without being counted.
 */
class XdpStopIT {
    private static final int N = 200;
    private static VethPair veth;
    private static String why;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() {
        String[] w = new String[1];
        veth = VethPair.tryCreate(w, "kxst", 24);
        why = w[0];
    }

    @AfterAll
    static void tearDown() {
        if (veth != null) {
            veth.close();
        }
    }

    @Test
    void stopDeliversWhatTheRxRingHolds() throws Exception {
        assumeTrue(veth != null, () -> "skipped: " + why);
        String reason = XdpProvider.unavailableReason();
        assumeTrue(reason == null, () -> "skipped: " + reason);
        List<byte[]> frames = TestPackets.udpFrames(N, TestPackets.mac(1), TestPackets.mac(2), 8);
        Path pcap = TestPackets.writePcap(dir.resolve("stop.pcap"), frames);
        Collected c = new Collected(Collected::isTestUdp);
        try (CaptureSource s = CaptureSources.open("xdp:" + veth.captureIf + "?mode=skb", CaptureOptions.defaults())) {
            s.start(i -> io.kubeli.capture.Stalling.consumer(
                    c.create(i), 2500)); // busy with the first batch while the rest arrives
            Thread.sleep(200);
            veth.replay(pcap, 4000);
            s.stop(); // during the stall: the burst's rest is in the RX ring
            assertTrue(s.awaitEnd(Duration.ofSeconds(15)));
            assertEquals(
                    N,
                    c.count.get() + s.stats().drops(),
                    "accepted before the stop = delivered + counted drops (" + s.stats() + ")");
        }
    }
}
