package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A collector that dies right after sending (SIGKILL, reset) leaves whole batches in the mediator's receive queue.
 * They left the collector's memory and will never be sent again: the mediator stores them, or they are lost (the
 * collector counts them as lost in its crash). Before, the connection's end threw away everything not yet stored.
 */
class LinkServerDrainIT {
    private static byte[] batch(long first, int n) {
        List<LinkRecord> recs = new ArrayList<>();
        for (int i = 0; i < n; i++) recs.add(TestData.record(first + i, 120));
        ByteBuffer b = ByteBuffer.allocate(Frames.batchFrameSize(
                n, recs.stream().mapToInt(LinkRecord::encodedSize).sum()));
        Frames.writeBatch(b, first, recs, 0, n);
        return b.array();
    }

    /** Sends 10 batches of 100 while the store is slow, then {@code end} (close, or garbage and close). */
    private static int sendAndVanish(boolean garbage) throws Exception {
        MemorySink sink = new MemorySink();
        sink.afterStore = () -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } // a slow disk
        };
        try (LinkServer server = LinkServer.start(TestData.server(0, TlsConfig.none()), sink)) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                OutputStream out = s.getOutputStream();
                out.write(Frames.hello(LinkProtocol.VERSION, "coll-x", 0, 0));
                out.flush();
                Frames.Frame ack = new Frames.Reader(new DataInputStream(s.getInputStream()), 1 << 20).read();
                assertTrue(ack instanceof Frames.Ack);
                for (int k = 0; k < 10; k++) out.write(batch(k * 100L, 100));
                if (garbage)
                    out.write(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3, 4, 5, 6, 7, 8});
                out.flush();
            } // gone, without waiting for any ACK
            TestData.await(Duration.ofSeconds(20), () -> sink.count("coll-x") == 1000);
            Thread.sleep(200);
            assertEquals(List.of(), sink.violations());
            return sink.count("coll-x");
        }
    }

    @Test
    void batchesReceivedWholeAreStoredAfterTheCollectorVanished() throws Exception {
        assertEquals(1000, sendAndVanish(false));
    }

    @Test
    void batchesBeforeGarbageAreStoredAndTheGarbageIsRefused() throws Exception {
        assertEquals(1000, sendAndVanish(true));
    }
}
