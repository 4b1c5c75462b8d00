package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.await;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.LinkClient;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.MediatorRig.Producer;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: SIGTERM (what Kubernetes sends at a rollout or drain) ends the mediator, a real child process, with exit
 * status 0 well within its pod's termination grace period (the operator sets 15 s; documented stop time: 10 s), and
 * nothing it acknowledged is lost: a restart on the same data directory hands everything over.
 */
class MediatorShutdownIT {
    /** What operator/README.md documents as the mediator's stop time (the grace period adds a margin). */
    static final int DOCUMENTED_STOP_SECONDS = 10;

    @TempDir
    Path tmp;

    @RegisterExtension
    final MediatorRig rig = new MediatorRig(() -> tmp);

    /** A mediator on a plain link, data in "data", fsync per batch (as MediatorProcessIT's). */
    MediatorProcess mediator(Path config, int port) throws Exception {
        return rig.mediator(config, port, "data", "--fsync", "batch");
    }

    LinkClient client(int port) throws Exception {
        return rig.client(rig.clientConfig("coll-1", port, TlsConfig.none())
                .withQueueCapacity(4096)
                .withSpoolMaxBytes(64L << 20));
    }

    private static void assertStoppedInTime(MediatorProcess m, long ms) {
        assertTrue(
                ms >= 0 && ms <= DOCUMENTED_STOP_SECONDS * 1000L,
                "exit within " + DOCUMENTED_STOP_SECONDS + " s of SIGTERM, took " + ms + " ms:\n"
                        + String.join("\n", m.output()));
        assertEquals(0, m.exitValue(), () -> "exit status 0 after SIGTERM:\n" + String.join("\n", m.output()));
        System.out.println("mediator SIGTERM to exit: " + ms + " ms; "
                + m.output().stream()
                        .filter(l -> l.contains("stopped in"))
                        .findFirst()
                        .orElse("(no stop line)"));
    }

    @Test
    void sigtermMidStreamExitsZeroInTimeAndLosesNothingAcknowledged() throws Exception {
        LeaReceiver lea = rig.lea(
                "lea", LeaOptions.defaults().withReadDelayMs(1)); // handover lags: buffers hold records at the stop
        Path config = rig.config(lea);
        int port = MediatorRig.freePort();
        MediatorProcess m = mediator(config, port);
        LinkClient c = client(port);
        Producer p = new Producer();
        for (int i = 0; i < 10; i++) {
            p.offer(c, 2000);
            Thread.sleep(20);
        }
        assertTrue(
                await(60_000, () -> c.stats().acked() >= 5000), () -> c.stats().toString());
        long ackedAtStop = c.stats().acked();
        long ms = m.terminate(60);
        assertStoppedInTime(m, ms);
        assertTrue(
                m.output().stream().anyMatch(l -> l.contains("kubeli-mediator: stopped in")), "the orderly stop ran");
        for (int i = 0; i < 5; i++) {
            p.offer(c, 2000);
            Thread.sleep(20);
        } // the collector spools meanwhile
        MediatorProcess again = mediator(config, port); // same data directory
        assertTrue(c.flush(Duration.ofSeconds(120)), () -> c.stats().toString());
        assertEquals(0, c.stats().lost());
        assertTrue(ackedAtStop > 0);
        rig.assertDelivered(lea, "lea", p, false); // every record once (after de-duplication), none missing
        assertTrue(again.port() == port);
    }

    @Test
    void sigtermWhileTheAgencyReadsNothingStillExitsInTime() throws Exception {
        // hostile agency: accepts HI2/HI3 and never reads, so the handover's writes block at the stop
        ServerSocket hi2 = new ServerSocket(0), hi3 = new ServerSocket(0);
        rig.closeLater(hi2);
        rig.closeLater(hi3);
        for (ServerSocket ss : List.of(hi2, hi3)) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        Socket s = ss.accept();
                        s.setReceiveBufferSize(4096);
                        rig.closeLater(s);
                    }
                } catch (Exception e) {
                    // closed
                }
            });
        }
        Path cfg = rig.config(MediatorRig.yaml("ic-a", "LIID-A", "both", hi2.getLocalPort(), hi3.getLocalPort()));
        MediatorProcess m = mediator(cfg, 0);
        LinkClient c = client(m.port());
        Producer p = new Producer();
        for (int i = 0; i < 10; i++) {
            p.offer(c, 2000);
            Thread.sleep(20);
        }
        assertTrue(
                await(60_000, () -> c.stats().acked() >= 10_000),
                () -> c.stats().toString());
        Thread.sleep(500); // handover writes fill the agency's socket and block
        long ms = m.terminate(60);
        assertStoppedInTime(m, ms);
    }

    @Test
    void sigtermBeforeAnyCollectorConnectedExitsZero() throws Exception {
        LeaReceiver lea = rig.lea("lea");
        MediatorProcess m = mediator(rig.config(lea), 0);
        assertStoppedInTime(m, m.terminate(60));
    }
}
