package io.kubeli.collector;

import io.kubeli.capture.ConsumerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The data path after capture: per-capture-thread {@link CaptureWorker}s (decode, match, window) feeding
 * {@code encoder-N} threads through lock-free SPSC rings, one ring per (capture thread, encoder) pair.
 *
 * <p>Sequencing: a (LIID, CIN) key is owned by encoder {@code hash(key) mod N}; only that thread touches its
 * CC counter. Linux's PACKET_FANOUT_HASH is symmetric on current kernels (__skb_get_hash_symmetric; a few 4.x
 * releases were not), and the collector's default {@code fanout=ip} hashes the address pair, so both directions of a
 * flow reach one capture thread; but different flows of one target (other ports or peers) may land on different
 * capture threads, so flow affinity alone cannot give one owner per key. Sharding by key to an encoder can, without
 * locks: each (capture thread, encoder) ring is FIFO, so packets of one flow keep capture order in their key's stream.
 */
public final class CollectorPipeline implements AutoCloseable {
    /** Encoders and ring slots per (capture thread, encoder) pair. */
    public record Settings(int encoders, int ringSlots) {
        public Settings {
            if (encoders < 1 || encoders > 64) {
                throw new IllegalArgumentException("encoders must be 1..64");
            }
            if (ringSlots < 2 || ringSlots > (1 << 20)) {
                throw new IllegalArgumentException("ringSlots must be 2..1048576");
            }
        }

        public static Settings defaults() {
            return new Settings(1, 4096);
        }
    }

    private final Settings settings;
    private final PduSink sink;
    private final Encoder[] encoders;
    private final List<Thread> threads = new ArrayList<>();
    private final List<CaptureWorker> workers = new CopyOnWriteArrayList<>();
    private volatile TargetTable table = TargetTable.EMPTY;
    private final MediaTable media = new MediaTable();
    private volatile RadiusTap radius;
    private volatile SipTap sip;
    private volatile SequenceStore sequences = SequenceStore.none();
    private volatile boolean stopping;
    private final java.util.concurrent.atomic.AtomicLong captureStart =
            new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    private final java.util.concurrent.atomic.AtomicLong captureClock =
            new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    private boolean started;

    public CollectorPipeline(Settings settings, PduSink sink) {
        this.settings = settings;
        this.sink = sink;
        this.encoders = new Encoder[settings.encoders()];
        for (int i = 0; i < encoders.length; i++) {
            encoders[i] = new Encoder(i, this, sink);
        }
    }

    /** Number of encoder threads (keys are sharded over them). */
    public int encoders() {
        return encoders.length;
    }

    /** The current target table snapshot. */
    public TargetTable table() {
        return table;
    }

    /** Swaps in a new snapshot; capture threads pick it up at their next batch. */
    public void setTable(TargetTable t) {
        table = t;
    }

    /** The media endpoints of followed SIP calls (changed in place, per call). */
    public MediaTable media() {
        return media;
    }

    /** RADIUS tracking of the capture threads (null = off); set before capture starts. */
    public void setRadius(RadiusTap tap) {
        radius = tap;
    }

    public RadiusTap radius() {
        return radius;
    }

    /** SIP tracking of the capture threads (null = off); set before capture starts. */
    public void setSip(SipTap tap) {
        sip = tap;
    }

    public SipTap sip() {
        return sip;
    }

    public PduSink sink() {
        return sink;
    }

    /** Where sequence numbers survive restarts (default: nowhere). Set before intercepts are loaded. */
    public void setSequenceStore(SequenceStore store) {
        sequences = store;
    }

    public SequenceStore sequences() {
        return sequences;
    }

    /** The latest capture timestamp seen (epoch ns; MIN_VALUE before the first packet): the clock of file replays. */
    public long captureClock() {
        return captureClock.get();
    }

    /** The first capture timestamp seen (epoch ns; MIN_VALUE before the first packet). */
    public long captureStart() {
        return captureStart.get();
    }

    void advanceCaptureClock(long ts) {
        if (captureStart.get() == Long.MIN_VALUE) {
            captureStart.compareAndSet(Long.MIN_VALUE, ts);
        }
        long c = captureClock.get();
        if (ts > c) {
            captureClock.compareAndSet(c, ts); // a lost race means another thread moved it forward
        }
    }

