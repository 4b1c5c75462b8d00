package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.ReplicaPick;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, observation 6 (contract C4): two mediator replicas, collector instances pinned by {@link ReplicaPick} that
 * disconnect mid-flight and reconnect. Every record is stored exactly once (the agency sees no duplicate and no gap)
 * and each (LIID, CIN) stream arrives in order on exactly one agency connection.
 */
class ReplicaIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MediatorRig rig = new MediatorRig(() -> tmp);

    MediatorProcess replica(Path config, int index) throws Exception {
        return rig.mediator(config, 0, "data-" + index, "--replica-index", Integer.toString(index));
    }

    LinkClient client(String id, int port) throws Exception {
        return LinkClient.start(rig.clientConfig(id, port, TlsConfig.none())
                .withQueueCapacity(65536)
                .withSpoolMaxBytes(64L << 20));
    }

    @Test
    void pinnedInstancesReconnectingGiveExactlyOnceAndOneOrderedStreamPerConnection() throws Exception {
        LeaReceiver lea = rig.lea("lea");
        Path config = rig.config(lea);
        int[] ports = {replica(config, 0).port(), replica(config, 1).port()};
        int instances = 6, rounds = 4, perRound = 600;
        String[] ids = new String[instances];
        int[] pinned = new int[2];
        for (int k = 0; k < instances; k++) {
            ids[k] = "coll-1/node-" + k;
            pinned[ReplicaPick.of(ids[k], 2)]++;
        }
        assertTrue(pinned[0] > 0 && pinned[1] > 0, "the instance ids reach both replicas");
        long[] ccSeq = new long[instances];
        for (int r = 0; r < rounds; r++) {
            List<LinkClient> open = new ArrayList<>();
            for (int k = 0; k < instances; k++) {
                LinkClient c = client(ids[k], ports[ReplicaPick.of(ids[k], 2)]);
                long cin = (long) k * 1048576 + 9; // each instance its own CIN space (contract C3)
                for (int i = 0; i < perRound; i++) {
                    long s = ccSeq[k]++;
                    assertTrue(c.offer(new LinkRecord(
                            "default/ic-a",
                            "agency-a",
                            "LIID-A",
                            cin,
                            StreamType.CC,
                            s,
                            TestPdus.cc("LIID-A", cin, s, 150))));
                }
                open.add(c);
            }
            for (LinkClient c : open) c.close(); // mid-flight: unacknowledged records are resent on reconnect
        }
        List<LinkClient> last = new ArrayList<>();
        for (int k = 0; k < instances; k++) {
            LinkClient c = client(ids[k], ports[ReplicaPick.of(ids[k], 2)]);
            rig.closeLater(c);
            last.add(c);
        }
        for (LinkClient c : last)
            assertTrue(c.flush(Duration.ofSeconds(90)), () -> c.stats().toString());
        long total = (long) instances * rounds * perRound;
        assertTrue(
                await(90_000, () -> lea.summary().uniqueRecords() >= total),
                () -> lea.summary().oneLine());
        Thread.sleep(500);
        var sum = lea.summary();
        assertEquals(total, sum.uniqueRecords(), sum::toJson);
        assertEquals(0, sum.missing(), sum::toJson);
        assertEquals(0, sum.duplicates(), () -> "stored once, handed over once: " + sum.toJson());
        assertEquals(instances, sum.streams().size());
        for (var s : sum.streams()) assertEquals(0, s.outOfOrder(), sum::toJson);
        for (var e : lea.streamConnections().entrySet()) {
            Set<Long> conns = e.getValue();
            assertEquals(1, conns.size(), () -> e.getKey() + " arrived on " + conns);
        }
    }
}
