package io.kubeli.capture.bypass.bench;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.CaptureStats;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.LongAdder;

/**
 * Test-scope rate harness: packets/s into Java for a capture URI. Each consumer touches the first byte of
 * every packet (so the data is really read). Usage: {@code BypassRate URI [seconds]}; prints packets, Mpps,
 * Gbit/s and drops by place.
 */
public final class BypassRate {
    private BypassRate() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        for (int r = 0; r < rounds; r++) {
            System.out.println(measure(uri, seconds));
        }
        System.exit(0);
    }

    /** Runs {@code uri} for {@code seconds} (after 1 s warm-up) and returns a one-line result. */
    public static String measure(String uri, int seconds) throws Exception {
        LongAdder sink = new LongAdder();
        try (CaptureSource s = CaptureSources.open(uri, CaptureOptions.defaults())) {
            s.start(i -> new PacketConsumer() {
                long x;

                @Override
                public void onBatch(PacketBatch b) {
                    var seg = b.segment();
                    for (int k = 0; k < b.size(); k++) {
                        x += seg.get(ValueLayout.JAVA_BYTE, b.offset(k));
                    }
                }

                @Override
                public void onEnd() {
                    sink.add(x);
                }
            });
            Thread.sleep(1000);
            CaptureStats a = s.stats();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            CaptureStats b = s.stats();
            long t1 = System.nanoTime();
            s.stop();
            double secs = (t1 - t0) / 1e9;
            long p = b.packets() - a.packets();
            long by = b.bytes() - a.bytes();
            return String.format(
                    "%s: %d packets in %.2f s = %.2f Mpps, %.2f Gbit/s; drops socket=%d interface=%d"
                            + " backlog=%d errors=%d; failure=%s",
                    uri,
                    p,
                    secs,
                    p / secs / 1e6,
                    by * 8 / secs / 1e9,
                    b.socketDrops(),
                    b.interfaceDrops(),
                    b.backlogDrops(),
                    b.errors(),
                    s.failure().map(Throwable::getMessage).orElse("none"));
        }
    }
}
