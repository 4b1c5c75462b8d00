package io.kubeli.collector;

import static io.kubeli.collector.Frames.ether;

import io.kubeli.capture.LinkTypes;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of the capture-path test rigs (RadiusSessionTest, SipCallTest, SipRig, SipCallEndingTest): load
 * Intercepts from YAML into a manager, feed crafted IP packets to a capture worker, drain and decode what was encoded.
 */
final class CaptureRig {
    private CaptureRig() {}

    /**
     * Loads, from TMP/i/a.yaml, agency lea1 and one Intercept per argument (its target lines), named PREFIX0, PREFIX1
     * ... with LIIDs L + PREFIX in upper case + index ("r" gives r0/LR0).
     */
    static void intercepts(InterceptManager manager, Path tmp, String prefix, String... targetsPerIntercept)
            throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("i"));
        StringBuilder sb = new StringBuilder(WarrantIsolationTest.agency("lea1"));
        for (int i = 0; i < targetsPerIntercept.length; i++) {
            sb.append(WarrantIsolationTest.intercept(
                    prefix + i, "L" + prefix.toUpperCase() + i, "lea1", null, targetsPerIntercept[i]));
        }
        Files.writeString(dir.resolve("a.yaml"), sb.toString());
        manager.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
    }

    /** One IP packet (v4 or v6) in an Ethernet frame through {@code w} at capture time {@code ts}; records queued. */
    static int feed(CollectorPipeline pipeline, CaptureWorker w, byte[] ip, long ts) {
        byte[] f = ether((ip[0] >> 4) == 6 ? 0x86DD : 0x0800, ip);
        return w.process(pipeline.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, ts);
    }

    /** Ends {@code w}, runs the pipeline dry and returns every record, strictly decoded (each must decode). */
    static List<PsPdu> drain(CollectorPipeline pipeline, CaptureWorker w, CollectingSink sink) throws Exception {
        w.onEnd();
        pipeline.start();
        pipeline.drain();
        List<PsPdu> l = new ArrayList<>();
        for (CollectingSink.Rec r : sink.snapshot()) {
            l.add(PsPduDecoder.DEFAULT.decode(r.pdu()));
        }
        return l;
    }
}
