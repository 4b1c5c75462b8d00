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
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** The link client's connection loop: connect with backoff, HELLO, send batches, read ACKs, resend on reconnect. */
final class ClientSender {
    private static final Logger LOG = Logger.getLogger(ClientSender.class.getName());

    /** A batch sent from the spool: committed in the spool once its last sequence is acknowledged. */
    private record SpoolBatch(long lastSeq, long endIndex, int count) {
    }

    /** Link sequences are below 2^62 (C2). */
    private static final long MAX_SEQ = 1L << 62;

    private final LinkClient c;
    private final LinkClientConfig cfg;
    private final SSLContext ssl;
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

    ClientSender(LinkClient c) throws IOException {
        this.c = c;
        this.cfg = c.cfg;
        this.ssl = cfg.tls().enabled() ? Tls.context(cfg.tls()) : null;
    }

    void stop() {
        stopped = true;
        closeSocket();
        c.lock.lock();
        try {
            c.changed.signalAll();
        } finally {
            c.lock.unlock();
        }
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
                    c.protocolErrors.increment();
                }
                if (!stopped) {
                    LOG.log(Level.WARNING, "link client " + cfg.collectorId() + " to " + cfg.host() + ":" + cfg.port()
                            + ": " + e.getMessage() + "; reconnecting");
                }
            } catch (InterruptedException e) {
                break;
            } finally {
                c.connected = false;
                closeSocket();
            }
            if (stopped) {
                break;
            }
            long jitter = ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
            sleep(backoff + jitter);
            backoff = Math.min(backoff * 2, cfg.reconnectMax().toNanos());
        }
    }

    private void sleep(long nanos) {
        c.lock.lock();
        try {
            long n = nanos;
            while (n > 0 && !stopped) {
                n = c.changed.awaitNanos(n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            c.lock.unlock();
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
        long firstUnacked;
        long next;
        long spoolFirst = c.spool.firstUnackedSeq(); // the reader is this thread's
        c.lock.lock();
        try {
            // the oldest record this client will send: batches of this connection start there, contiguous (C2)
            firstUnacked = c.count > 0 ? c.seqAt(0) : c.nextSeq;
            if (spoolFirst >= 0 && c.spoolMode) {
                firstUnacked = Math.min(firstUnacked, spoolFirst);
            }
            next = c.nextSeq;
        } finally {
            c.lock.unlock();
        }
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
        if (h >= firstUnacked && h < next && h > c.journal.sentLink()) {
            // it would release records this client holds but never sent: believe nothing, drop nothing
            throw new FrameException("mediator acknowledged link sequence " + h + " beyond the records sent ("
                    + c.journal.sentLink() + ")");
        }
        accountCrash(h);
        c.lock.lock();
        try {
            if (a.highestStored() >= c.nextSeq) {
                long lowest = c.count > 0 ? c.seqAt(0) : c.nextSeq;
                long shift = a.highestStored() + 1 - lowest;
                LOG.warning("link client " + cfg.collectorId() + ": the mediator already stored link sequence " + a.highestStored()
                        + " beyond this collector's " + (c.nextSeq - 1) + " (spool directory lost, or a duplicate collector id?);"
                        + " renumbering queued records by " + shift);
                c.renumber(shift);
            }
            c.ringSent = 0;
            if (everConnected) {
                c.reconnects++;
            }
            everConnected = true;
            broken = false;
            c.connected = true;
        } finally {
            c.lock.unlock();
        }
        c.onAck(a.highestStored());
        spoolInflight.clear();
        pendingSpool = null;
        c.spool.reader.rewind();
        LOG.info("link client " + cfg.collectorId() + " connected to " + cfg.host() + ":" + cfg.port()
                + (ssl != null ? " (mTLS)" : " (plain TCP)") + ", mediator stored up to " + a.highestStored());
        Socket conn = s;
        Thread.ofVirtual().name("link-client-acks-" + cfg.collectorId()).start(() -> readAcks(conn, reader));
    }

    /**
     * At the first HELLO answer after start: records the previous process covered (sent or being spooled) that the
     * mediator did not store and that are not in the spool were lost in its crash; their ETSI numbers are the only
     * ones the agency sees missing, so they are counted (link numbering is contiguous from the journal's first).
     */
    private void accountCrash(long highestStored) {
        Spool.Durable d = c.durableAtStart;
        if (d == null) {
            return;
        }
        c.durableAtStart = null;
        long from = Math.max(highestStored + 1, c.firstAtStart);
        long to = c.coveredAtStart;
        if (c.firstAtStart < 0 || to < from) {
            return;
        }
        long lost = (to - from + 1) - d.countIn(from, to);
        if (lost > 0) {
            c.lostInCrash += lost;
            LOG.warning("link client " + cfg.collectorId() + ": " + lost + " records of the previous run were lost in"
                    + " its crash (left its memory, neither stored by the mediator nor spooled); counted as lost");
        }
    }

    private void readAcks(Socket s, Frames.Reader reader) {
        try {
            while (!stopped && socket == s) {
                Frames.Frame f = reader.read();
                switch (f) {
                    case Frames.Ack a -> {
                        if (a.highestStored() > c.journal.sentLink()) {
                            // trust an acknowledgement only for what was sent: nothing leaves the queue or spool
                            throw new FrameException("mediator acknowledged link sequence " + a.highestStored()
                                    + " beyond the highest sent " + c.journal.sentLink());
                        }
                        c.onAck(a.highestStored());
                        wake();
                    }
                    case Frames.Heartbeat h -> {
                    }
                    case Frames.Reject r -> throw new IOException("mediator closed the link (code " + r.code() + "): " + r.reason());
                    default -> throw new FrameException("unexpected frame type " + reader.lastType() + " from mediator");
                }
            }
        } catch (FrameException e) {
            if (!stopped && socket == s) {
                c.protocolErrors.increment();
                LOG.warning("link client " + cfg.collectorId() + ": protocol error, closing the link: " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (!stopped && socket == s) {
                LOG.warning("link client " + cfg.collectorId() + ": link lost: " + e.getMessage());
            }
        } finally {
            if (socket == s) {
                broken = true;
                closeSocket();
                wake();
            }
        }
    }

    private void wake() {
        c.lock.lock();
        try {
            c.changed.signalAll();
        } finally {
            c.lock.unlock();
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
            c.lock.lock();
            try {
                if (c.ringSent >= c.count && !stopped && !broken && !spoolUnread()) {
                    c.changed.awaitNanos(Math.min(hb - idle, TimeUnit.MILLISECONDS.toNanos(c.spoolMode ? 5 : 200)));
                }
            } finally {
                c.lock.unlock();
            }
        }
        if (broken && !stopped) {
            throw new IOException("connection lost");
        }
    }

    private boolean spoolUnread() {
        return c.spoolMode && pendingSpool == null && (c.spool.reader.available() > 0 || !c.stage.isEmpty());
    }

    /** Takes up to batchSize unsent ring records with contiguous sequences into {@link #batch}; returns first seq or -1. */
    private long takeFromRing() throws InterruptedException {
        batch.clear();
        c.lock.lock();
        try {
            if (c.ringSent >= c.count) {
                return -1;
            }
            if (c.count - c.ringSent < cfg.batchSize() && !cfg.linger().isZero() && !c.spoolMode) {
                c.changed.awaitNanos(cfg.linger().toNanos());
                if (c.ringSent >= c.count) {
                    return -1;
                }
            }
            long first = c.seqAt(c.ringSent);
            long expect = first;
            // only references are taken under the lock; sizes are computed (and frames split) outside it
            while (c.ringSent < c.count && batch.size() < cfg.batchSize() && c.seqAt(c.ringSent) == expect) {
                batch.add(c.ringAt(c.ringSent));
                c.ringSent++;
                expect++;
            }
            return first;
        } finally {
            c.lock.unlock();
        }
    }

    /** Reads up to batchSize unsent spool records with contiguous sequences into {@link #batch}; first seq or -1. */
    private long takeFromSpool() throws IOException {
        if (!c.spoolMode) {
            return -1;
        }
        batch.clear();
        LogReader r = c.spool.reader;
        long first = -1;
        long lastSeq = -1;
        int bytes = 0;
        long batchEnd = -1;
        long acked = c.ackedSeq;
        while (batch.size() < cfg.batchSize()) {
            Spool.Item item = pendingSpool;
            long end = pendingSpoolEnd;
            if (item == null) {
                LogEntry e = r.next();
                if (e == null) {
                    c.lock.lock();
                    try {
                        c.flushStage(); // nothing durable to read: push staged records towards the spool
                    } finally {
                        c.lock.unlock();
                    }
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
        long acked = c.ackedSeq;
        long commitTo = -1;
        int n = 0;
        while (!spoolInflight.isEmpty() && spoolInflight.peekFirst().lastSeq() <= acked) {
            SpoolBatch b = spoolInflight.pollFirst();
            commitTo = b.endIndex();
            n += b.count();
        }
        if (commitTo >= 0) {
            c.spool.reader.commit(commitTo);
            c.acked.add(n);
        }
        if (c.spoolMode && spoolInflight.isEmpty() && pendingSpool == null) {
            c.lock.lock();
            try {
                if (c.count == 0 && c.stage.isEmpty() && c.spool.reader.committed() >= c.spool.log.nextIndex()) {
                    c.spoolMode = false;
                    c.changed.signalAll();
                }
            } finally {
                c.lock.unlock();
            }
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
        c.journal.cover(batch, 0, n, first, first + n - 1, true);
        os.write(out.array(), 0, out.position());
        lastWrite = System.nanoTime();
        c.sent.add(n);
        long last = first + n - 1;
        if (first <= highestSent) {
            c.resent.add(Math.min(n, highestSent - first + 1));
        }
        highestSent = Math.max(highestSent, last);
    }
}
