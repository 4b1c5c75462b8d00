package io.kubeli.mediator.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.TestPdus;
import io.kubeli.mediator.store.DeliveryLog;
import io.kubeli.mediator.store.LinkSegmentLog;
import io.kubeli.mediator.store.StoredRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch spread over several logs must survive a crash whole or not at all. The observed loss: a SIGKILL between
 * forcing hi2 and hi3 left the batch's IRI on disk without its CC; at restart the IRI's link sequences made the
 * mediator tell the collector "stored up to N", and the collector dropped CC records no log held (817 missing).
 * Crashes are simulated by abandoning the open logs and reopening the directory, as a new process would.
 */
class StoreRecoveryTest {
    @TempDir
    Path dir;

    private Path base; // the data directory in use; a crash copies it as it is, the abandoned instances stay behind

    private LinkSegmentLog log(String name) throws IOException {
        if (base == null) base = dir.resolve("d0");
        return new LinkSegmentLog(base.resolve(name), 64 << 10, 64 << 20, FsyncPolicy.perBatch());
    }

    private CommitLog commits() throws IOException {
        if (base == null) base = dir.resolve("d0");
        return CommitLog.open(base.resolve("commits"), true);
    }

    /** SIGKILL: what is on disk now is what the next process finds (in-process, the page cache is the disk). */
    private void crash() throws IOException {
        Path to = dir.resolve("d" + System.nanoTime());
        try (Stream<Path> w = Files.walk(base)) {
            for (Path f : w.toList()) {
                Path d = to.resolve(base.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(d);
                else if (!f.getFileName().toString().endsWith(".tmp")) Files.copy(f, d);
            }
        }
        base = to;
    }

    /** Appends link sequences [from, to) of collector c1: every fifth an IRI (hi2), the rest CC (hi3). */
    private static void append(DeliveryLog hi2, DeliveryLog hi3, long from, long to) throws IOException {
        StoredRecord.Buf buf = new StoredRecord.Buf();
        for (long s = from; s < to; s++) {
            boolean iri = s % 5 == 4;
            byte[] pdu = iri ? TestPdus.iri("LIID-A", 9, s, 80) : TestPdus.cc("LIID-A", 9, s, 80);
            int n = StoredRecord.encode(buf, !iri, "ic-a", "agency-a", "c1", s, pdu, 0, pdu.length);
            (iri ? hi2 : hi3).append(buf.array(), 0, n);
        }
    }

    /** What Mediator.start() does: recover every log, then report what the collector is told. */
    private record Restart(long highest, long hi2End, long hi3End, long cut) {}

    private Restart restart() throws IOException {
        crash();
        try (LinkSegmentLog hi2 = log("hi2");
                LinkSegmentLog hi3 = log("hi3");
                CommitLog commits = commits()) {
            DedupState dedup = new DedupState(base.resolve("dedup.properties"));
            StoreRecovery r = new StoreRecovery(commits, dedup);
            r.recover("hi2", hi2);
            r.recover("hi3", hi3);
            return new Restart(dedup.highest("c1"), hi2.end(), hi3.end(), r.cut());
        }
    }

    @Test
    void aBatchForcedIntoOneLogButNeverCommittedIsCutAtRestart() throws Exception {
        LinkSegmentLog hi2 = log("hi2"), hi3 = log("hi3");
        CommitLog commits = commits();
        append(hi2, hi3, 0, 100);
        DeliveryLog.syncAll(List.of(hi2, hi3), () -> commits.commit(Map.of("c1", 99L))); // acknowledged up to 99
        append(hi2, hi3, 100, 200);
        hi2.stage(); // forced into hi2 ... and the process dies before hi3
        Restart r = restart();
        assertEquals(
                99,
                r.highest(),
                "the collector must be told only what was committed, or it drops records no log holds");
        assertEquals(20, r.hi2End(), "hi2 keeps the committed IRI only");
        assertEquals(80, r.hi3End());
        assertEquals(20, r.cut(), "the uncommitted IRI were cut");
        // the collector re-sends 100..199; stored again and committed, each record exactly once
        try (LinkSegmentLog hi2b = log("hi2");
                LinkSegmentLog hi3b = log("hi3");
                CommitLog c2 = commits()) {
            append(hi2b, hi3b, 100, 200);
            DeliveryLog.syncAll(List.of(hi2b, hi3b), () -> c2.commit(Map.of("c1", 199L)));
            assertEquals(40, hi2b.end());
            assertEquals(160, hi3b.end());
        }
        assertEquals(new Restart(199, 40, 160, 0), restart());
    }

    @Test
    void aBatchCommittedButNotYetPublishedIsKept() throws Exception {
        LinkSegmentLog hi2 = log("hi2"), hi3 = log("hi3");
        CommitLog commits = commits();
        append(hi2, hi3, 0, 50);
        hi2.stage();
        hi3.stage();
        commits.commit(Map.of("c1", 49L)); // dies after the marker, before publish and the acknowledgement
        assertEquals(new Restart(49, 10, 40, 0), restart());
    }

    @Test
    void aFailedCommitStoresNothing() throws Exception {
        try (LinkSegmentLog hi2 = log("hi2");
                LinkSegmentLog hi3 = log("hi3")) {
            append(hi2, hi3, 0, 50);
            assertThrows(
                    IOException.class,
                    () -> DeliveryLog.syncAll(List.of(hi2, hi3), () -> {
                        throw new IOException("No space left on device");
                    }));
            assertEquals(0, hi2.end());
            assertEquals(0, hi3.end());
        }
        assertEquals(0, restart().hi3End());
    }

    @Test
    void aDataDirectoryFromBeforeCommitMarkersKeepsEverything() throws Exception {
        LinkSegmentLog hi2 = log("hi2"), hi3 = log("hi3");
        append(hi2, hi3, 0, 50);
        DeliveryLog.syncAll(List.of(hi2, hi3)); // the old store: no marker at all
        assertEquals(new Restart(49, 10, 40, 0), restart(), "nothing can be judged without markers: nothing is cut");
    }

    @Test
    void theCommitLogStaysSmallAndRemembersEveryCollector() throws Exception {
        try (CommitLog c = CommitLog.open(dir.resolve("commits"), false)) {
            c.commit(Map.of("quiet", 7L)); // a collector that sends once, long ago
            for (int i = 0; i < 100 * CommitLog.FULL_EVERY; i++) c.commit(Map.of("busy", (long) i));
        }
        long bytes;
        try (Stream<Path> s = Files.list(dir.resolve("commits"))) {
            bytes = s.filter(p -> p.toString().endsWith(".seg"))
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
        assertTrue(bytes <= 5 << 20, "trimmed to a few segments: " + bytes);
        try (CommitLog c = CommitLog.open(dir.resolve("commits"), false)) {
            assertEquals(7, c.committed("quiet"));
            assertEquals(100L * CommitLog.FULL_EVERY - 1, c.committed("busy"));
            assertEquals(-1, c.committed("never"));
        }
    }

    @Test
    void lostMarkersCannotMakeAcknowledgedRecordsLookUncommitted() throws Exception {
        LinkSegmentLog hi2 = log("hi2"), hi3 = log("hi3");
        CommitLog commits = commits();
        append(hi2, hi3, 0, 100);
        DeliveryLog.syncAll(List.of(hi2, hi3), () -> commits.commit(Map.of("c1", 99L)));
        DedupState d = new DedupState(base.resolve("dedup.properties"));
        d.update("c1", 99);
        d.persist(); // the periodic snapshot
        try (Stream<Path> s = Files.list(base.resolve("commits"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".seg")).toList()) Files.delete(p); // damage
        }
        assertEquals(new Restart(99, 20, 80, 0), restart(), "the snapshot is a floor: nothing acknowledged is cut");
    }
}
