package io.kubeli.capture;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Thread management shared by sources (and by later AF_XDP/DPDK ones): one platform thread
 * {@code capture-N} per index running {@link #runThread}, batch delivery with counting, prompt stop.
 */
public abstract class AbstractCaptureSource implements CaptureSource {
    private static final long STOP_WAIT_NANOS = Duration.ofSeconds(3).toNanos();

    private final String uri;
    private final int threads;
    private final boolean finite;
    private final ThreadCounters[] counters;
    private final AtomicReference<CaptureException> failure = new AtomicReference<>();
    private volatile boolean running;
    private volatile boolean started;
    private volatile boolean closed;
    private Thread[] workers = new Thread[0];
    private final DropAccounting ifaceDrops;

    protected AbstractCaptureSource(String uri, int threads, boolean finite) {
        this(uri, threads, finite, null);
    }

    /** A live source on interface {@code iface} (null: none): its interface and backlog drops are counted. */
    protected AbstractCaptureSource(String uri, int threads, boolean finite, String iface) {
        this.uri = uri;
        this.ifaceDrops = iface == null ? null : new DropAccounting(iface);
        this.threads = threads;
        this.finite = finite;
        this.counters = new ThreadCounters[threads];
        for (int i = 0; i < threads; i++) {
            counters[i] = new ThreadCounters();
        }
    }

    /**
     * Body of capture thread {@code index}: loop while {@link #running()}, fill {@code batch} and pass it
     * to {@link #deliver}; return at end of input. Exceptions end the thread and become {@link #failure()}.
     */
    protected abstract void runThread(int index, PacketConsumer consumer, PacketBatch batch) throws Exception;

    /** Called once on the starting thread before the capture threads start (e.g. take drop baselines). */
    protected void beforeStart() {}

    /** Called by {@link #stop} after clearing the running flag, to wake blocked threads (e.g. breakLoop). */
    protected void wakeup() {}

    /** Releases native resources; called once by {@link #close} after the threads ended. */
    protected abstract void release();

    /** Socket drops so far (override for live sources). */
    protected long socketDrops() {
        return 0;
    }

    /** The interface's drop counters (null without an interface): {@code baseline()} it before capturing. */
    protected final DropAccounting ifaceDrops() {
        return ifaceDrops;
    }

    /** Interface drops since the baseline (0 without an interface). */
    protected long interfaceDrops() {
        return ifaceDrops == null ? 0 : ifaceDrops.interfaceDrops();
    }

    /** Backlog drops since the baseline (0 without an interface). */
    protected long backlogDrops() {
        return ifaceDrops == null ? 0 : ifaceDrops.backlogDrops();
    }

    /** Initial capacity of each thread's {@link PacketBatch}. */
    protected int batchCapacity() {
        return 256;
    }

    /** True until {@link #stop} is called. */
    protected final boolean running() {
        return running;
    }

    /** Hands a non-empty batch to the consumer and counts it; consumer exceptions are counted, not thrown. */
    protected final void deliver(int index, PacketConsumer consumer, PacketBatch batch) {
        int n = batch.size();
        if (n == 0) {
            return;
        }
        long bytes = 0;
        int truncated = 0;
        for (int i = 0; i < n; i++) {
            int w = batch.wireLength(i);
            bytes += w;
            if (batch.capturedLength(i) < w) {
                truncated++;
            }
        }
        ThreadCounters c = counters[index];
        try {
            consumer.onBatch(batch);
        } catch (RuntimeException e) {
            c.errors++;
        }
        c.add(n, bytes, truncated);
    }

    /** Counts a receive or format error on thread {@code index}. */
    protected final void countError(int index) {
        counters[index].errors++;
    }

    /** Calls the consumer's onIdle, counting exceptions. */
    protected final void idle(int index, PacketConsumer consumer) {
        try {
            consumer.onIdle();
        } catch (RuntimeException e) {
            counters[index].errors++;
        }
    }

    @Override
    public final String uri() {
        return uri;
    }

    @Override
    public final int threads() {
        return threads;
    }

    @Override
    public final boolean isFinite() {
        return finite;
    }

    @Override
    public final synchronized void start(ConsumerFactory factory) {
        if (closed) {
            throw new CaptureException(uri + ": source is closed");
        }
        if (started) {
            throw new CaptureException(uri + ": source already started");
        }
        PacketConsumer[] consumers = new PacketConsumer[threads];
        for (int i = 0; i < threads; i++) {
            consumers[i] = factory.create(i);
            if (consumers[i] == null) {
                throw new CaptureException("consumer factory returned null for thread " + i);
            }
        }
        beforeStart();
        running = true;
        started = true;
        workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            final int idx = i;
            final PacketConsumer consumer = consumers[i];
            workers[i] = Thread.ofPlatform().name("capture-" + i).daemon(true).unstarted(() -> body(idx, consumer));
        }
        for (Thread t : workers) {
            t.start();
        }
    }

    private void body(int index, PacketConsumer consumer) {
        PacketBatch batch = new PacketBatch(index, batchCapacity());
        try {
            runThread(index, consumer, batch);
        } catch (CaptureException e) {
            failure.compareAndSet(null, e);
            counters[index].errors++;
        } catch (Exception | Error e) {
            failure.compareAndSet(null, new CaptureException(uri + ": capture thread " + index + " failed: " + e, e));
            counters[index].errors++;
        } finally {
            try {
                consumer.onEnd();
            } catch (RuntimeException e) {
                counters[index].errors++;
            }
        }
    }

    @Override
    public final boolean awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread[] ws;
        synchronized (this) {
            ws = workers;
        }
        for (Thread t : ws) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        CaptureException f = failure.get();
        if (f != null) {
            throw f;
        }
        return true;
    }

    @Override
    public final void stop() {
        running = false;
        wakeup();
        Thread[] ws;
        synchronized (this) {
            ws = workers;
        }
        long deadline = System.nanoTime() + STOP_WAIT_NANOS;
        boolean interrupted = false;
        for (Thread t : ws) {
            if (t == Thread.currentThread()) {
                continue;
            }
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public CaptureStats stats() {
        long p = 0, b = 0, t = 0, e = 0;
        for (ThreadCounters c : counters) {
            p += c.packets;
            b += c.bytes;
            t += c.truncated;
            e += c.errors;
        }
        return new CaptureStats(p, b, socketDrops(), interfaceDrops(), backlogDrops(), t, e);
    }

    @Override
    public final Optional<CaptureException> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stop();
        for (Thread t : workers) {
            if (t.isAlive()) {
                // a thread still blocked in native code keeps its resources; releasing them under it is unsafe
                return;
            }
        }
        release();
    }

    /** Per-thread counters: written by one capture thread per batch, read by anyone. */
    private static final class ThreadCounters {
        volatile long packets;
        volatile long bytes;
        volatile long truncated;
        volatile long errors;

        void add(int n, long b, int t) {
            packets += n;
            bytes += b;
            if (t != 0) {
                truncated += t;
            }
        }
    }
}
