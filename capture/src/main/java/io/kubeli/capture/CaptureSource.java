package io.kubeli.capture;

import java.time.Duration;
import java.util.Optional;

/**
 * An opened capture method (file, libpcap, AF_PACKET, later AF_XDP and DPDK). Lifecycle: open via
 * {@link CaptureSources#open}, {@link #start} once, {@link #stop}, {@link #close}. Each of the
 * {@link #threads()} threads is named {@code capture-N}, owns one ring/queue and its consumer.
 */
public interface CaptureSource extends AutoCloseable {
    /** The URI this source was opened from, with the filter value redacted. */
    String uri();

    /** Number of capture threads (and consumers) {@link #start} will run. */
    int threads();

    /** True for sources that end by themselves (files); live sources run until {@link #stop}. */
    boolean isFinite();

    /** Creates one consumer per thread index with {@code factory} and starts the threads. Only once. */
    void start(ConsumerFactory factory);

    /**
     * Waits until every capture thread has ended (end of input or stop). Returns false on timeout.
     * Throws the first thread failure (e.g. {@link CaptureFormatException}) once the threads have ended.
     */
    boolean awaitEnd(Duration timeout) throws InterruptedException;

    /** Asks the threads to stop and waits (bounded, about a second) for them to end. Idempotent. */
    void stop();

    /** Counters since start; callable from any thread at any time. */
    CaptureStats stats();

    /**
     * Why this method cannot count some of its drops (logged at open; to be shown in status next to the drop
     * counters), or null when every drop it can suffer is counted in {@link #stats()}.
     */
    default String uncountedDrops() {
        return null;
    }

    /** The first failure of a capture thread, if any. */
    Optional<CaptureException> failure();

    /** Stops if needed and releases sockets, rings and mappings. Idempotent. */
    @Override
    void close();
}
