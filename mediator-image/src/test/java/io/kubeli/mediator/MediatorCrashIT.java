package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkClientConfig;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, observation 4: after a SIGKILL of the mediator mid-stream the agency gets every record (expected =
 * delivered unique + counted losses, no gap) and at most about one second of duplicates, even with a 30 s keep-alive
 * interval: delivery is confirmed by a keep-alive after each second of traffic. Resends are reported (metric, log).
 */
class MediatorCrashIT {
    @TempDir Path tmp;
    final List<AutoCloseable> closeMe = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : closeMe) {
            if (c instanceof MediatorProcess m) {
                List<String> out = m.output();
                System.out.println("--- mediator output (last lines) ---");
                out.subList(Math.max(0, out.size() - 30), out.size()).forEach(System.out::println);
            }
        }
        for (AutoCloseable c : closeMe.reversed()) {
            try { c.close(); } catch (Exception e) { /* keep closing the rest */ }
        }
    }

    /** One sample of what the agency has seen. */
    record Sample(long nanos, long records, long keepAliveResponses) {}

    MediatorProcess mediator(Path config, int port) throws Exception {
        MediatorProcess m = new MediatorProcess(List.of("--config", config.toString(), "--listen", Integer.toString(port), "--data",
                tmp.resolve("data").toString(), "--plain", "--status-interval", "1", "--metrics-port", "0"));
        closeMe.add(m);
        return m;
    }

    @Test
    void sigkillMidStreamResendsAboutOneSecondAtMost() throws Exception {
        LeaReceiver lea = new LeaReceiver(LeaOptions.defaults().withRecordDir(tmp.resolve("lea")));
        lea.start();
        closeMe.add(lea);
        Path config = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(config.resolve("a.yaml"), MediatorCoreIT.yaml("ic-a", "LIID-A", "both", lea.hi2Port(), lea.hi3Port())
                .replace("interval: 300ms", "interval: 30s").replace("responseTimeout: 2s", "responseTimeout: 20s"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        MediatorProcess m = mediator(config, port);
        LinkClient c = LinkClient.start(LinkClientConfig.of("127.0.0.1", port, "coll-1/node-a", TlsConfig.none(), tmp.resolve("spool"))
                .withQueueCapacity(65536).withReconnect(Duration.ofMillis(50), Duration.ofMillis(500)).withSpoolMaxBytes(256L << 20));
        closeMe.add(c);
        // what the agency has seen, sampled every 20 ms (records on HI3; keep-alive responses it sent)
        List<Sample> samples = new CopyOnWriteArrayList<>();
        boolean[] sampling = {true};
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling[0]) {
                var s = lea.summary();
                samples.add(new Sample(System.nanoTime(), s.hi3Records(), s.keepAliveResponsesSent()));
                try { Thread.sleep(20); } catch (InterruptedException e) { return; }
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
        for (int k = 0; k < 10; k++) { for (int i = 0; i < 100; i++, seq++) assertTrue(c.offer(rec(seq))); Thread.sleep(50); }
        MediatorProcess again = mediator(config, port);
        for (int k = 0; k < 10; k++) { for (int i = 0; i < 100; i++, seq++) assertTrue(c.offer(rec(seq))); Thread.sleep(50); }
        assertTrue(c.flush(Duration.ofSeconds(90)), () -> c.stats().toString());
        long total = seq;
        assertTrue(await(90_000, () -> lea.summary().uniqueRecords() >= total), () -> lea.summary().oneLine());
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
            if (samples.get(i).keepAliveResponses() > samples.get(i - 1).keepAliveResponses() && samples.get(i).nanos() < killAt) {
                responseTimes.add(samples.get(i - 1).nanos());     // the response went out after this earlier sample
            }
        }
        assertTrue(responseTimes.size() >= 2, "delivery was confirmed while records flowed (30 s keep-alive interval): " + responseTimes.size());
        long t0 = responseTimes.get(responseTimes.size() - 2);
        long receivedBefore = samples.stream().filter(s -> s.nanos() <= t0).mapToLong(Sample::records).max().orElse(0);
        long receivedAtKill = samples.getLast().records();
        long bound = receivedAtKill - receivedBefore;
        System.out.println("crash: total=" + total + " unique=" + sum.uniqueRecords() + " duplicates=" + sum.duplicates() + " gaps=" + sum.missing()
                + " lost=" + lost + " bound=" + bound + " responsesBeforeKill=" + responseTimes.size()
                + " lastConfirmGapMs=" + (killAt - t0) / 1_000_000);
        assertTrue(sum.duplicates() <= bound, () -> "duplicates " + sum.duplicates() + " > records received since the last confirmation " + bound);
        assertTrue(again.output().stream().anyMatch(l -> l.contains("resending")) || sum.duplicates() == 0, "resends are reported");
        String metrics = RoutingIT.metrics(again);
        double resent = RoutingIT.metric(metrics, "kubeli_mediator_records_resent_total{agency=\"agency-a\",hi=\"hi3\"}");
        assertTrue(resent >= sum.duplicates(), () -> "resent metric " + resent + " covers the agency's duplicates " + sum.duplicates());
    }

    static LinkRecord rec(long seq) {
        return new LinkRecord("default/ic-a", "agency-a", "LIID-A", 9, StreamType.CC, seq, TestPdus.cc("LIID-A", 9, seq, 150));
    }
}
