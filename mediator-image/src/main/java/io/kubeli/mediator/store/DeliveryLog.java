package io.kubeli.mediator.store;

import java.io.Closeable;
import java.io.IOException;

/** A durable ordered record log with one persisted delivery cursor (per agency per HI, and the holding log). */
public interface DeliveryLog extends Closeable {

    /** Receives records during {@link #read}; the buffer is reused after the call. */
    @FunctionalInterface
    interface Visitor {
        void record(long index, byte[] buf, int off, int len);
    }

    /** Appends one record (not yet visible to readers nor durable until {@link #sync()}); returns its index. */
    long append(byte[] b, int off, int len) throws IOException;

    /** Makes every appended record durable (per the fsync policy) and visible to readers. */
    void sync() throws IOException;

    /** Index one past the last durable record. */
    long end();

    /** Index of the first retained record. */
    long start();

    /** Reads durable records from {@code from} on, at most {@code max} records or about {@code maxBytes}; returns how many. */
    int read(long from, int max, int maxBytes, Visitor v) throws IOException;

    /** Persists the delivery cursor: records before {@code index} are confirmed and their space may be reclaimed. */
    void commit(long index) throws IOException;

    /** The persisted delivery cursor. */
    long committed();

    /** Bytes on disk. */
    long bytes();

    /** Whether {@code bytes} more (record payload) fit within the size bound. */
    boolean fits(long bytes);

    /** Runs {@code r} after every {@link #sync()} that made new records visible (wakes senders). */
    void onSync(Runnable r);

    /** The size bound in bytes. */
    long capacity();

    /** Writes and forces the appended records without making them visible; then {@link #publish} or {@link #discard}. */
    default void stage() throws IOException {
        sync();
    }

    /** Makes the staged records visible (cannot fail). */
    default void publish() {}

    /** Truncates the staged records away. */
    default void discard() {}

    /** Cuts every record from {@code index} on (start-up recovery only, before senders read); returns how many. */
    default long truncateFrom(long index) throws IOException {
        throw new UnsupportedOperationException("truncateFrom");
    }

    /** Whether the last write failed (disk full, I/O error): nothing of it was kept, nothing may be acknowledged. */
    default boolean storageFailed() {
        return false;
    }

    /**
     * Stores what was appended to each log all-or-nothing: every log is written and forced first, and only when all
     * succeeded do the records become visible; on a failure the others are truncated back and the error is thrown.
     */
    static void syncAll(Iterable<? extends DeliveryLog> logs) throws IOException {
        syncAll(logs, () -> {});
    }

    /** The commit step between staging and publishing (see {@code CommitLog}); a failure discards the batch. */
    @FunctionalInterface
    interface Commit {
        void commit() throws IOException;
    }

    /**
     * {@link #syncAll(Iterable)} with a commit point: after every log is written and forced, {@code commit} runs and
     * only if it succeeds do the records become visible. A crash before it leaves only staged records, which recovery
     * cuts; a crash after it leaves the whole batch.
     */
    static void syncAll(Iterable<? extends DeliveryLog> logs, Commit commit) throws IOException {
        try {
            for (DeliveryLog l : logs) l.stage();
            commit.commit();
        } catch (IOException | RuntimeException e) {
            for (DeliveryLog l : logs) l.discard(); // also drops what the logs not reached still had pending
            throw e;
        }
        for (DeliveryLog l : logs) l.publish();
    }
}
