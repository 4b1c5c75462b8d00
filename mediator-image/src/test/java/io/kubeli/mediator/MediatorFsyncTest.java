package io.kubeli.mediator;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.FsyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The mediator uses the link's one {@link FsyncPolicy}, restricted to what its ingest acknowledges safely. */
class MediatorFsyncTest {
    private static MediatorSettings with(FsyncPolicy p) {
        return new MediatorSettings(
                Path.of("/tmp/c"),
                false,
                null,
                0,
                Path.of("/tmp/d"),
                null,
                true,
                null,
                -1,
                "m",
                8 << 20,
                64 << 10,
                p,
                10,
                0);
    }

    @Test
    void batchAndNoneFromTheCommandLine() {
        String[] base = {"--config", "/tmp", "--listen", "0", "--data", "/tmp/d", "--plain", "--fsync"};
        assertEquals(
                FsyncPolicy.Mode.PER_BATCH,
                MediatorMain.parse(concat(base, "batch")).fsync().mode());
        assertEquals(
                FsyncPolicy.Mode.PER_BATCH,
                MediatorMain.parse(concat(base, "always")).fsync().mode());
        assertEquals(
                FsyncPolicy.Mode.NONE,
                MediatorMain.parse(concat(base, "none")).fsync().mode());
        assertEquals(
                FsyncPolicy.Mode.PER_BATCH,
                MediatorMain.parse(new String[] {"--config", "/tmp", "--listen", "0", "--data", "/tmp/d", "--plain"})
                        .fsync()
                        .mode(),
                "default: fsync before the ack");
        // group commit returns before the force: the ingest would acknowledge records not yet durable
        var e = assertThrows(IllegalArgumentException.class, () -> MediatorMain.parse(concat(base, "10ms")));
        assertEquals("--fsync must be batch or none (got '10ms')", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> with(FsyncPolicy.grouped(8, Duration.ofMillis(5))));
        assertEquals(FsyncPolicy.Mode.NONE, with(FsyncPolicy.none()).fsync().mode());
    }

    private static String[] concat(String[] a, String b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = b;
        return r;
    }
}
