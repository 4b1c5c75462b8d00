package io.kubeli.link;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Collector side of the link: a bounded memory queue, then a disk spool, sent in batches to the mediator over
 * (m)TLS or plain TCP; records stay until the mediator acknowledges them as durably stored and are resent after any
 * reconnect or restart. Before records leave memory (socket or spool) a {@link SequenceJournal} covers them, so a
 * restart after a crash continues link and ETSI numbering right after the last number that may have left the
 * process ({@link #resumeSequence}), and counts the covered records that were neither stored nor spooled
 * ({@link LinkClientStats#lostInCrash()}). An acknowledgement beyond what was sent is a protocol error.
 */
public final class LinkClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LinkClient.class.getName());
    private static final AtomicInteger IDS = new AtomicInteger();

    final LinkClientConfig cfg;
    final Spool spool;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    // memory queue (ring), guarded by lock: records and their link sequences, oldest at head
    private final LinkRecord[] ring;
    private final long[] seqs;
    private int head;
    int count;
    /** Records of the ring (from head) already sent on the current connection. */
    int ringSent;
    /** Spool mode: the ring is not appended to; new records go to the spool until it is fully acknowledged. */
    boolean spoolMode;
    /** Spool-bound records not yet appended (newer than everything in the spool); written in batches. */
    final List<Spool.Item> stage = new ArrayList<>();
    private long stagedBytes;
    private static final int STAGE_RECORDS = 512;
    long nextSeq;
    volatile long ackedSeq = -1;
    boolean closing;
    private volatile boolean closed;
    long offered;
    long spooled;
    long lost;
    volatile long lostInCrash;
    final SequenceJournal journal;
    /** Durable records found at start, until the first HELLO answer accounts for a crash (sender thread). */
    Spool.Durable durableAtStart;
    /** The journal's highest and lowest covered link sequence at start (before this process covered any). */
    final long coveredAtStart;
    final long firstAtStart;
    final java.util.concurrent.atomic.LongAdder sent = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder acked = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder resent = new java.util.concurrent.atomic.LongAdder();
    volatile long reconnects;
    /** Frames from the mediator that broke the protocol (e.g. an acknowledgement beyond what was sent). */
    final java.util.concurrent.atomic.LongAdder protocolErrors = new java.util.concurrent.atomic.LongAdder();
    volatile boolean connected;
    private long lastLostLog;
    /** Wait for room in the memory queue while connected instead of spooling (sources that can wait: files). */
    private volatile boolean paced;
    private static final long PACE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final ClientSender sender;
    private final Thread senderThread;

    private LinkClient(LinkClientConfig cfg) throws IOException {
        this.cfg = cfg;
        this.ring = new LinkRecord[cfg.queueCapacity()];
        this.seqs = new long[cfg.queueCapacity()];
        this.spool = new Spool(cfg);
        try {
            this.journal = SequenceJournal.open(cfg.spoolDir());
        } catch (IOException e) {
            spool.close();
            throw e;
        }
        boolean numbered = journal.hasState();
        List<Spool.Item> saved = spool.loadQueue();
        Spool.Durable durable = new Spool.Durable();
        for (Spool.Item i : saved) {
            journal.merge(i.record(), i.seq());
            durable.add(i.seq());
        }
        long spooledAtStart = 0;
        for (LogEntry e; (e = spool.reader.next()) != null; ) {
            Spool.Item i = Spool.decode(e);
            journal.merge(i.record(), i.seq());
            durable.add(i.seq());
            spooledAtStart++;
        }
        spool.reader.rewind();
        // a previous run (or an older version) may have sent any record found here; its sent mark may lag (it is
        // written when possible while a full disk drains): acknowledgements up to them are plausible
        journal.assumeSent(durable.max());
        this.durableAtStart = durable;
        this.coveredAtStart = journal.coveredLink();
        this.firstAtStart = journal.firstLink();
        // with a journal, numbering continues right after the last link sequence that may have left this process
        // (the mediator can hold nothing above it); without one, after the persisted reservation (older spools)
        this.nextSeq = numbered || durable.max() >= 0 ? Math.max(journal.coveredLink(), durable.max()) + 1
                : spool.startSeq();
        for (Spool.Item i : saved) {
            if (count < ring.length) {
                ringAdd(i.seq(), i.record());
            } else {
                spool.log.appendAll(List.of(i), Spool.ENCODER); // cannot happen unless the capacity shrank; keep order
            }
        }
        spoolMode = spool.reader.committed() < spool.log.nextIndex();
        if (!saved.isEmpty() || spoolMode) {
            LOG.info("link client " + cfg.collectorId() + ": resuming with " + saved.size() + " saved queue records and "
                    + spooledAtStart + " spooled records");
        }
        spool.reserve(nextSeq);
        this.sender = new ClientSender(this);
        this.senderThread = Thread.ofPlatform().name("link-client-" + IDS.getAndIncrement()).daemon().start(sender::run);
    }

    /**
     * The ETSI sequence number a stream continues with after a restart: one above the highest that may have left
     * the previous process (sent or spooled), 0 for a new stream. Numbers of records that died in memory are reused.
     */
    public long resumeSequence(String interceptName, String liid, long cin, StreamType stream) {
        return journal.highest(interceptName, liid, cin, stream) + 1;
    }

    /** Starts a client; it connects (and reconnects) in the background. */
    public static LinkClient start(LinkClientConfig cfg) throws IOException {
        return new LinkClient(cfg);
    }

    /**
     * With {@code on}, {@link #offer} waits (up to 1 s at a time) for room in the memory queue while the link is
     * connected, instead of writing the record to the disk spool: for sources that can wait (capture files), where
     * spooling only adds a disk round trip per record. Without a connection records still go to the spool at once.
     */
    public void pace(boolean on) {
        paced = on;
    }

    /**
     * Offers a record: into the memory queue, or to the disk spool when the queue is full. Does not block unless
     * {@link #pace paced}. Returns false only when the record could not be kept (spool full or client closed); that
     * loss is counted in {@link LinkClientStats#lost()}.
     */
    public boolean offer(LinkRecord record) {
        lock.lock();
        try {
            return offerLocked(record);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Offers {@code records[0, n)} in order as {@link #offer} would, under one lock acquisition (a burst of an
     * encoder); returns how many were kept (the rest are counted in {@link LinkClientStats#lost()}).
     */
    public int offerAll(LinkRecord[] records, int n) {
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
            flushStage();
        }
        return true;
    }

    /**
     * Under lock: writes staged spool records to the spool log in one append, covered by the journal first. What
     * cannot be written (disk full, I/O error) is counted as lost and logged; its link sequences are handed out
     * again (the staged records are the newest), so the link stays contiguous.
     */
    void flushStage() {
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
            LOG.warning("link client " + cfg.collectorId() + ": spool write failed (" + e.getMessage() + "), "
                    + failed + " records lost at capture, " + lost + " lost so far");
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

    /** Under lock: ring record at offset {@code k} from head. */
    LinkRecord ringAt(int k) {
        return ring[(head + k) % ring.length];
    }

    /** Under lock: link sequence of the ring record at offset {@code k}. */
    long seqAt(int k) {
        return seqs[(head + k) % ring.length];
    }

    /** Under lock: adds {@code shift} to every queued sequence and to nextSeq (mediator knows more than we do). */
    void renumber(long shift) throws IOException {
        for (int k = 0; k < count; k++) {
            seqs[(head + k) % ring.length] += shift;
        }
        nextSeq += shift;
        spool.reserve(nextSeq);
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

    /** Waits until every record offered so far is acknowledged (or lost); false on timeout. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            // records leave the queue only when acknowledged; spool mode ends only when the spool is fully acknowledged
            while (count > 0 || spoolMode) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Counters snapshot. */
    public LinkClientStats stats() {
        lock.lock();
        try {
            return new LinkClientStats(offered, sent.sum(), acked.sum(), spooled, lost, count, spool.log.sizeBytes(),
                    reconnects, resent.sum(), connected, ackedSeq, nextSeq, lostInCrash);
        } finally {
            lock.unlock();
        }
    }

    /** The configuration. */
    public LinkClientConfig config() {
        return cfg;
    }

    /** Connections closed because the mediator broke the protocol (e.g. acknowledged what was never sent). */
    public long protocolErrors() {
        return protocolErrors.sum();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Stops accepting records, waits up to closeTimeout for acknowledgements, then saves unacknowledged queue records
     * to disk (with the spool) so the next start resends them.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            closing = true;
        } finally {
            lock.unlock();
        }
        try {
            flush(cfg.closeTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        sender.stop();
        try {
            senderThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            flushStage();
            List<Spool.Item> rest = new ArrayList<>(count);
            List<LinkRecord> recs = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                rest.add(new Spool.Item(seqAt(k), ringAt(k)));
                recs.add(ringAt(k));
            }
            if (!rest.isEmpty()) {
                journal.cover(recs, 0, recs.size(), rest.get(0).seq(), rest.get(rest.size() - 1).seq(), false);
            }
            spool.saveQueue(rest);
            journal.sync();
            spool.saveNext(nextSeq);
            changed.signalAll();
        } finally {
            lock.unlock();
            journal.close();
            spool.close();
        }
    }
}
