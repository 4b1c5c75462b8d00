package io.kubeli.link;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The link client's connection loop: connect with backoff, HELLO, send batches, read ACKs, resend on reconnect.
 * It owns the connection, what is in flight from the spool and the link counters; records come from (and
 * acknowledgements go to) the {@link ClientQueue}, and each batch is covered by the {@link SequenceJournal} before
 * it leaves.
 */
final class ClientSender {
    private static final Logger LOG = Logger.getLogger(ClientSender.class.getName());

    /** A batch sent from the spool: committed in the spool once its last sequence is acknowledged. */
    private record SpoolBatch(long lastSeq, long endIndex, int count) {}

    /** Link sequences are below 2^62 (C2). */
    private static final long MAX_SEQ = 1L << 62;

    private final LinkClientConfig cfg;
    private final ClientQueue queue;
    private final Spool spool;
    private final SequenceJournal journal;
    private final CrashAccount crash;
    private final SSLContext ssl;
    private final LongAdder sent = new LongAdder();
    private final LongAdder resent = new LongAdder();
    /** Frames from the mediator that broke the protocol (e.g. an acknowledgement beyond what was sent). */
    private final LongAdder protocolErrors = new LongAdder();

    private volatile long reconnects;
    /** Ends the sender's waits: stopped, or the connection broke (one object, not one per wait). */
    private final java.util.function.BooleanSupplier halted = () -> this.stopped || this.broken;

    private volatile Socket socket;
    private volatile boolean stopped;
    private volatile boolean broken;
    private volatile long lastWrite;
    private final ArrayDeque<SpoolBatch> spoolInflight = new ArrayDeque<>();
    private Spool.Item pendingSpool;
    private long pendingSpoolEnd;
    private long highestSent = -1;
    private boolean everConnected;
    private ByteBuffer out = ByteBuffer.allocate(256 * 1024);
    private final List<LinkRecord> batch = new ArrayList<>();

    ClientSender(LinkClientConfig cfg, ClientQueue queue, Spool spool, SequenceJournal journal, CrashAccount crash)
            throws IOException {
        this.cfg = cfg;
        this.queue = queue;
        this.spool = spool;
        this.journal = journal;
        this.crash = crash;
        this.ssl = cfg.tls().enabled() ? Tls.context(cfg.tls()) : null;
    }

    /** Records written to the link (resent ones included). */
    long sent() {
        return sent.sum();
    }

    /** Records sent again after a reconnect. */
    long resent() {
        return resent.sum();
    }

    /** Connections after the first. */
    long reconnects() {
        return reconnects;
    }

    /** Connections closed because the mediator broke the protocol. */
    long protocolErrors() {
        return protocolErrors.sum();
    }

