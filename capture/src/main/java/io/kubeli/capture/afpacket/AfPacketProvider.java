package io.kubeli.capture.afpacket;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureProvider;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureUri;
import io.kubeli.capture.CaptureUriException;
import java.util.Set;

/** {@code afpacket:IFACE?threads=&fanout=&blockSize=&blocks=&frameSize=&timeoutMs=&snaplen=&promisc=&filter=}. */
public final class AfPacketProvider implements CaptureProvider {
    private static final Set<String> OPTIONS = Set.of(
            "threads",
            "fanout",
            "blockSize",
            "blocks",
            "frameSize",
            "timeoutMs",
            "snaplen",
            "promisc",
            "filter",
            "buffer");

    @Override
    public String scheme() {
        return "afpacket";
    }

    @Override
    public CaptureSource open(CaptureUri uri, CaptureOptions o) {
        uri.requireKnown(OPTIONS);
        int threads = uri.intParam("threads", o.threads() > 0 ? o.threads() : 1, 1, 256);
        String fanout = uri.choiceParam("fanout", "ip", Set.of("hash", "ip", "lb", "cpu"));
        int blockSize = uri.intParam("blockSize", 1 << 20, 4096, 1 << 30);
        if (Integer.bitCount(blockSize) != 1) {
            throw new CaptureUriException("option blockSize=" + blockSize + " of afpacket: must be a power of two");
        }
        long buffer = uri.sizeParam("buffer", o.bufferBytes(), 0, 1L << 40);
        int defBlocks = buffer > 0 ? (int) Math.max(2, Math.min(1 << 20, buffer / blockSize)) : 64;
        int blocks = uri.intParam("blocks", defBlocks, 2, 1 << 20);
        int frameSize = uri.intParam("frameSize", 2048, 64, blockSize);
        if ((frameSize & 15) != 0 || blockSize % frameSize != 0) {
            throw new CaptureUriException(
                    "option frameSize=" + frameSize + " of afpacket: must be a multiple of 16 that divides blockSize");
        }
        int retire = uri.intParam("timeoutMs", 10, 1, 60_000);
        int snaplen = uri.intParam("snaplen", o.snaplen(), 16, 262_144);
        boolean promisc = uri.boolParam("promisc", o.promisc());
        String filter = uri.param("filter", o.filter());
        if (filter != null && filter.isBlank()) {
            filter = null;
        }
        return new AfPacketSource(
                uri.redacted(),
                new AfPacketSource.Config(
                        uri.target(), threads, fanout, blockSize, blocks, frameSize, retire, snaplen, promisc, filter));
    }
}
