package io.kubeli.mediator.ingest;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13, observation 7: the dedup snapshot is race-free, owner-only, and quiet when the data directory is gone. */
class DedupStateTest {
    @TempDir
    Path tmp;

    final List<String> warnings = new ArrayList<>();
    final Logger log = Logger.getLogger(DedupState.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue())
                synchronized (warnings) {
                    warnings.add(r.getMessage());
                }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(capture);
    }

    @Test
    void concurrentPersistsNeverShareATemporaryFileAndLeaveOneOwnerOnlySnapshot() throws Exception {
        Path file = tmp.resolve("dedup.properties");
        DedupState d = new DedupState(file);
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200; i++) {
                    d.update("c" + id, i);
                    d.persist(); // the timer and the shutdown path both call this
                }
            }));
        }
        go.countDown();
        for (Thread t : ts) t.join();
        d.persist();
        assertEquals(List.of(), warnings);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(file), s.toList(), "no temporary file left behind");
        }
        DedupState again = new DedupState(file);
        for (int t = 0; t < threads; t++) assertEquals(199, again.highest("c" + t));
    }

    @Test
    void aDataDirectoryRemovedWhileStoppingIsNotAWarning() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        DedupState d = new DedupState(dir.resolve("dedup.properties"));
        d.update("c", 5);
        Files.delete(dir); // the demo removes its work directory around the final persist
        d.persist();
        assertEquals(List.of(), warnings);
    }

    @Test
    void aBrokenSnapshotEntryIsSkippedWithOneLine() throws Exception {
        Path file = tmp.resolve("dedup.properties");
        Files.writeString(file, "good=7\nbad=x\n");
        DedupState d = new DedupState(file);
        assertEquals(7, d.highest("good"));
        assertEquals(-1, d.highest("bad"));
        assertEquals(1, warnings.size());
    }
}
