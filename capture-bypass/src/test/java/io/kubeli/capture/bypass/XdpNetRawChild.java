package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;

import java.time.Duration;

/**
 * Child process of {@link BypassLiveIT}: runs with CAP_NET_RAW only (setpriv) and captures from an interface whose
 * program was attached by the privileged xdp-attach step. Args: IFACE PIN_DIR PACKETS; prints "ready" and then
 * "packets=N socketDrops=D" (at most 20 s).
 */
public final class XdpNetRawChild {
    private XdpNetRawChild() {
    }

    public static void main(String[] args) throws Exception {
        int want = Integer.parseInt(args[2]);
        Collected c = new Collected(Collected::isTestUdp);
        // a small UMEM: without IPC_LOCK it is charged to RLIMIT_MEMLOCK (often 8 MiB)
        try (CaptureSource s = CaptureSources.open("xdp:" + args[0] + "?mode=skb&ringSize=256&pin=" + args[1],
                CaptureOptions.defaults())) {
            s.start(c);
            System.out.println("ready");
            long got = c.await(want, Duration.ofSeconds(20));
            Thread.sleep(200);
            s.stop();
            System.out.println("packets=" + got + " socketDrops=" + s.stats().socketDrops());
        }
        System.exit(0);
    }
}
