package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import java.time.Duration;

/**
 * Child process of {@link BypassLiveIT}: runs with CAP_NET_RAW only (setpriv) and captures from an interface whose
 * program was attached by the privileged xdp-attach step. Args: IFACE PIN_DIR PACKETS; prints "ready" and then
 * "packets=N drops=D" (D: every drop counted, at most 20 s).
 */
public final class XdpNetRawChild {
    private XdpNetRawChild() {}

    public static void main(String[] args) throws Exception {
        int want = Integer.parseInt(args[2]);
        Collected c = new Collected(Collected::isTestUdp);
        // a 4 MiB UMEM (2048 frames of 2 KiB, 1024 RX slots = 100 ms at 10 kpps): without IPC_LOCK it is
        // charged to RLIMIT_MEMLOCK (often 8 MiB)
        try (CaptureSource s = CaptureSources.open(
                "xdp:" + args[0] + "?mode=skb&ringSize=1024&frameSize=2048&pin=" + args[1],
                CaptureOptions.defaults())) {
            s.start(c);
            System.out.println("ready");
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (c.count.get() + s.stats().drops() < want && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            s.stop();
            System.out.println(
                    "packets=" + c.count.get() + " drops=" + s.stats().drops());
        }
        System.exit(0);
    }
}
