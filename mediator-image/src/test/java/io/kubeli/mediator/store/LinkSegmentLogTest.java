package io.kubeli.mediator.store;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.FsyncPolicy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agency buffer contract on the link module's SegmentLog: order, visibility at sync, persisted cursor, size bound. */
class LinkSegmentLogTest {
    @TempDir
    Path dir;

    static byte[] rec(int i) {
        return ByteBuffer.allocate(150).putInt(i).array();
    }

    static List<Integer> readAll(DeliveryLog log, long from) throws Exception {
        List<Integer> out = new ArrayList<>();
        long pos = from;
        for (int n;
                (n = log.read(
                                pos,
                                100,
                                4096,
                                (idx, b, o, l) ->
                                        out.add(ByteBuffer.wrap(b, o, l).getInt())))
                        > 0; ) pos += n;
        return out;
    }

    @Test
    void appendsBecomeVisibleAtSyncInOrderAcrossSegments() throws Exception {
        try (LinkSegmentLog log = new LinkSegmentLog(dir, 64 << 10, 8 << 20, FsyncPolicy.none())) {
            int[] wakeups = {0};
            log.onSync(() -> wakeups[0]++);
            for (int i = 0; i < 2000; i++) log.append(rec(i), 0, 150);
            assertEquals(0, log.end(), "invisible before sync");
            log.sync();
            assertEquals(2000, log.end());
            assertEquals(1, wakeups[0]);
            List<Integer> got = readAll(log, 0);
            assertEquals(2000, got.size());
            for (int i = 0; i < 2000; i++) assertEquals(i, got.get(i));
            assertEquals(List.of(1500, 1501), readAll(log, 1500).subList(0, 2), "random access for resends");
        }
    }

    @Test
    void confirmedCursorSurvivesReopenAndReclaimsSpace() throws Exception {
        long before;
        try (LinkSegmentLog log = new LinkSegmentLog(dir, 64 << 10, 8 << 20, FsyncPolicy.perBatch())) {
            for (int i = 0; i < 2000; i++) log.append(rec(i), 0, 150);
            log.sync();
            before = log.bytes();
            readAll(log, 0);
            log.commit(1200);
            assertTrue(log.bytes() < before, "confirmed segments are deleted");
        }
        try (LinkSegmentLog log = new LinkSegmentLog(dir, 64 << 10, 8 << 20, FsyncPolicy.perBatch())) {
            assertEquals(1200, log.committed());
            assertEquals(2000, log.end());
            assertEquals(1200, readAll(log, log.committed()).getFirst());
        }
    }

    @Test
    void sizeBoundIsReportedBeforeAppending() throws Exception {
        try (LinkSegmentLog log = new LinkSegmentLog(dir, 64 << 10, 1 << 20, FsyncPolicy.none())) {
            int n = 0;
            while (log.fits(1000 * 166L) && n < 100_000) {
                for (int i = 0; i < 1000; i++) log.append(rec(n++), 0, 150);
                log.sync();
            }
            assertFalse(log.fits(1000 * 166L));
            assertTrue(log.bytes() <= log.capacity());
            assertEquals(n, log.end());
        }
    }
}
