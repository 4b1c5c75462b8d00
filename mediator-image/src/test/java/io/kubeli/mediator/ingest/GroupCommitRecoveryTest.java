package io.kubeli.mediator.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.MediatorRig;
import io.kubeli.mediator.TestPdus;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.store.DeliveryLog;
import io.kubeli.mediator.store.LinkSegmentLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group commit stores the batches of several collectors with one force per log and one commit marker. A crash
 * after the force and before the marker must lose nothing acknowledged (the earlier store stays whole) and keep
 * nothing of the group (none of it was acknowledged; its collectors send it again).
 */
class GroupCommitRecoveryTest {
    @TempDir
    Path dir;

    /** A log that can block its first stage and take a snapshot of the data directory right after a force. */
    private static final class Hooked implements DeliveryLog {
        final LinkSegmentLog d;
        final CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        volatile Runnable afterForce = () -> {};
        private boolean first = true;

        Hooked(LinkSegmentLog d) {
            this.d = d;
        }

        @Override
        public void stage() throws IOException {
            if (first) {
                first = false;
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            d.stage();
            afterForce.run();
        }

        @Override
        public long append(byte[] b, int off, int len) throws IOException {
            return d.append(b, off, len);
        }

        @Override
        public void sync() throws IOException {
            stage();
            publish();
        }

        @Override
        public void publish() {
            d.publish();
        }

        @Override
        public void discard() {
            d.discard();
        }

        @Override
        public long end() {
            return d.end();
        }

        @Override
        public long start() {
            return d.start();
        }

        @Override
        public int read(long from, int max, int maxBytes, Visitor v) throws IOException {
            return d.read(from, max, maxBytes, v);
        }

        @Override
        public void commit(long index) throws IOException {
            d.commit(index);
        }

        @Override
        public long committed() {
            return d.committed();
        }

        @Override
        public long bytes() {
            return d.bytes();
        }

        @Override
        public boolean fits(long bytes) {
            return d.fits(bytes);
        }

        @Override
        public void onSync(Runnable r) {
            d.onSync(r);
        }

        @Override
        public long capacity() {
            return d.capacity();
        }

        @Override
        public void close() throws IOException {
            d.close();
        }
    }

    private static LinkSegmentLog log(Path base, String name) throws IOException {
        return new LinkSegmentLog(base.resolve(name), 64 << 10, 64 << 20, FsyncPolicy.perBatch());
    }

    private static List<IncomingRecord> batch(String collector, int n) {
        List<IncomingRecord> b = new ArrayList<>();
        for (int s = 0; s < n; s++)
            b.add(new IncomingRecord(collector, s, "ic-a", "agency-a", true, TestPdus.cc("LIID-A", 9, s, 80)));
        return b;
    }

    /** SIGKILL now: what is on disk is what the next process finds (in-process, the page cache is the disk). */
    private Path snapshot(Path base) {
        Path to = dir.resolve("crash");
        try (Stream<Path> w = Files.walk(base)) {
            for (Path f : w.toList()) {
                Path d = to.resolve(base.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(d);
                else if (!f.getFileName().toString().endsWith(".tmp")) Files.copy(f, d);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return to;
    }

    private static CompletableFuture<Void> async(Ingest in, List<IncomingRecord> b) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        in.store(b);
                    } catch (IOException | BufferFullException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                },
                r -> Thread.ofPlatform().start(r));
    }

    @Test
    void aCrashBetweenTheGroupsForceAndItsMarkerLosesNothingAcknowledged() throws Exception {
        String[] docs = MediatorRig.yaml("ic-a", "LIID-A", "both", 1, 2).split("---");
        ResourceCatalog catalog = new ResourceCatalog();
        catalog.putAgency(Serialization.unmarshal(docs[0], Agency.class));
        catalog.putIntercept(Serialization.unmarshal(docs[1], Intercept.class));
        Path base = dir.resolve("data");
        LinkSegmentLog hi2 = log(base, "hi2");
        Hooked hi3 = new Hooked(log(base, "hi3"));
        CommitLog commits = CommitLog.open(base.resolve("commits"), true);
        Ingest in = new Ingest(
                catalog,
                a -> new DeliveryLog[] {hi2, hi3},
                log(base, "held"),
                log(base, "quarantine"),
                new DedupState(base.resolve("dedup.properties")),
                commits);

        CompletableFuture<Void> a = async(in, batch("c1", 10)); // blocks in its force
        assertTrue(hi3.entered.await(30, TimeUnit.SECONDS));
        CompletableFuture<Void> b = async(in, batch("c2", 4)), c = async(in, batch("c3", 6));
        while (in.groupCommit().waiting() < 2) Thread.sleep(1);
        Path[] crash = {null};
        hi3.afterForce = () -> {
            if (hi3.d.end() == 10 && crash[0] == null) crash[0] = snapshot(base);
        };
        hi3.release.countDown();
        a.get(30, TimeUnit.SECONDS); // c1 acknowledged
        b.get(30, TimeUnit.SECONDS);
        c.get(30, TimeUnit.SECONDS);
        assertArrayEquals(new long[] {2, 1}, in.groupCommits(), "c2 and c3 were stored by one store");
        assertEquals(20, hi3.end());
        assertNotNull(crash[0], "the group's force ran");

        // the next process, started from the disk as it was between the group's force and its marker
        try (LinkSegmentLog r2 = log(crash[0], "hi2");
                LinkSegmentLog r3 = log(crash[0], "hi3");
                CommitLog rc = CommitLog.open(crash[0].resolve("commits"), true)) {
            DedupState dedup = new DedupState(crash[0].resolve("dedup.properties"));
            StoreRecovery rec = new StoreRecovery(rc, dedup);
            rec.recover("hi2", r2);
            rec.recover("hi3", r3);
            assertEquals(9, dedup.highest("c1"), "the acknowledged store is whole");
            assertEquals(-1, dedup.highest("c2"), "nothing of the group is claimed: its collectors send it again");
            assertEquals(-1, dedup.highest("c3"));
            assertEquals(10, r3.end(), "only c1's records are kept");
            assertEquals(10, rec.cut(), "the group's forced but uncommitted records are cut");
        }
    }
}
