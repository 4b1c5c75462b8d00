package io.kubeli.mediator.ingest;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit across connections: batches that arrive while a store (its forces and its commit marker) runs are
 * stored together by the next store, with one force per log and one marker for all of them. Each caller returns
 * only once the store that covered its batch is durable and committed, and sees that store's failure otherwise:
 * nothing of a failed group is acknowledged. A group refused for a full buffer is retried batch by batch, so one
 * collector's full agency buffer does not hold back the others.
 */
final class GroupCommit {
    /** Stores one (merged) batch durably, all or nothing. */
    @FunctionalInterface
    interface Store {
        void store(List<IncomingRecord> batch) throws IOException, BufferFullException;
    }

    /** One caller's batch and, once a leader ran it, its outcome. */
    private static final class Request {
        final List<IncomingRecord> batch;
        boolean done; // guarded by the leader lock
        Exception failure; // null: stored

        Request(List<IncomingRecord> batch) {
            this.batch = batch;
        }
    }

    private final Store store;
    private final ReentrantLock leader = new ReentrantLock();
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private long groups, merged; // guarded by the leader lock

    GroupCommit(Store store) {
        this.store = store;
    }

    /** Stores {@code batch}, possibly together with batches of other callers; returns once it is durable. */
    void store(List<IncomingRecord> batch) throws IOException, BufferFullException {
        Request me = new Request(batch);
        synchronized (waiting) {
            waiting.add(me);
        }
        leader.lock();
        try {
            if (!me.done) {
                runGroup(); // whoever gets the lock first stores everything queued meanwhile, its own batch included
            }
        } finally {
            leader.unlock();
        }
        switch (me.failure) {
            case null -> {}
            case BufferFullException e -> throw new BufferFullException(e.getMessage());
            case IOException e -> throw new IOException(e.getMessage(), e); // a stack of this caller's own
            case RuntimeException e -> throw e;
            default -> throw new IllegalStateException(me.failure);
        }
    }

    private void runGroup() {
        List<Request> group;
        synchronized (waiting) {
            group = new ArrayList<>(waiting);
            waiting.clear();
        }
        groups++;
        if (group.size() == 1) {
            run(group.getFirst());
            return;
        }
        merged += group.size() - 1;
        int n = 0;
        for (Request r : group) n += r.batch.size();
        List<IncomingRecord> all = new ArrayList<>(n);
        for (Request r : group) all.addAll(r.batch);
        try {
            store.store(all);
        } catch (BufferFullException e) {
            for (Request r : group) run(r); // only the batches that do not fit are refused
            return;
        } catch (IOException | RuntimeException e) {
            for (Request r : group) finish(r, e);
            return;
        }
        for (Request r : group) finish(r, null);
    }

    private void run(Request r) {
        try {
            store.store(r.batch);
            finish(r, null);
        } catch (IOException | BufferFullException | RuntimeException e) {
            finish(r, e);
        }
    }

    private static void finish(Request r, Exception failure) {
        r.failure = failure;
        r.done = true;
    }

    /** Batches queued for the next store (tests). */
    int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    /** Stores run and batches that joined another caller's store (for tests and metrics). */
    long[] counts() {
        leader.lock();
        try {
            return new long[] {groups, merged};
        } finally {
            leader.unlock();
        }
    }
}
