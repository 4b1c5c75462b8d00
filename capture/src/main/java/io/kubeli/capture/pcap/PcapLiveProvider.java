package io.kubeli.capture.pcap;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureProvider;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureUri;
import java.util.Set;

/** {@code pcap:IFACE?snaplen=&buffer=&promisc=&filter=&timeoutMs=} — libpcap through pcap4j. */
public final class PcapLiveProvider implements CaptureProvider {
    private static final Set<String> OPTIONS = Set.of("snaplen", "buffer", "promisc", "filter", "timeoutMs", "threads");

    @Override
    public String scheme() {
        return "pcap";
    }

    @Override
    public CaptureSource open(CaptureUri uri, CaptureOptions o) {
        uri.requireKnown(OPTIONS);
        uri.intParam("threads", 1, 1, 1); // libpcap gives one stream
        int snaplen = uri.intParam("snaplen", o.snaplen(), 16, 262_144);
        int buffer = (int) uri.sizeParam("buffer", Math.min(o.bufferBytes(), Integer.MAX_VALUE), 0, Integer.MAX_VALUE);
        boolean promisc = uri.boolParam("promisc", o.promisc());
        int timeout = uri.intParam("timeoutMs", 100, 1, 10_000);
        String filter = uri.param("filter", o.filter());
        if (filter != null && filter.isBlank()) {
            filter = null;
        }
        return new PcapLiveSource(
                uri.redacted(), new PcapLiveSource.Config(uri.target(), snaplen, buffer, promisc, timeout, filter));
    }
}
