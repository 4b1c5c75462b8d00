package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.Direction;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Windows, directions, one record per intercept, and sequencing with two capture threads. */
class PipelineTest {
    private static final long T0 = 1_780_000_000_000_000_000L;

    private static int process(CaptureWorker w, TargetTable t, byte[] frame, long ts) {
        return w.process(t, MemorySegment.ofArray(frame), 0, frame.length, LinkTypes.ETHERNET, ts);
    }

    @Test
    void windowIsJudgedOnCaptureTime() throws Exception {
        CollectingSink sink = new CollectingSink();
        CollectorPipeline p = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        TargetEntry e = TargetTableTest.entry(new Object(), "W", 1, T0, T0 + 1_000);
        TargetTable t =
                new TargetTable.Builder().add(IpPrefix.parse("198.18.2.1"), e).build();
        p.setTable(t);
        CaptureWorker w = p.newWorker();
        byte[] f = ether(0x0800, ipv4("198.18.2.1", "198.18.2.9", 17, udp(1, 2, new byte[4])));
        assertEquals(0, process(w, t, f, T0 - 1), "before validFrom");
        assertEquals(1, process(w, t, f, T0), "at validFrom");
        assertEquals(1, process(w, t, f, T0 + 999), "last ns");
        assertEquals(0, process(w, t, f, T0 + 1_000), "at validUntil (excluded)");
        w.onEnd();
        p.start();
        p.drain();
        assertEquals(2, sink.records.size());
        assertEquals(2, p.stats().outOfWindow());
    }

    @Test
    void directionsAndOneRecordPerIntercept() throws Exception {
        CollectingSink sink = new CollectingSink();
        CollectorPipeline p = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        Object x = new Object();
        Object y = new Object();
        TargetEntry xa = TargetTableTest.entry(x, "X", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        TargetEntry xb = TargetTableTest.entry(x, "X", 2, Long.MIN_VALUE, Long.MAX_VALUE);
        TargetEntry yb = TargetTableTest.entry(y, "Y", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        TargetTable t = new TargetTable.Builder()
                .add(IpPrefix.parse("198.18.2.1"), xa)
                .add(IpPrefix.parse("198.18.2.2"), xb)
                .add(IpPrefix.parse("198.18.2.2"), yb)
                .build();
        CaptureWorker w = p.newWorker();
        // .1 -> .2: X is both ends (one record, fromTarget); Y is the destination (toTarget)
        assertEquals(2, process(w, t, ether(0x0800, ipv4("198.18.2.1", "198.18.2.2", 17, udp(1, 2, new byte[1]))), T0));
        assertEquals(0, process(w, t, ether(0x0800, ipv4("198.18.2.3", "198.18.2.4", 17, udp(1, 2, new byte[1]))), T0));
        w.onEnd();
        p.start();
        p.drain();
        assertEquals(2, sink.records.size());
        Map<String, Direction> dirs = new HashMap<>();
        for (CollectingSink.Rec r : sink.records) {
            PsPdu pdu = PsPduDecoder.DEFAULT.decode(r.pdu());
            Payload.Cc cc = (Payload.Cc) pdu.payload();
            dirs.put(r.key().liid(), cc.payloads().get(0).direction());
        }
        assertEquals(Direction.FROM_TARGET, dirs.get("X"));
        assertEquals(Direction.TO_TARGET, dirs.get("Y"));
    }

    @Test
    void sequenceNumbersContiguousAndInFlowOrderWithTwoCaptureThreads() throws Exception {
        CollectingSink sink = new CollectingSink();
        CollectorPipeline p = new CollectorPipeline(new CollectorPipeline.Settings(2, 64), sink);
        List<TargetEntry> entries = new ArrayList<>();
        TargetTable.Builder b = new TargetTable.Builder();
        for (int k = 0; k < 4; k++) {
            TargetEntry e = TargetTableTest.entry(new Object(), "K" + k, k, Long.MIN_VALUE, Long.MAX_VALUE);
            entries.add(e);
            b.add(IpPrefix.parse("198.18.2." + (10 + k)), e);
        }
        TargetTable t = b.build();
        p.setTable(t);
        p.start();
        int perThread = 20_000;
        Thread[] th = new Thread[2];
        for (int n = 0; n < 2; n++) {
            int thread = n;
            CaptureWorker w = p.newWorker();
            th[n] = new Thread(
                    () -> {
                        for (int i = 0; i < perThread; i++) {
                            // payload: (thread, counter) so flow order can be checked; flow = (thread, target)
                            byte[] data = ByteBuffer.allocate(8)
                                    .putInt(thread)
                                    .putInt(i)
                                    .array();
                            String target = "198.18.2." + (10 + (i % 4));
                            process(
                                    w,
                                    t,
                                    ether(0x0800, ipv4(target, "198.18.2.200", 17, udp(5000 + thread, 9, data))),
                                    T0 + i);
                        }
                        w.onEnd();
                    },
                    "capture-" + n);
            th[n].start();
        }
        for (Thread x : th) {
            x.join();
        }
        p.drain();
        assertEquals(2 * perThread, sink.records.size());
        Map<String, List<CollectingSink.Rec>> byKey = new HashMap<>();
        for (CollectingSink.Rec r : sink.records) {
            byKey.computeIfAbsent(r.key().liid(), k -> new ArrayList<>()).add(r);
        }
        for (var e : byKey.entrySet()) {
            List<CollectingSink.Rec> recs = e.getValue();
            int[] lastCounter = {-1, -1};
            for (int i = 0; i < recs.size(); i++) {
                PsPdu pdu = PsPduDecoder.DEFAULT.decode(recs.get(i).pdu());
                assertEquals(i, pdu.header().sequenceNumber(), "contiguous for " + e.getKey());
                byte[] ip = ((CcContents.Ipcc)
                                ((Payload.Cc) pdu.payload()).payloads().get(0).contents())
                        .packet()
                        .toByteArray();
                ByteBuffer bb = ByteBuffer.wrap(ip, ip.length - 8, 8);
                int thread = bb.getInt();
                int counter = bb.getInt();
                assertTrue(counter > lastCounter[thread], "capture order per flow");
                lastCounter[thread] = counter;
            }
        }
    }
}
