package io.kubeli.system.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kubeli demo --live}: namespaces, veth, tcpreplay and afpacket; runs as root with ip and tcpreplay only. */
class LiveDemoIT {

    @Test
    @Timeout(300)
    void liveCaptureDeliversTheSameTargetPacketsAndRemovesTheNamespaces(@TempDir Path out) throws Exception {
        String why = LiveNetwork.unavailable();
        assumeTrue(why == null, () -> "skipped: --live " + why);
        DemoChecks.Run r = DemoChecks.run("--live", "--out", out.toString(), "--pps", "4000");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("tcpreplay sent 5838 packets"), r.out());
        assertTrue(r.out().contains("target packets       446"), r.out());
        assertTrue(r.out().matches("(?s).*DEMO-0001 +HI3 CC +3 +446 +0 +none.*"), r.out());
        DemoChecks.assertNoTargets(r.out() + r.err());
        // live time stamps are "now", the packets are the same
        DemoChecks.assertOutput(out, DemoChecks.targetPackets(DemoChecks.CAPTURE));
        String netns = LiveNetwork.run(LiveNetwork.executable("ip"), "netns", "list");
        assertFalse(netns.contains(LiveNetwork.PREFIX), "namespaces removed: " + netns);
    }
}
