package io.kubeli.link;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Collector side of the link: a bounded memory queue, then a disk spool, sent in batches to the mediator over
 * (m)TLS or plain TCP; records stay until the mediator acknowledges them as durably stored and are resent after any
 * reconnect or restart. Before records leave memory (socket or spool) a {@link SequenceJournal} covers them, so a
 * restart after a crash continues link and ETSI numbering right after the last number that may have left the
 * process ({@link #resumeSequence}), and counts the covered records that were neither stored nor spooled
 * ({@link LinkClientStats#lostInCrash()}). An acknowledgement beyond what was sent is a protocol error.
 *
 * <p>This class recovers state at start and owns the lifecycle; {@link ClientQueue} holds and numbers the records,
 * {@link ClientSender} runs the connection.
 */
public final class LinkClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LinkClient.class.getName());
    private static final AtomicInteger IDS = new AtomicInteger();

    private final LinkClientConfig cfg;
    private final Spool spool;
    private final SequenceJournal journal;
    private final ClientQueue queue;
    private final CrashAccount crash;
    private final ClientSender sender;
    private final Thread senderThread;
    private volatile boolean closed;

    private LinkClient(LinkClientConfig cfg) throws IOException {
        this.cfg = cfg;
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
        this.crash = new CrashAccount(cfg.collectorId(), durable, journal.coveredLink(), journal.firstLink());
        // with a journal, numbering continues right after the last link sequence that may have left this process
        // (the mediator can hold nothing above it); without one, after the persisted reservation (older spools)
        long nextSeq =
                numbered || durable.max() >= 0 ? Math.max(journal.coveredLink(), durable.max()) + 1 : spool.startSeq();
        boolean spoolMode = spool.reader.committed() < spool.log.nextIndex();
        this.queue = new ClientQueue(cfg, spool, journal, nextSeq, spoolMode);
        for (Spool.Item i : saved) {
            queue.restore(i);
        }
        if (!saved.isEmpty() || spoolMode) {
            LOG.info("link client " + cfg.collectorId() + ": resuming with " + saved.size()
                    + " saved queue records and " + spooledAtStart + " spooled records");
        }
        spool.reserve(nextSeq);
        this.sender = new ClientSender(cfg, queue, spool, journal, crash);
        this.senderThread = Thread.ofPlatform()
                .name("link-client-" + IDS.getAndIncrement())
                .daemon()
                .start(sender::run);
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
        queue.pace(on);
    }

    /**
     * Offers a record: into the memory queue, or to the disk spool when the queue is full. Does not block unless
     * {@link #pace paced}. Returns false only when the record could not be kept (spool full or client closed); that
     * loss is counted in {@link LinkClientStats#lost()}.
     */
    public boolean offer(LinkRecord record) {
        return queue.offer(record);
    }

    /**
     * Offers {@code records[0, n)} in order as {@link #offer} would, under one lock acquisition (a burst of an
     * encoder); returns how many were kept (the rest are counted in {@link LinkClientStats#lost()}).
     */
    public int offerAll(LinkRecord[] records, int n) {
        return queue.offerAll(records, n);
    }

    /** Waits until every record offered so far is acknowledged (or lost); false on timeout. */
    public boolean flush(Duration timeout) throws InterruptedException {
        return queue.flush(timeout, () -> closed);
    }

    /** Counters snapshot. */
    public LinkClientStats stats() {
        long[] q = queue.counters(); // offered, spooled, lost, depth, acked, ackedSeq, nextSeq, spool bytes
        return new LinkClientStats(
                q[0],
                sender.sent(),
                q[4],
                q[1],
                q[2],
                q[3],
                q[7],
                sender.reconnects(),
                sender.resent(),
                queue.isConnected(),
                q[5],
                q[6],
                crash.lost());
    }

    /** The configuration. */
    public LinkClientConfig config() {
        return cfg;
    }

    /** Connections closed because the mediator broke the protocol (e.g. acknowledged what was never sent). */
    public long protocolErrors() {
        return sender.protocolErrors();
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
        queue.close();
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
        try {
            queue.save();
        } finally {
            journal.close();
            spool.close();
        }
    }
}
