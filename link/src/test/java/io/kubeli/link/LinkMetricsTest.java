package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Micrometer binding of the stats. */
class LinkMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void metersFollowStats() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (SegmentLog log =
                        SegmentLog.open(SegmentLogConfig.of(tmp.resolve("log")).withFsync(FsyncPolicy.perBatch()));
                LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), new MemorySink());
                LinkClient client =
                        LinkClient.start(TestData.client(server.port(), "m1", tmp.resolve("s"), TlsConfig.none()))) {
            LinkMetrics.bindLog(reg, "agency-a", log);
            LinkMetrics.bindServer(reg, server);
            LinkMetrics.bindClient(reg, client);
            log.append(new byte[10]);
            client.offer(TestData.record(0, 150));
            assertEquals(
                    1.0,
                    reg.get("kubeli.log.appended")
                            .tag("log", "agency-a")
                            .functionCounter()
                            .count());
            assertEquals(
                    1.0,
                    reg.get("kubeli.link.client.offered")
                            .tag("collector", "m1")
                            .functionCounter()
                            .count());
            assertEquals(
                    0.0, reg.get("kubeli.link.client.lost").functionCounter().count());
            assertEquals(
                    0.0,
                    reg.get("kubeli.link.server.protocol.errors")
                            .functionCounter()
                            .count());
        }
    }
}
