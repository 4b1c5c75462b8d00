package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, observation 4: after a SIGKILL of the mediator mid-stream the agency gets every record (expected =
 * delivered unique + counted losses, no gap) and at most about one second of duplicates, even with a 30 s keep-alive
 * interval: delivery is confirmed by a keep-alive after each second of traffic. Resends are reported (metric, log).
 */
class MediatorCrashIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MediatorRig rig = new MediatorRig(() -> tmp);

    /** One sample of what the agency has seen. */
    record Sample(long nanos, long records, long keepAliveResponses) {}

    MediatorProcess mediator(Path config, int port) throws Exception {
        return rig.mediator(config, port, "data", "--metrics-port", "0");
    }

    @Test
    void sigkillMidStreamResendsAboutOneSecondAtMost() throws Exception {
        LeaReceiver lea = rig.lea("lea");
        Path config = rig.config(MediatorRig.yaml("ic-a", "LIID-A", "both", lea.hi2Port(), lea.hi3Port())
                .replace("interval: 300ms", "interval: 30s")
                .replace("responseTimeout: 2s", "responseTimeout: 20s"));
        int port = MediatorRig.freePort();
        MediatorProcess m = mediator(config, port);
        LinkClient c = rig.client(rig.clientConfig("coll-1/node-a", port, TlsConfig.none())
                .withQueueCapacity(65536)
                .withSpoolMaxBytes(256L << 20));
        // what the agency has seen, sampled every 20 ms (records on HI3; keep-alive responses it sent)
        List<Sample> samples = new CopyOnWriteArrayList<>();
        boolean[] sampling = {true};
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling[0]) {
                var s = lea.summary();
                samples.add(new Sample(System.nanoTime(), s.hi3Records(), s.keepAliveResponsesSent()));
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long seq = 0;
        long start = System.nanoTime();
        // ~2,000 records/s for 5 s, then the kill while records keep flowing
        while (System.nanoTime() - start < 5_000_000_000L) {
            for (int i = 0; i < 100; i++, seq++) assertTrue(c.offer(rec(seq)));
            Thread.sleep(50);
        }
        assertTrue(lea.summary().hi3Records() > 0, "records flowed before the kill");
        long killAt = System.nanoTime();
        m.kill();
        sampling[0] = false;
        sampler.join();
        for (int k = 0; k < 10; k++) {
            for (int i = 0; i < 100; i++, seq++) assertTrue(c.offer(rec(seq)));
            Thread.sleep(50);
        }
        MediatorProcess again = mediator(config, port);
        for (int k = 0; k < 10; k++) {
            for (int i = 0; i < 100; i++, seq++) assertTrue(c.offer(rec(seq)));
            Thread.sleep(50);
        }
        assertTrue(c.flush(Duration.ofSeconds(90)), () -> c.stats().toString());
        long total = seq;
        assertTrue(
                await(90_000, () -> lea.summary().uniqueRecords() >= total),
                () -> lea.summary().oneLine());
        Thread.sleep(500);
        var sum = lea.summary();
        long lost = c.stats().lost();
        assertEquals(total, sum.uniqueRecords() + lost, sum::toJson);
        assertEquals(0, sum.missing(), () -> "no gap: " + sum.toJson());

        // The bound: the mediator sends a keep-alive only after the previous one was answered and its confirmation
        // committed, so everything the agency had received when it sent its second-to-last response before the kill
        // was confirmed durably: only what arrived after that can come again.
        List<Long> responseTimes = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).keepAliveResponses() > samples.get(i - 1).keepAliveResponses()
                    && samples.get(i).nanos() < killAt) {
                responseTimes.add(samples.get(i - 1).nanos()); // the response went out after this earlier sample
            }
        }
        assertTrue(
                responseTimes.size() >= 2,
                "delivery was confirmed while records flowed (30 s keep-alive interval): " + responseTimes.size());
        long t0 = responseTimes.get(responseTimes.size() - 2);
        long receivedBefore = samples.stream()
                .filter(s -> s.nanos() <= t0)
                .mapToLong(Sample::records)
                .max()
                .orElse(0);
        long receivedAtKill = samples.getLast().records();
        long bound = receivedAtKill - receivedBefore;
        System.out.println("crash: total=" + total + " unique=" + sum.uniqueRecords() + " duplicates="
                + sum.duplicates() + " gaps=" + sum.missing()
                + " lost=" + lost + " bound=" + bound + " responsesBeforeKill=" + responseTimes.size()
                + " lastConfirmGapMs=" + (killAt - t0) / 1_000_000);
        assertTrue(
                sum.duplicates() <= bound,
                () -> "duplicates " + sum.duplicates() + " > records received since the last confirmation " + bound);
        assertTrue(
                again.output().stream().anyMatch(l -> l.contains("resending")) || sum.duplicates() == 0,
                "resends are reported");
        String metrics = MediatorRig.metrics(again);
        double resent =
                MediatorRig.metric(metrics, "kubeli_mediator_records_resent_total{agency=\"agency-a\",hi=\"hi3\"}");
        assertTrue(
                resent >= sum.duplicates(),
                () -> "resent metric " + resent + " covers the agency's duplicates " + sum.duplicates());
    }

    static LinkRecord rec(long seq) {
        return new LinkRecord(
                "default/ic-a", "agency-a", "LIID-A", 9, StreamType.CC, seq, TestPdus.cc("LIID-A", 9, seq, 150));
    }
}
