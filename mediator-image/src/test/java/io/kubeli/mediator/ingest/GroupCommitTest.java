package io.kubeli.mediator.ingest;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Group commit: batches of several connections that queue while a store runs are stored by one store (one force per
 * log, one marker); every caller returns only with the outcome of the store that covered its batch.
 */
class GroupCommitTest {

    private static List<IncomingRecord> batch(String collector, int n) {
        List<IncomingRecord> b = new ArrayList<>();
        for (int i = 0; i < n; i++) b.add(new IncomingRecord(collector, i, "ic", "ag", true, new byte[] {1}));
        return b;
    }

    /** A store that blocks its first call until released, and records what each call stored. */
    private static final class Fake implements GroupCommit.Store {
        final CountDownLatch release = new CountDownLatch(1);
        final List<List<String>> calls = new ArrayList<>();
        volatile GroupCommit.Store behaviour = b -> {};

        @Override
        public void store(List<IncomingRecord> batch) throws IOException, BufferFullException {
            boolean first;
            synchronized (calls) {
                first = calls.isEmpty();
                calls.add(
                        batch.stream().map(IncomingRecord::collector).distinct().toList());
            }
            if (first) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return;
            }
            behaviour.store(batch);
        }
    }

    private static CompletableFuture<Void> async(GroupCommit g, List<IncomingRecord> b) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        g.store(b);
                    } catch (IOException | BufferFullException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                },
                r -> Thread.ofPlatform().start(r));
    }

    /** Starts c1 (it blocks inside the store), then queues c2 and c3 behind it and lets c1 finish. */
    private static List<CompletableFuture<Void>> queueTwoBehindOne(GroupCommit g, Fake f) throws Exception {
        CompletableFuture<Void> a = async(g, batch("c1", 3));
        while (f.calls.isEmpty()) Thread.sleep(1);
        CompletableFuture<Void> b = async(g, batch("c2", 2)), c = async(g, batch("c3", 4));
        while (g.waiting() < 2) Thread.sleep(1);
        f.release.countDown();
        a.get(30, TimeUnit.SECONDS);
        return List.of(b, c);
    }

    private static Throwable cause(CompletableFuture<Void> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void batchesQueuedDuringAStoreShareTheNextOne() throws Exception {
        Fake f = new Fake();
        GroupCommit g = new GroupCommit(f);
        for (CompletableFuture<Void> x : queueTwoBehindOne(g, f)) x.get(30, TimeUnit.SECONDS);
        assertEquals(2, f.calls.size(), "one store (one force, one marker) for c2 and c3: " + f.calls);
        assertEquals(java.util.Set.of("c2", "c3"), java.util.Set.copyOf(f.calls.get(1)));
        assertArrayEquals(new long[] {2, 1}, g.counts());
    }

    @Test
    void aFailedForceAcknowledgesNothingOfTheGroup() throws Exception {
        Fake f = new Fake();
        f.behaviour = b -> {
            throw new IOException("No space left on device");
        };
        GroupCommit g = new GroupCommit(f);
        List<CompletableFuture<Void>> rest = queueTwoBehindOne(g, f);
        for (CompletableFuture<Void> x : rest) {
            Throwable t = cause(x);
            assertInstanceOf(
                    IOException.class, t, "every caller of the failed group must see the failure (no acknowledgement)");
            assertTrue(t.getMessage().contains("No space left"));
        }
        f.behaviour = b -> {};
        g.store(batch("c2", 2)); // the disk works again: the retried batch is stored
        assertEquals(List.of("c2"), f.calls.getLast());
    }

    @Test
    void aBatchForAFullBufferDoesNotHoldBackTheOthersOfItsGroup() throws Exception {
        Fake f = new Fake();
        // hostile: collector c2 floods an agency whose buffer is full
        f.behaviour = b -> {
            if (b.stream().anyMatch(r -> r.collector().equals("c2")))
                throw new BufferFullException("durable buffer full");
        };
        GroupCommit g = new GroupCommit(f);
        List<CompletableFuture<Void>> rest = queueTwoBehindOne(g, f);
        assertInstanceOf(BufferFullException.class, cause(rest.get(0)));
        rest.get(1).get(30, TimeUnit.SECONDS); // c3 stored on its own
        assertEquals(4, f.calls.size(), "the group, then each batch on its own: " + f.calls);
        assertEquals(java.util.Set.of("c2", "c3"), java.util.Set.copyOf(f.calls.get(1)));
        assertEquals(java.util.Set.of(List.of("c2"), List.of("c3")), java.util.Set.copyOf(f.calls.subList(2, 4)));
    }

    @Test
    void aBrokenStoreFailsItsWholeGroupAndTheNextGroupWorks() throws Exception {
        Fake f = new Fake();
        // misconfiguration: the agency's buffers cannot be opened (e.g. a data directory on a read-only volume)
        f.behaviour = b -> {
            throw new java.io.UncheckedIOException(new IOException("Read-only file system"));
        };
        GroupCommit g = new GroupCommit(f);
        for (CompletableFuture<Void> x : queueTwoBehindOne(g, f)) {
            assertInstanceOf(java.io.UncheckedIOException.class, cause(x));
        }
        f.behaviour = b -> {};
        g.store(batch("c3", 1));
        assertEquals(List.of("c3"), f.calls.getLast());
    }
}
