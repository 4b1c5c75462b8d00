package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureProvider;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureUri;
import io.kubeli.capture.CaptureUriException;
import java.nio.file.Files;
import java.util.Set;

/**
 * {@code xdp:IFACE?queues=N&queue=FIRST&mode=native|skb|auto&attach=auto|self|external&pin=DIR&ringSize=&frameSize=
 * &burst=&snaplen=&coalesceUs=}.
 */
public final class XdpProvider implements CaptureProvider {
    private static final Set<String> OPTIONS = Set.of(
            "queues",
            "threads",
            "queue",
            "mode",
            "attach",
            "pin",
            "ringSize",
            "frameSize",
            "burst",
            "snaplen",
            "promisc",
            "coalesceUs");

    @Override
    public String scheme() {
        return "xdp";
    }

    /** Why {@code xdp:} cannot run here (libxdp/libbpf missing), or null when the bindings load. */
    public static String unavailableReason() {
        try {
            XdpNative.get();
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    @Override
    public CaptureSource open(CaptureUri uri, CaptureOptions o) {
        XdpSource.Config cfg = config(uri, o);
        FilterNote.warnIfSet("xdp", o);
        return new XdpSource(uri.redacted(), cfg);
    }

    static XdpSource.Config config(CaptureUri uri, CaptureOptions o) {
        uri.requireKnown(OPTIONS);
        String iface = uri.target();
        if (!iface.matches("[A-Za-z0-9_.:@-]{1,15}")) {
            throw new CaptureUriException("xdp: '" + iface + "' is not an interface name");
        }
        int queues = uri.intParam("queues", uri.intParam("threads", o.threads() > 0 ? o.threads() : 1, 1, 64), 1, 64);
        int first = uri.intParam("queue", 0, 0, 1023);
        String mode = uri.choiceParam("mode", "auto", Set.of("native", "skb", "auto"));
        String attach = uri.choiceParam("attach", "auto", Set.of("auto", "self", "external"));
        String pin = uri.param("pin", XdpProgram.DEFAULT_PIN_DIR);
        // auto: a map pinned by the privileged xdp-attach step (operator's init container) means external
        boolean self = attach.equals("self") || attach.equals("auto") && !Files.exists(XdpProgram.pinPath(pin, iface));
        // 8192 RX slots (16384 frames, a 64 MiB UMEM at frameSize 4096, as much memory as afpacket:'s default
        // ring): ~80 ms at 100 kpps, ~8 ms at 1 Mpps while the capture thread waits for a CPU
        int ring = uri.intParam("ringSize", 8192, 64, 1 << 16);
        int frame = (int) uri.sizeParam("frameSize", 4096, 2048, 4096);
        if (Integer.bitCount(ring) != 1 || Integer.bitCount(frame) != 1) {
            throw new CaptureUriException("xdp: ringSize and frameSize must be powers of two (frameSize 2048 or 4096)");
        }
        int burst = uri.intParam("burst", 256, 1, 4096);
        int snaplen = uri.intParam("snaplen", o.snaplen(), 16, 262_144);
        // longest wait for more packets after a partial batch (µs): fewer wake-ups per packet, bounded latency;
        // shortened by itself when a quarter of the ring arrives during one wait (XdpNap)
        int coalesceUs = uri.intParam("coalesceUs", 1000, 10, 100_000);
        uri.boolParam("promisc", o.promisc()); // XDP sees every frame the NIC accepts; validated for symmetry
        return new XdpSource.Config(iface, queues, first, mode, self, pin, ring, frame, burst, snaplen, coalesceUs);
    }
}
