package io.kubeli.collector;

import java.util.concurrent.locks.LockSupport;
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
    private static final long QUIET_EXIT_NANOS = 2_000_000_000L;

    private volatile SpscRing[] rings = new SpscRing[0];
    private byte[] out = new byte[4096];
    volatile long encoded;
    volatile long errors;

    Encoder(int index, CollectorPipeline pipeline, PduSink sink) {
        this.index = index;
        this.pipeline = pipeline;
        this.sink = sink;
    }

    synchronized void addRing(SpscRing ring) {
        SpscRing[] r = java.util.Arrays.copyOf(rings, rings.length + 1);
        r[r.length - 1] = ring;
        rings = r;
    }

    @Override
    public void run() {
        int idle = 0;
        long quietSince = 0;
        while (true) {
            boolean stopping = pipeline.stopping();
            boolean any = false;
            for (SpscRing ring : rings) {
                for (int n = 0; n < BURST; n++) {
                    SpscRing.Slot s = ring.peek();
                    if (s == null) {
                        break;
                    }
                    encode(s);
                    ring.release();
                    any = true;
                }
            }
            if (any) {
                idle = 0;
                quietSince = 0;
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
            if (++idle == 50) {
                sink.flush();
            }
            LockSupport.parkNanos(idle < 50 ? 20_000 : 1_000_000);
        }
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
            sink.write(key, Stream.CC, seq, out, 0, n);
            encoded++;
        } catch (RuntimeException ex) {
            errors++;
            LOG.log(Level.SEVERE, "encoder-" + index + ": cannot encode a record of intercept "
                    + key.interceptName() + " (counted as lost): " + ex.getClass().getSimpleName());
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
