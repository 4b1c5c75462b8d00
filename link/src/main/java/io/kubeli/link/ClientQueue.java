package io.kubeli.link;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The link client's records until the mediator acknowledges them: link numbering, a bounded memory queue (a ring,
 * oldest at head) and, once it is full or the link is away, the disk spool ("spool mode", staged in batches).
 * Producers {@link #offer}; the sender takes unsent records, reports acknowledgements and waits here for work.
 * Every method takes the one lock; what it guards is private to this class.
 */
final class ClientQueue {
    private static final Logger LOG = Logger.getLogger(LinkClient.class.getName()); // log lines keep their logger
    private static final int STAGE_RECORDS = 512;
    private static final long PACE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LinkClientConfig cfg;
    private final Spool spool;
    private final SequenceJournal journal;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LinkRecord[] ring;
    private final long[] seqs;
    private int head;
    private int count;
    /** Records of the ring (from head) already sent on the current connection. */
    private int ringSent;
    /** Spool mode: the ring is not appended to; new records go to the spool until it is fully acknowledged. */
    private volatile boolean spoolMode;
    /** Spool-bound records not yet appended (newer than everything in the spool); written in batches. */
    private final List<Spool.Item> stage = new ArrayList<>();

    private long stagedBytes;
    private long nextSeq;
    private volatile long ackedSeq = -1;
    private boolean closing;
    private long offered;
    private long spooled;
    private long lost;
    private long lastLostLog;
    /** Wait for room in the memory queue while connected instead of spooling (sources that can wait: files). */
    private volatile boolean paced;
    /** The sender has a working connection (a paced offer waits for room only then). */
    private volatile boolean connected;

    private final LongAdder acked = new LongAdder();

    /** A queue numbering from {@code nextSeq}; {@code spoolMode} when the spool holds unacknowledged records. */
    ClientQueue(LinkClientConfig cfg, Spool spool, SequenceJournal journal, long nextSeq, boolean spoolMode) {
        this.cfg = cfg;
        this.spool = spool;
        this.journal = journal;
        this.ring = new LinkRecord[cfg.queueCapacity()];
        this.seqs = new long[cfg.queueCapacity()];
        this.nextSeq = nextSeq;
        this.spoolMode = spoolMode;
    }

    /** At start, before any offer: a record saved by the previous run, in order (the spool takes what does not fit). */
    void restore(Spool.Item i) throws IOException {
        if (count < ring.length) {
            ringAdd(i.seq(), i.record());
        } else {
            spool.log.appendAll(List.of(i), Spool.ENCODER); // cannot happen unless the capacity shrank; keep order
        }
    }

    void pace(boolean on) {
        paced = on;
    }

    boolean offer(LinkRecord record) {
        lock.lock();
        try {
            return offerLocked(record);
        } finally {
            lock.unlock();
        }
    }

    int offerAll(LinkRecord[] records, int n) {
        lock.lock();
        try {
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (offerLocked(records[i])) {
                    kept++;
                }
            }
            return kept;
        } finally {
            lock.unlock();
        }
    }

    private boolean offerLocked(LinkRecord record) {
        offered++;
        if (closing) {
            return lose("client closed");
        }
        if (paced && !spoolMode && count >= ring.length) {
            awaitRoom();
        }
        if (!spoolMode && count < ring.length) {
            long seq = assignSeq();
            if (seq < 0) {
                return lose("link sequence reservation failed");
            }
            ringAdd(seq, record);
            int unsent = count - ringSent;
            if (unsent == 1 || unsent == cfg.batchSize()) {
                changed.signalAll();
            }
            return true;
        }
        spoolMode = true;
        long seq = nextSeq;
        Spool.Item item = new Spool.Item(seq, record);
        int bytes = Spool.ENCODER.size(item) + SegmentLog.RECORD_HEADER;
        // room is checked now (staged bytes included, one segment header of slack) so a staged record always fits
        if (spool.log.sizeBytes() + stagedBytes + bytes + 2L * SegmentLog.SEGMENT_HEADER > cfg.spoolMaxBytes()) {
            return lose("spool full");
        }
        try {
            spool.reserve(seq);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "link client " + cfg.collectorId() + ": cannot persist link sequence", e);
            return lose("link sequence reservation failed");
        }
        stage.add(item);
        stagedBytes += bytes;
        nextSeq = seq + 1;
        spooled++;
        if (stage.size() >= STAGE_RECORDS) {
            flushStageLocked();
        }
        return true;
    }

    /** Writes staged spool records to the spool log (the sender, when it finds nothing durable to read). */
    void flushStage() {
        lock.lock();
        try {
            flushStageLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under lock: writes staged spool records to the spool log in one append, covered by the journal first. What
     * cannot be written (disk full, I/O error) is counted as lost and logged; its link sequences are handed out
     * again (the staged records are the newest), so the link stays contiguous.
     */
    private void flushStageLocked() {
        if (stage.isEmpty()) {
            return;
        }
        long before = spool.log.nextIndex();
        long first = stage.get(0).seq();
        long last = stage.get(stage.size() - 1).seq();
        try {
            List<LinkRecord> recs = new ArrayList<>(stage.size());
            for (Spool.Item i : stage) {
                recs.add(i.record());
            }
            journal.cover(recs, 0, recs.size(), first, last, false);
            spool.log.appendAll(stage, Spool.ENCODER);
        } catch (IOException | RuntimeException e) {
            long kept = Math.max(0, Math.min(stage.size(), spool.log.nextIndex() - before));
            long failed = stage.size() - kept;
            lost += failed;
            spooled -= failed;
            if (nextSeq == last + 1) {
                nextSeq -= failed; // reuse the numbers of the records that never reached the disk
            }
            LOG.warning("link client " + cfg.collectorId() + ": spool write failed (" + e.getMessage() + "), " + failed
                    + " records lost at capture, " + lost + " lost so far");
        }
        stage.clear();
        stagedBytes = 0;
        changed.signalAll();
    }

    // under lock: acknowledgements free room and signal; a lost connection or closing ends the wait (then: spool)
    private void awaitRoom() {
        long left = PACE_WAIT_NANOS;
        try {
            while (count >= ring.length && connected && !closing && !spoolMode && left > 0) {
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long assignSeq() {
        long seq = nextSeq;
        try {
            spool.reserve(seq);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "link client " + cfg.collectorId() + ": cannot persist link sequence", e);
            return -1;
        }
        nextSeq = seq + 1;
        return seq;
    }

    private boolean lose(String why) {
        lost++;
        long now = System.nanoTime();
        if (now - lastLostLog > TimeUnit.SECONDS.toNanos(10)) {
            lastLostLog = now;
            LOG.warning("link client " + cfg.collectorId() + ": record lost (" + why + "), " + lost + " lost so far");
        }
        return false;
    }

    private void ringAdd(long seq, LinkRecord r) {
        int i = (head + count) % ring.length;
        ring[i] = r;
        seqs[i] = seq;
        count++;
    }

    private LinkRecord ringAt(int k) {
        return ring[(head + k) % ring.length];
    }

    private long seqAt(int k) {
        return seqs[(head + k) % ring.length];
    }

    /** The link sequences a HELLO announces: {firstUnacked, nextSeq}; {@code spoolFirst} = the spool's oldest or -1. */
    long[] helloRange(long spoolFirst) {
        lock.lock();
        try {
            // the oldest record this client will send: batches of this connection start there, contiguous (C2)
            long firstUnacked = count > 0 ? seqAt(0) : nextSeq;
            if (spoolFirst >= 0 && spoolMode) {
                firstUnacked = Math.min(firstUnacked, spoolFirst);
            }
            return new long[] {firstUnacked, nextSeq};
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new connection: when the mediator stored beyond this client's numbering (spool directory lost, duplicate
     * collector id), shifts queued records and numbering above it; everything in the ring is unsent again.
     */
    void connected(long highestStored) throws IOException {
        lock.lock();
        try {
            if (highestStored >= nextSeq) {
                long lowest = count > 0 ? seqAt(0) : nextSeq;
                long shift = highestStored + 1 - lowest;
                LOG.warning("link client " + cfg.collectorId() + ": the mediator already stored link sequence "
                        + highestStored
                        + " beyond this collector's " + (nextSeq - 1)
                        + " (spool directory lost, or a duplicate collector id?);"
                        + " renumbering queued records by " + shift);
                for (int k = 0; k < count; k++) {
                    seqs[(head + k) % ring.length] += shift;
                }
                nextSeq += shift;
                spool.reserve(nextSeq);
            }
            ringSent = 0;
            connected = true;
        } finally {
            lock.unlock();
        }
    }

    /** The connection ended (a paced offer no longer waits for room). */
    void disconnected() {
        connected = false;
    }

    boolean isConnected() {
        return connected;
    }

    /** Called with the highest link sequence the mediator stored: releases acknowledged queue records. */
    void onAck(long highest) {
        lock.lock();
        try {
            if (highest <= ackedSeq) {
                return;
            }
            ackedSeq = highest;
            int popped = 0;
            while (count > 0 && seqs[head] <= highest) {
                ring[head] = null;
                head = (head + 1) % ring.length;
                count--;
                popped++;
            }
            ringSent = Math.max(0, ringSent - popped);
            acked.add(popped);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The highest link sequence acknowledged so far (-1 before any). */
    long ackedSeq() {
        return ackedSeq;
    }

    /** Counts records acknowledged from the spool (the sender commits them there). */
    void countAcked(int n) {
        acked.add(n);
    }

    /**
     * Takes up to batchSize unsent ring records with contiguous sequences into {@code batch} (lingering for a fuller
     * batch); returns the first one's sequence, or -1 when nothing is unsent.
     */
    long takeUnsent(List<LinkRecord> batch) throws InterruptedException {
        lock.lock();
        try {
            if (ringSent >= count) {
                return -1;
            }
            if (count - ringSent < cfg.batchSize() && !cfg.linger().isZero() && !spoolMode) {
                changed.awaitNanos(cfg.linger().toNanos());
                if (ringSent >= count) {
                    return -1;
                }
            }
            long first = seqAt(ringSent);
            long expect = first;
            // only references are taken under the lock; sizes are computed (and frames split) outside it
            while (ringSent < count && batch.size() < cfg.batchSize() && seqAt(ringSent) == expect) {
                batch.add(ringAt(ringSent));
                ringSent++;
                expect++;
            }
            return first;
        } finally {
            lock.unlock();
        }
    }

    /** Spool mode (the sender reads records from the spool). */
    boolean spoolMode() {
        return spoolMode;
    }

    /** True while spool-bound records wait to be appended (under the sender's check for spool work). */
    private boolean staged() {
        return !stage.isEmpty();
    }

    /**
     * Sender, with nothing in flight from the spool: ends spool mode once the ring is empty, nothing is staged and
     * the spool is fully acknowledged (new records go to the memory queue again).
     */
    void leaveSpoolModeIfDrained() {
        if (!spoolMode) {
            return; // only this thread's check below ends it; offers may start it at any time
        }
        lock.lock();
        try {
            if (spoolMode && count == 0 && stage.isEmpty() && spool.reader.committed() >= spool.log.nextIndex()) {
                spoolMode = false;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sender: waits (up to {@code maxNanos}, 5 ms in spool mode) for unsent records or spool work, unless there is
     * some already or {@code stop} says so.
     */
    void awaitWork(long maxNanos, boolean spoolIdle, BooleanSupplier stop) throws InterruptedException {
        lock.lock();
        try {
            boolean spoolUnread = spoolMode && spoolIdle && (spool.reader.available() > 0 || staged());
            if (ringSent >= count && !stop.getAsBoolean() && !spoolUnread) {
                changed.awaitNanos(Math.min(maxNanos, TimeUnit.MILLISECONDS.toNanos(spoolMode ? 5 : 200)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} unless {@code stop} says so (the sender's reconnect backoff); wakes on any change. */
    void sleep(long nanos, BooleanSupplier stop) {
        lock.lock();
        try {
            long n = nanos;
            while (n > 0 && !stop.getAsBoolean()) {
                n = changed.awaitNanos(n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter (new acknowledgements, a lost connection, stop). */
    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every record offered so far is acknowledged (or lost); false on timeout or once {@code gone}. */
    boolean flush(Duration timeout, BooleanSupplier gone) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            // records leave the queue only when acknowledged; spool mode ends only when the spool is fully acknowledged
            while (count > 0 || spoolMode) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || gone.getAsBoolean()) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting records (each later offer is counted as lost). */
    void close() {
        lock.lock();
        try {
            closing = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * After the sender stopped: appends staged records to the spool and saves the unacknowledged ring (covered by the
     * journal) and the next link sequence, so the next start resends them.
     */
    void save() throws IOException {
        lock.lock();
        try {
            flushStageLocked();
            List<Spool.Item> rest = new ArrayList<>(count);
            List<LinkRecord> recs = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                rest.add(new Spool.Item(seqAt(k), ringAt(k)));
                recs.add(ringAt(k));
            }
            if (!rest.isEmpty()) {
                journal.cover(
                        recs,
                        0,
                        recs.size(),
                        rest.get(0).seq(),
                        rest.get(rest.size() - 1).seq(),
                        false);
            }
            spool.saveQueue(rest);
            journal.sync();
            spool.saveNext(nextSeq);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Counters for {@link LinkClientStats}, taken under the lock: offered, spooled, lost, depth, acked, nextSeq. */
    long[] counters() {
        lock.lock();
        try {
            return new long[] {offered, spooled, lost, count, acked.sum(), ackedSeq, nextSeq, spool.log.sizeBytes()};
        } finally {
            lock.unlock();
        }
    }
}
