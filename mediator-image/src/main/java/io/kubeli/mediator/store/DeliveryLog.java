package io.kubeli.mediator.store;

import java.io.Closeable;
import java.io.IOException;

/** A durable ordered record log with one persisted delivery cursor (per agency per HI, and the holding log). */
public interface DeliveryLog extends Closeable {

    /** Receives records during {@link #read}; the buffer is reused after the call. */
    @FunctionalInterface
    interface Visitor { void record(long index, byte[] buf, int off, int len); }

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
}
