package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureProvider;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureUri;
import io.kubeli.capture.CaptureUriException;

import java.util.Set;

/**
 * {@code xdp:IFACE?queues=N&queue=FIRST&mode=native|skb|auto&attach=self|external&pin=DIR&ringSize=&frameSize=
 * &burst=&snaplen=}.
 */
public final class XdpProvider implements CaptureProvider {
    private static final Set<String> OPTIONS = Set.of("queues", "threads", "queue", "mode", "attach", "pin", "ringSize",
            "frameSize", "burst", "snaplen", "promisc");

    @Override
    public String scheme() {
        return "xdp";
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
        boolean self = uri.choiceParam("attach", "self", Set.of("self", "external")).equals("self");
        String pin = uri.param("pin", XdpProgram.DEFAULT_PIN_DIR);
        int ring = uri.intParam("ringSize", 2048, 64, 1 << 16);
        int frame = (int) uri.sizeParam("frameSize", 4096, 2048, 4096);
        if (Integer.bitCount(ring) != 1 || Integer.bitCount(frame) != 1) {
            throw new CaptureUriException("xdp: ringSize and frameSize must be powers of two (frameSize 2048 or 4096)");
        }
        int burst = uri.intParam("burst", 256, 1, 4096);
        int snaplen = uri.intParam("snaplen", o.snaplen(), 16, 262_144);
        uri.boolParam("promisc", o.promisc()); // XDP sees every frame the NIC accepts; validated for symmetry
        return new XdpSource.Config(iface, queues, first, mode, self, pin, ring, frame, burst, snaplen);
    }
}
