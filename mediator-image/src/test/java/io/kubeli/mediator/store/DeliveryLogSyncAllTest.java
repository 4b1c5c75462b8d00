package io.kubeli.mediator.store;

import static io.kubeli.mediator.store.LinkSegmentLogTest.readAll;
import static io.kubeli.mediator.store.LinkSegmentLogTest.rec;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.FsyncPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch spread over several buffers is stored all-or-nothing: one failing buffer leaves nothing in the others. */
class DeliveryLogSyncAllTest {
    @TempDir
    Path dir;

    @Test
    void aFailingBufferLeavesNothingInTheOthers() throws Exception {
        try (LinkSegmentLog hi2 = new LinkSegmentLog(dir.resolve("hi2"), 64 << 10, 8 << 20, FsyncPolicy.perBatch());
                LinkSegmentLog hi3 =
                        new LinkSegmentLog(dir.resolve("hi3"), 64 << 10, 8 << 20, FsyncPolicy.perBatch())) {
            DeliveryLog broken = new DeliveryLog() { // hi3 as a full disk sees it
                        @Override
                        public long append(byte[] b, int off, int len) {
                            return hi3.append(b, off, len);
                        }

                        @Override
                        public void sync() throws IOException {
                            stage();
                        }

                        @Override
                        public void stage() throws IOException {
                            throw new IOException("No space left on device");
                        }

                        @Override
                        public void discard() {
                            hi3.discard();
                        }

                        @Override
                        public long end() {
                            return hi3.end();
                        }

                        @Override
                        public long start() {
                            return hi3.start();
                        }

                        @Override
                        public int read(long from, int max, int maxBytes, Visitor v) throws IOException {
                            return hi3.read(from, max, maxBytes, v);
                        }

                        @Override
                        public void commit(long index) throws IOException {
                            hi3.commit(index);
                        }

                        @Override
                        public long committed() {
                            return hi3.committed();
                        }

                        @Override
                        public long bytes() {
                            return hi3.bytes();
                        }

                        @Override
                        public boolean fits(long bytes) {
                            return true;
                        }

                        @Override
                        public void onSync(Runnable r) {}

                        @Override
                        public long capacity() {
                            return hi3.capacity();
                        }

                        @Override
                        public void close() {}
                    };
            for (int i = 0; i < 10; i++) hi2.append(rec(i), 0, 150);
            for (int i = 0; i < 40; i++) broken.append(rec(100 + i), 0, 150);
            assertThrows(IOException.class, () -> DeliveryLog.syncAll(List.of(hi2, broken)));
            assertEquals(0, hi2.end(), "the part already written to hi2 was truncated away");
            assertEquals(0, hi3.end());
            // the retry of the same batch stores it once
            for (int i = 0; i < 10; i++) hi2.append(rec(i), 0, 150);
            for (int i = 0; i < 40; i++) hi3.append(rec(100 + i), 0, 150);
            DeliveryLog.syncAll(List.of(hi2, hi3));
            assertEquals(10, readAll(hi2, 0).size());
            assertEquals(40, readAll(hi3, 0).size());
            assertEquals(0, hi2.stats().quarantinedBytes());
        }
        try (LinkSegmentLog hi2 = new LinkSegmentLog(dir.resolve("hi2"), 64 << 10, 8 << 20, FsyncPolicy.perBatch())) {
            assertEquals(10, readAll(hi2, 0).size(), "after a restart too: no record stored twice");
        }
    }
}