    void stop() {
        stopped = true;
        closeSocket();
        queue.signal();
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    void run() {
        long backoff = cfg.reconnectMin().toNanos();
        while (!stopped) {
            try {
                connect();
                backoff = cfg.reconnectMin().toNanos();
                sendLoop();
            } catch (IOException | RuntimeException e) {
                if (e instanceof FrameException) {
                    protocolErrors.increment();
                }
                if (!stopped) {
                    LOG.log(
                            Level.WARNING,
                            "link client " + cfg.collectorId() + " to " + cfg.host() + ":" + cfg.port() + ": "
                                    + e.getMessage() + "; reconnecting");
                }
            } catch (InterruptedException e) {
                break;
            } finally {
                queue.disconnected();
                closeSocket();
            }
            if (stopped) {
                break;
            }
            long jitter = ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
            queue.sleep(backoff + jitter, () -> stopped);
            backoff = Math.min(backoff * 2, cfg.reconnectMax().toNanos());
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        socket = s;
        if (stopped) {
            throw new IOException("stopped");
        }
        s.setTcpNoDelay(true);
        // no explicit socket buffer sizes: they would disable Linux autotuning (and be clamped to rmem_max/wmem_max)
        int timeout = (int) cfg.connectTimeout().toMillis();
        s.connect(new InetSocketAddress(cfg.host(), cfg.port()), timeout);
        if (ssl != null) {
            SSLSocket t = (SSLSocket) ssl.getSocketFactory().createSocket(s, cfg.host(), cfg.port(), true);
            SSLParameters p = t.getSSLParameters();
            p.setProtocols(Tls.PROTOCOLS);
            if (cfg.tls().verifyHostname()) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            t.setSSLParameters(p);
            t.setUseClientMode(true);
            socket = t;
            s = t;
            s.setSoTimeout(timeout);
            t.startHandshake();
        }
        s.setSoTimeout((int) cfg.idleTimeout().toMillis());
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
        OutputStream os = s.getOutputStream();
        long[] range = queue.helloRange(spool.firstUnackedSeq()); // the spool reader is this thread's
        long firstUnacked = range[0];
        long next = range[1];
        os.write(Frames.hello(LinkProtocol.VERSION, cfg.collectorId(), firstUnacked, next));
        os.flush();
        Frames.Reader reader = new Frames.Reader(in, cfg.maxFrameBytes() + 1024);
        Frames.Frame f = reader.read();
        if (f instanceof Frames.Reject r) {
            throw new IOException("mediator rejected the link (code " + r.code() + "): " + r.reason());
        }
        if (!(f instanceof Frames.Ack a)) {
            throw new FrameException("expected ACK after HELLO, got frame type " + reader.lastType());
        }
        long h = a.highestStored();
        if (h < -1 || h >= MAX_SEQ) {
            throw new FrameException("mediator acknowledged an impossible link sequence " + h);
        }
        if (h >= firstUnacked && h < next && h > journal.sentLink()) {
            // it would release records this client holds but never sent: believe nothing, drop nothing
            throw new FrameException("mediator acknowledged link sequence " + h + " beyond the records sent ("
                    + journal.sentLink() + ")");
        }
        crash.account(h);
        if (everConnected) {
            reconnects++;
        }
        everConnected = true;
        broken = false;
        queue.connected(h);
        queue.onAck(h);
        spoolInflight.clear();
        pendingSpool = null;
        spool.reader.rewind();
        LOG.info("link client " + cfg.collectorId() + " connected to " + cfg.host() + ":" + cfg.port()
                + (ssl != null ? " (mTLS)" : " (plain TCP)") + ", mediator stored up to " + a.highestStored());
        Socket conn = s;
        Thread.ofVirtual().name("link-client-acks-" + cfg.collectorId()).start(() -> readAcks(conn, reader));
    }

    private void readAcks(Socket s, Frames.Reader reader) {
        try {
            while (!stopped && socket == s) {
                Frames.Frame f = reader.read();
                switch (f) {
                    case Frames.Ack a -> {
                        if (a.highestStored() > journal.sentLink()) {
                            // trust an acknowledgement only for what was sent: nothing leaves the queue or spool
                            throw new FrameException("mediator acknowledged link sequence " + a.highestStored()
                                    + " beyond the highest sent " + journal.sentLink());
                        }
                        queue.onAck(a.highestStored()); // it wakes the sender
                    }
                    case Frames.Heartbeat h -> {}
                    case Frames.Reject r ->
                        throw new IOException("mediator closed the link (code " + r.code() + "): " + r.reason());
                    default ->
                        throw new FrameException("unexpected frame type " + reader.lastType() + " from mediator");
                }
            }
        } catch (FrameException e) {
            if (!stopped && socket == s) {
                protocolErrors.increment();
                LOG.warning(
                        "link client " + cfg.collectorId() + ": protocol error, closing the link: " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (!stopped && socket == s) {
                LOG.warning("link client " + cfg.collectorId() + ": link lost: " + e.getMessage());
            }
        } finally {
            if (socket == s) {
                broken = true;
                closeSocket();
                queue.signal();
            }
        }
    }

    private void sendLoop() throws IOException, InterruptedException {
        OutputStream os = socket.getOutputStream();
        lastWrite = System.nanoTime();
        long hb = cfg.heartbeatInterval().toNanos();
        while (!stopped && !broken) {
            applySpoolAcks();
            long first = takeFromRing();
            if (first < 0) {
                first = takeFromSpool();
            }
            if (first >= 0) {
                writeBatch(os, first);
                continue;
            }
            long idle = System.nanoTime() - lastWrite;
            if (idle >= hb) {
                os.write(Frames.heartbeat());
                lastWrite = System.nanoTime();
                continue;
            }
            queue.awaitWork(hb - idle, pendingSpool == null, halted);
        }
        if (broken && !stopped) {
            throw new IOException("connection lost");
        }
    }

    /** Takes up to batchSize unsent ring records with contiguous sequences into {@link #batch}; returns first seq or -1. */
    private long takeFromRing() throws InterruptedException {
        batch.clear();
        return queue.takeUnsent(batch);
    }

    /** Reads up to batchSize unsent spool records with contiguous sequences into {@link #batch}; first seq or -1. */
    private long takeFromSpool() throws IOException {
        if (!queue.spoolMode()) {
            return -1;
        }
        batch.clear();
        LogReader r = spool.reader;
        long first = -1;
        long lastSeq = -1;
        int bytes = 0;
        long batchEnd = -1;
        long acked = queue.ackedSeq();
        while (batch.size() < cfg.batchSize()) {
            Spool.Item item = pendingSpool;
            long end = pendingSpoolEnd;
            if (item == null) {
                LogEntry e = r.next();
                if (e == null) {
                    queue.flushStage(); // nothing durable to read: push staged records towards the spool
                    break;
                }
                item = Spool.decode(e);
                end = e.index() + 1;
            }
            pendingSpool = null;
            if (item.seq() <= acked) {
                spoolInflight.add(new SpoolBatch(item.seq(), end, 1)); // already stored by the mediator
                continue;
            }
            int sz = item.record().encodedSize();
            if (!batch.isEmpty() && (item.seq() != lastSeq + 1 || bytes + sz + 12 > cfg.maxFrameBytes())) {
                pendingSpool = item;
                pendingSpoolEnd = end;
                break;
            }
            if (first < 0) {
                first = item.seq();
            }
            batch.add(item.record());
            bytes += sz;
            lastSeq = item.seq();
            batchEnd = end;
        }
        if (batch.isEmpty()) {
            return -1;
        }
        spoolInflight.add(new SpoolBatch(lastSeq, batchEnd, batch.size()));
        return first;
    }

    /** Appends one BATCH frame of batch[from, to) to the output buffer. */
    private void frame(long firstSeq, int from, int to, int recordBytes) {
        int need = Frames.batchFrameSize(to - from, recordBytes);
        if (out.remaining() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + need));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        Frames.writeBatch(out, firstSeq, batch, from, to);
    }

    private void applySpoolAcks() {
        long acked = queue.ackedSeq();
        long commitTo = -1;
        int n = 0;
        while (!spoolInflight.isEmpty() && spoolInflight.peekFirst().lastSeq() <= acked) {
            SpoolBatch b = spoolInflight.pollFirst();
            commitTo = b.endIndex();
            n += b.count();
        }
        if (commitTo >= 0) {
            spool.reader.commit(commitTo);
            queue.countAcked(n);
        }
        if (spoolInflight.isEmpty() && pendingSpool == null) {
            queue.leaveSpoolModeIfDrained();
        }
    }

    private void writeBatch(OutputStream os, long first) throws IOException {
        out.clear();
        int from = 0;
        int bytes = 0;
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            int sz = batch.get(i).encodedSize();
            if (i > from && bytes + sz + 12 > cfg.maxFrameBytes()) {
                frame(first + from, from, i, bytes);
                from = i;
                bytes = 0;
            }
            bytes += sz;
        }
        frame(first + from, from, n, bytes);
        // cover the batch before it leaves: after a crash its numbers are never handed out again
        journal.cover(batch, 0, n, first, first + n - 1, true);
        os.write(out.array(), 0, out.position());
        lastWrite = System.nanoTime();
        sent.add(n);
        long last = first + n - 1;
        if (first <= highestSent) {
            resent.add(Math.min(n, highestSent - first + 1));
        }
        highestSent = Math.max(highestSent, last);
    }
}
