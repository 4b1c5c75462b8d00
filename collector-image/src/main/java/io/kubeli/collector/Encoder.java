package io.kubeli.collector;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Encoder thread {@code encoder-N}: the single owner of the CC sequence counters of the keys sharded to it
 * (by hash of LIID and CIN). Drains its SPSC rings (one per capture thread) in FIFO order, so records of one
 * flow keep capture order and every key's numbers are contiguous; encodes with the etsi template into one
 * reused buffer and hands the PDU to the sink.
 */
final class Encoder implements Runnable {
    private static final Logger LOG = Logger.getLogger(Encoder.class.getName());
    private static final int BURST = 64;

    private final int index;
    private final CollectorPipeline pipeline;
    private final PduSink sink;
    /** This thread's batch of the sink: committed after every pass over the rings. */
    private final PduSink.Batch batch;

    private static final long QUIET_EXIT_NANOS = 2_000_000_000L;
    /** After work, how long to wait for more before flushing the sink. */
    private static final long FLUSH_AFTER_NANOS = 1_000_000L;
    /** Longest block while idle: a bound (producers wake the thread), not a polling period. */
    private static final long IDLE_PARK_NANOS = 1_000_000_000L;

    private static final long STOP_CHECK_NANOS = 10_000_000L;
    /** This thread's block, shared with the rings it drains (their producers wake it). */
    final Wakeup wakeup = new Wakeup();

    private volatile SpscRing[] rings = new SpscRing[0];
    private byte[] out = new byte[4096];
    volatile long encoded;
    volatile long errors;

    Encoder(int index, CollectorPipeline pipeline, PduSink sink) {
        this.index = index;
        this.pipeline = pipeline;
        this.sink = sink;
        this.batch = sink.batch();
    }

    synchronized void addRing(SpscRing ring) {
        SpscRing[] r = java.util.Arrays.copyOf(rings, rings.length + 1);
        r[r.length - 1] = ring;
        rings = r;
    }

    @Override
    public void run() {
        long quietSince = 0;
        boolean unflushed = false;
        while (true) {
            boolean stopping = pipeline.stopping();
            boolean any = false;
            for (SpscRing ring : rings) {
                int n = 0;
                for (; n < BURST; n++) {
                    SpscRing.Slot s = ring.peek();
                    if (s == null) {
                        break;
                    }
                    encode(s);
                    ring.release();
                }
                if (n > 0) {
                    ring.producer.wake(); // a capture thread may wait for room in this ring
                    any = true;
                }
            }
            if (any) {
                batch.commit(); // before the next pass or a wait: no record sits in the batch while idle
                quietSince = 0;
                unflushed = true;
                continue;
            }
            if (stopping) {
                // all producers ended (their last records were published before onEnd) and the rings are empty;
                // a producer that never reports its end (a source that failed to start) is given 2 s of quiet
                if (pipeline.producersEnded()) {
                    return;
                }
                long now = System.nanoTime();
                if (quietSince == 0) {
                    quietSince = now;
                } else if (now - quietSince > QUIET_EXIT_NANOS) {
                    return;
                }
            }
            // nothing to do: block until a capture thread publishes (it wakes us), not a polling loop
            wakeup.prepare();
            if (anyReady() || !stopping && pipeline.stopping()) {
                wakeup.cancel();
                continue;
            }
            if (unflushed) {
                wakeup.park(FLUSH_AFTER_NANOS);
                if (!anyReady()) {
                    sink.flush(); // quiet for a moment: push what the sink buffers
                    unflushed = false;
                }
            } else {
                wakeup.park(stopping ? STOP_CHECK_NANOS : IDLE_PARK_NANOS);
            }
        }
    }

    private boolean anyReady() {
        for (SpscRing ring : rings) {
            if (ring.peek() != null) {
                return true;
            }
        }
        return false;
    }

    /** Wakes the thread if it waits (capture threads after publishing; the pipeline when stopping). */
    void wake() {
        wakeup.wake();
    }

    /** Times this encoder blocked for lack of work. */
    long parks() {
        return wakeup.parks();
    }

    private void encode(SpscRing.Slot s) {
        TargetEntry e = s.entry;
        KeyState key = e.key();
        try {
            // IPCC, or IPMMCC for a call's media (the SIP binding's template): the same allocation-free path
            int max = e.template().maxEncodedLength(s.length);
            if (out.length < max) {
                out = new byte[Math.max(max, out.length * 2)];
            }
            long seq = key.nextCcSeq;
            int n = e.template().encode(out, 0, seq, s.timestampNanos, s.direction, s.data, 0, s.length);
            key.nextCcSeq = seq + 1;
            key.ccRecords = key.ccRecords + 1; // this process's count (seq continues across restarts)
            batch.write(key, Stream.CC, seq, out, 0, n);
            encoded++;
        } catch (RuntimeException ex) {
            errors++;
            LOG.log(
                    Level.SEVERE,
                    "encoder-" + index + ": cannot encode a record of intercept " + key.interceptName()
                            + " (counted as lost): " + ex.getClass().getSimpleName());
        }
    }

    /** Published positions of every ring now (a mark for {@link #passed}). */
    long[] mark() {
        SpscRing[] r = rings;
        long[] m = new long[r.length];
        for (int i = 0; i < r.length; i++) {
            m[i] = r[i].published();
        }
        return m;
    }

    /** True once every ring of {@code mark} was consumed past it (rings added later held nothing of older keys). */
    boolean passed(long[] mark) {
        SpscRing[] r = rings;
        for (int i = 0; i < mark.length; i++) {
            if (r[i].consumed() < mark[i]) {
                return false;
            }
        }
        return true;
    }

    int backlog() {
        int s = 0;
        for (SpscRing r : rings) {
            s += r.size();
        }
        return s;
    }
}