    boolean stopping() {
        return stopping;
    }

    boolean producersEnded() {
        for (CaptureWorker w : workers) {
            if (!w.ended) {
                return false;
            }
        }
        return true;
    }

    /** Starts the encoder threads. */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        for (int i = 0; i < encoders.length; i++) {
            Thread t = new Thread(encoders[i], "encoder-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Where encoder {@code i} blocks for lack of work (an idle encoder blocks; it does not poll). */
    Wakeup encoderWakeup(int i) {
        return encoders[i].wakeup;
    }

    /** Marks the rings of encoder {@code i}: what is published now (see {@link #encoded}). */
    long[] markEncoder(int i) {
        return encoders[i].mark();
    }

    /** True once encoder {@code i} has taken everything published at {@code mark},  */
    boolean encoded(int i, long[] mark) {
        return encoders[i].passed(mark);
    }

    /** A factory for capture sources: one new worker (with its own rings) per capture thread. */
    public ConsumerFactory consumerFactory() {
        return threadIndex -> newWorker();
    }

    /** A new worker with one ring to each encoder (also for tests and benchmarks). */
    public synchronized CaptureWorker newWorker() {
        SpscRing[] rings = new SpscRing[encoders.length];
        for (int i = 0; i < rings.length; i++) {
            rings[i] = new SpscRing(settings.ringSlots(), encoders[i].wakeup);
            encoders[i].addRing(rings[i]);
        }
        CaptureWorker w = new CaptureWorker(this, rings);
        workers.add(w);
        return w;
    }

    /**
     * Call after every capture thread has ended: lets the encoders drain their rings, waits for them, flushes
     * the sink. Idempotent.
     */
    public void drain() throws InterruptedException {
        stopping = true;
        for (Encoder e : encoders) {
            e.wake();
        }
        for (Thread t : threads) {
            t.join();
        }
        sink.flush();
    }

    @Override
    public void close() {
        try {
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fragmented RADIUS datagrams seen (their first fragments). */
    public long radiusFragments() {
        long n = 0;
        for (CaptureWorker w : workers) {
            n += w.radiusFragments();
        }
        return n;
    }

    /** Fragmented SIP datagrams seen (first fragments). */
    public long sipFragments() {
        long n = 0;
        for (CaptureWorker w : workers) {
            n += w.sipFragments();
        }
        return n;
    }

    /** Fragmented SIP datagrams given up (overlap, oversize, timeout, slots busy): counted, never parsed. */
    public long sipFragmentDrops() {
        long n = 0;
        for (CaptureWorker w : workers) {
            n += w.sipFragmentDrops();
        }
        return n;
    }

    /** Aggregated counters of all workers and encoders (racy reads while running; exact after drain). */
    public Stats stats() {
        long packets = 0,
                bytes = 0,
                matched = 0,
                outOfWindow = 0,
                queued = 0,
                waits = 0,
                malformed = 0,
                notIp = 0,
                truncated = 0;
        for (CaptureWorker w : workers) {
            packets += w.packets;
            bytes += w.bytes;
            matched += w.matched;
            outOfWindow += w.outOfWindow;
            queued += w.queued;
            waits += w.ringFullWaits;
            truncated += w.truncated;
            malformed += w.decoder().malformed();
            notIp += w.decoder().notIp();
        }
        long encoded = 0, errors = 0, backlog = 0;
        for (Encoder e : encoders) {
            encoded += e.encoded;
            errors += e.errors;
            backlog += e.backlog();
        }
        return new Stats(
                packets,
                bytes,
                matched,
                outOfWindow,
                queued,
                encoded,
                errors,
                backlog,
                waits,
                malformed,
                notIp,
                truncated);
    }

    /** Pipeline counters. {@code encodeErrors} are records lost to an encoding failure (counted, never silent). */
    public record Stats(
            long packets,
            long bytes,
            long matched,
            long outOfWindow,
            long queued,
            long encoded,
            long encodeErrors,
            long backlog,
            long ringFullWaits,
            long malformed,
            long notIp,
            long truncated) {}
}
