package io.kubeli.link;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * One collector connection on the mediator: handshake, HELLO, batches to the sink, ACKs and heartbeats. With TLS the
 * hello's collector id must be one the client certificate's CN authorises; link sequences must be sane (below 2^62)
 * and never jump forward within a connection. Whatever is refused is neither stored nor changes any collector's state.
 */
final class ServerConnection {
    private static final Logger LOG = Logger.getLogger(ServerConnection.class.getName());
    final int id;
    private final LinkServer server;
    private final Socket socket;
    private final String peer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private OutputStream out;
    private volatile String collectorId;
    private volatile boolean closed;
    private volatile long lastWrite = System.nanoTime();
    private final ReentrantLock queueLock = new ReentrantLock();
    private final java.util.concurrent.locks.Condition queueChanged = queueLock.newCondition();
    private final java.util.ArrayDeque<Frames.Batch> queue = new java.util.ArrayDeque<>();
    private int queuedRecords;
    private volatile boolean readerDone;
    private volatile Thread storeThread;
    /** How long a connection whose peer is gone keeps storing the complete batches it already received. */
    static final long DRAIN_MILLIS = 5000;

    private String certCollector; // from the client certificate CN (TLS only)
    private volatile boolean deadlinePassed; // handshakeDeadline closed the socket
    private boolean failing; // store thread: the sink is failing (counted once in server.storeFailing)

    ServerConnection(LinkServer server, Socket socket, int id) {
        this.server = server;
        this.socket = socket;
        this.id = id;
        this.peer = String.valueOf(socket.getRemoteSocketAddress());
    }

    String collectorId() {
        return collectorId;
    }

    void run() {
        LinkServerConfig cfg = server.cfg;
        boolean helloDone = false;
        Thread deadline = Thread.ofVirtual().name("link-server-handshake-" + id).start(this::handshakeDeadline);
        try {
            socket.setSoTimeout((int) cfg.idleTimeout().toMillis());
            socket.setTcpNoDelay(true);
            if (socket instanceof SSLSocket t) {
                try {
                    t.startHandshake();
                    certCollector = certificateCollector(t);
                } catch (IOException e) {
                    if (!deadlinePassed) { // otherwise counted and logged by handshakeDeadline
                        server.refused.increment();
                        LOG.warning("link server: TLS handshake with " + peer + " failed, connection refused: "
                                + e.getMessage());
                    }
                    return;
                }
            }
            out = socket.getOutputStream();
            Frames.Reader reader = new Frames.Reader(
                    new DataInputStream(new BufferedInputStream(socket.getInputStream(), 256 * 1024)),
                    cfg.maxFrameBytes());
            Frames.Frame first = reader.read();
            if (!(first instanceof Frames.Hello h)) {
                server.refused.increment();
                reject(LinkProtocol.REJECT_PROTOCOL, "expected HELLO, got frame type " + reader.lastType());
                return;
            }
            if (h.version() != LinkProtocol.VERSION) {
                server.refused.increment();
                reject(
                        LinkProtocol.REJECT_VERSION,
                        "unsupported protocol version " + h.version() + ", this server speaks " + LinkProtocol.VERSION);
                return;
            }
            if (!h.collectorId().matches("[A-Za-z0-9._:/-]{1,200}")) {
                server.refused.increment();
                reject(LinkProtocol.REJECT_PROTOCOL, "invalid collector id");
                return;
            }
            String denied = identityDenied(h.collectorId());
            if (denied != null) {
                server.refused.increment();
                server.identityRefused.increment();
                reject(LinkProtocol.REJECT_IDENTITY, denied);
                return;
            }
            if (h.firstUnacked() < 0 || h.firstUnacked() > h.nextSeq() || h.nextSeq() > LinkProtocol.MAX_SEQUENCE) {
                server.refused.increment();
                server.sequenceRefused.increment();
                reject(
                        LinkProtocol.REJECT_PROTOCOL,
                        "hello link sequences out of range (firstUnacked " + h.firstUnacked() + ", nextSeq "
                                + h.nextSeq() + "; need 0 <= firstUnacked <= nextSeq <= 2^62)");
                return;
            }
            collectorId = h.collectorId();
            helloDone = true;
            deadline.interrupt();
            server.open.incrementAndGet();
            LinkServer.Collector col = server.collector(collectorId);
            ServerConnection previous = swapCurrent(col);
            if (previous != null) {
                previous.close("superseded by a new connection of the same collector from " + peer);
            }
            long highest;
            col.lock.lock();
            try {
                if (!col.loaded) {
                    col.highest = server.sink.highestStored(collectorId);
                    col.loaded = true;
                }
                highest = col.highest;
            } finally {
                col.lock.unlock();
            }
            send(Frames.ack(highest));
            Thread.ofVirtual().name("link-server-hb-" + id).start(this::heartbeats);
            LOG.info("link server: collector " + collectorId + " connected from " + peer + ", stored up to " + highest);
            if (highest >= 0 && h.firstUnacked() > highest + 1) {
                LOG.warning("link server: collector " + collectorId + " resumes at link sequence " + h.firstUnacked()
                        + ", " + (h.firstUnacked() - highest - 1)
                        + " sequences after the last stored one were never received here");
            }
            loop(reader, col, Math.max(h.firstUnacked(), highest + 1));
        } catch (FrameException e) {
            server.protocolErrors.increment();
            LOG.warning("link server: closing connection from " + peer + who() + ": " + e.getMessage());
            reject(LinkProtocol.REJECT_PROTOCOL, e.getMessage());
        } catch (SocketTimeoutException e) {
            LOG.warning("link server: closing idle connection from " + peer + who());
        } catch (EOFException | SocketException | SSLException e) {
            if (!closed && !deadlinePassed) {
                LOG.info("link server: connection from " + peer + who() + " ended: " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.warning("link server: connection from " + peer + who() + " failed: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deadline.interrupt();
            drain();
            if (helloDone) {
                server.open.decrementAndGet();
            }
            close(null);
        }
    }

    /**
     * Closes the socket when the TLS handshake and HELLO are not done within handshakeTimeout of the accept: the idle
     * timeout alone would let a peer that trickles a byte now and then hold a connection slot forever.
     */
    private void handshakeDeadline() {
        try {
            Thread.sleep(server.cfg.handshakeTimeout());
        } catch (InterruptedException e) {
            return; // HELLO accepted, or the connection ended
        }
        if (collectorId == null && !closed) {
            deadlinePassed = true;
            server.refused.increment();
            LOG.warning("link server: closing connection from " + peer + ": no TLS handshake and HELLO within "
                    + server.cfg.handshakeTimeout().toMillis() + " ms");
            LinkServer.closeQuietly(socket);
        }
    }

    /**
     * The peer is gone (a collector killed, a connection reset): batches it sent that arrived whole are stored
     * anyway, in order, for a bounded time. They left the collector's memory: storing them here is the difference
     * between delivered and counted as lost. A superseding connection or a stopping server ends this at once.
     */
    private void drain() {
        Thread t = storeThread;
        if (t == null || closed) {
            return;
        }
        try {
            t.join(DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The Collector name of a {@code kubeli-collector:<name>} client certificate CN, "" when there is none. */
    private static String certificateCollector(SSLSocket t) throws IOException {
        java.security.cert.Certificate[] chain = t.getSession().getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof java.security.cert.X509Certificate x)) {
            return "";
        }
        try {
            for (javax.naming.ldap.Rdn rdn :
                    new javax.naming.ldap.LdapName(x.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")
                        && rdn.getValue() instanceof String cn
                        && cn.startsWith(LinkProtocol.COLLECTOR_CN_PREFIX)) {
                    return cn.substring(LinkProtocol.COLLECTOR_CN_PREFIX.length());
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return "";
        }
        return "";
    }

    /** Why the hello's collector id is refused for this connection's certificate, null when it is allowed. */
    private String identityDenied(String helloId) {
        if (certCollector == null) {
            return null; // plain link: no identity binding (tests, benchmarks)
        }
        if (certCollector.isEmpty()) {
            return "client certificate has no CN of the form " + LinkProtocol.COLLECTOR_CN_PREFIX + "<Collector name>";
        }
        if (!LinkProtocol.authorises(certCollector, helloId)) {
            return "collector id " + helloId + " is not authorised by the client certificate (CN "
                    + LinkProtocol.COLLECTOR_CN_PREFIX + certCollector + ")";
        }
        return null;
    }

    private ServerConnection swapCurrent(LinkServer.Collector col) {
        synchronized (col) {
            ServerConnection prev = col.current;
            col.current = this;
            return prev;
        }
    }

    private String who() {
        return collectorId == null ? "" : " (collector " + collectorId + ")";
    }

    /**
     * Reader side: decodes frames and queues batches (bounded by maxRecordsPerStore records, then TCP back-pressure);
     * a store thread merges everything queued while the previous store was waiting for durability into one sink call
     * (natural group commit), so the fsync wait does not stall reading.
     */
    private void loop(Frames.Reader reader, LinkServer.Collector col, long resumeAt)
            throws IOException, InterruptedException {
        int limit = server.cfg.maxRecordsPerStore();
        // highest start a batch may have: no forward jump past what the hello announced or this connection sent
        // (re-sent, overlapping batches are fine: the already stored part is discarded as duplicates)
        long nextAllowed = resumeAt;
        Thread store =
                Thread.ofPlatform().daemon().name("link-server-store-" + id).start(() -> storeLoop(col));
        storeThread = store;
        try {
            while (!closed) {
                Frames.Frame f = reader.read();
                switch (f) {
                    case Frames.Heartbeat h -> {}
                    case Frames.Batch b -> {
                        long first = b.firstSeq();
                        long end =
                                first + b.records().size(); // used only once first <= nextAllowed <= 2^62: no overflow
                        if (first < 0 || first > nextAllowed) {
                            server.sequenceRefused.increment();
                            throw new FrameException("batch at link sequence " + first + " refused: it jumps past "
                                    + nextAllowed + " (batches continue from the hello's firstUnacked without gaps)");
                        }
                        if (end > LinkProtocol.MAX_SEQUENCE) {
                            server.sequenceRefused.increment();
                            throw new FrameException("batch reaches link sequence " + (end - 1) + ", beyond 2^62");
                        }
                        nextAllowed = Math.max(nextAllowed, end);
                        server.batches.increment();
                        server.received.add(b.records().size());
                        queueLock.lock();
                        try {
                            while (queuedRecords >= limit && !closed) {
                                queueChanged.await();
                            }
                            queue.add(b);
                            queuedRecords += b.records().size();
                            queueChanged.signalAll();
                        } finally {
                            queueLock.unlock();
                        }
                    }
                    default ->
                        throw new FrameException("unexpected frame type " + reader.lastType() + " from collector");
                }
            }
        } finally {
            queueLock.lock();
            try {
                readerDone = true;
                queueChanged.signalAll();
            } finally {
                queueLock.unlock();
            }
            // the store thread ends once the connection is closed (run() closes it right after this)
        }
    }

    private void storeLoop(LinkServer.Collector col) {
        try {
            while (true) {
                long first;
                List<LinkRecord> merged;
                queueLock.lock();
                try {
                    while (queue.isEmpty() && !closed && !readerDone) {
                        queueChanged.await();
                    }
                    if (queue.isEmpty() || closed) {
                        return;
                    }
                    Frames.Batch b = queue.poll();
                    first = b.firstSeq();
                    merged = b.records(); // fresh mutable list per frame: the sink may keep it
                    if (!queue.isEmpty() && queue.peek().firstSeq() == first + merged.size()) {
                        merged = new ArrayList<>(queuedRecords); // sized once: no regrowth per merged frame
                        merged.addAll(b.records());
                        while (!queue.isEmpty() && queue.peek().firstSeq() == first + merged.size()) {
                            merged.addAll(queue.poll().records());
                        }
                    }
                    queuedRecords -= merged.size();
                    queueChanged.signalAll();
                } finally {
                    queueLock.unlock();
                }
                storeAndAck(col, first, merged);
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.warning("link server: closing connection from " + peer + who() + ": " + e.getMessage());
            }
            close(null);
        } catch (InterruptedException e) {
            close(null);
        }
    }

    private void storeAndAck(LinkServer.Collector col, long first, List<LinkRecord> records)
            throws IOException, InterruptedException {
        long delay = server.cfg.backPressureRetry().toNanos();
        boolean announced = false;
        while (true) {
            col.lock.lock();
            try {
                if (closed || col.current != this) {
                    if (failing) {
                        failing = false;
                        server.storeFailing.decrementAndGet();
                    }
                    return;
                }
                long highest = col.highest;
                int skip = (int) Math.min(records.size(), Math.max(0, highest + 1 - first));
                if (skip > 0) {
                    server.duplicates.add(skip);
                }
                if (skip < records.size()) {
                    List<LinkRecord> fresh = skip == 0 ? records : records.subList(skip, records.size());
                    try {
                        server.sink.store(collectorId, first + skip, fresh);
                    } catch (BackPressureException e) {
                        server.backPressure.increment();
                        if (!announced) {
                            announced = true;
                            LOG.warning("link server: store full for collector " + collectorId + " (" + e.getMessage()
                                    + "); pausing this connection");
                        }
                        delay = retryLater(col, skip, delay);
                        continue;
                    } catch (IOException | java.io.UncheckedIOException e) {
                        // storage failed (e.g. disk full): nothing acknowledged, this connection pauses, the same
                        // batch is retried until the store succeeds again; the collector keeps spooling meanwhile
                        server.storeErrors.increment();
                        if (!failing) {
                            failing = true;
                            server.storeFailing.incrementAndGet();
                            LOG.warning("link server: store failed for collector " + collectorId + " (" + e.getMessage()
                                    + "); not acknowledging, retrying");
                        }
                        delay = retryLater(col, skip, delay);
                        continue;
                    }
                    server.stored.add(records.size() - skip);
                    col.highest = first + records.size() - 1;
                    if (announced || failing) {
                        LOG.info("link server: store for collector " + collectorId + " accepts again");
                    }
                    if (failing) {
                        failing = false;
                        server.storeFailing.decrementAndGet();
                    }
                }
                try {
                    send(Frames.ack(col.highest));
                    server.acks.increment();
                } catch (IOException e) {
                    if (!readerDone) {
                        throw e;
                    }
                    // draining after the peer left: stored is what counts, there is nobody to acknowledge
                }
                return;
            } finally {
                col.lock.unlock();
            }
        }
    }

    /**
     * A batch that was not stored: takes back its duplicate count, waits {@code delay} ns without the collector's
     * lock (so a newer connection of the collector can take over), and returns the next delay, doubling up to 1 s.
     */
    private long retryLater(LinkServer.Collector col, int skip, long delay) throws InterruptedException {
        server.duplicates.add(-skip);
        col.lock.unlock();
        try {
            Thread.sleep(java.time.Duration.ofNanos(delay));
        } finally {
            col.lock.lock();
        }
        return Math.min(delay * 2, 1_000_000_000L);
    }

    private void heartbeats() {
        long interval = server.cfg.heartbeatInterval().toNanos();
        while (!closed) {
            long idle = System.nanoTime() - lastWrite;
            if (idle >= interval) {
                try {
                    if (writeLock.tryLock()) {
                        try {
                            out.write(Frames.heartbeat());
                            lastWrite = System.nanoTime();
                            server.heartbeats.increment();
                        } finally {
                            writeLock.unlock();
                        }
                    }
                } catch (IOException e) {
                    if (!readerDone) {
                        close(null); // while draining the reader's end closes it, not a dead socket
                    }
                    return;
                }
                idle = 0;
            }
            try {
                Thread.sleep(java.time.Duration.ofNanos(Math.max(interval - idle, 1_000_000)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void send(byte[] frame) throws IOException {
        writeLock.lock();
        try {
            out.write(frame);
            lastWrite = System.nanoTime();
        } finally {
            writeLock.unlock();
        }
    }

    private void reject(int code, String reason) {
        try {
            // an ACK may be on its way: wait for it briefly rather than drop the reason
            if (out != null && writeLock.tryLock(1, java.util.concurrent.TimeUnit.SECONDS)) {
                try {
                    out.write(Frames.reject(code, reason));
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (IOException ignored) {
            // best effort before closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (code != LinkProtocol.REJECT_SHUTDOWN) {
            LOG.warning("link server: rejected " + peer + who() + ": " + reason);
        }
    }

    /** Closes the connection; {@code reason} (if not null) is logged and sent as REJECT. */
    void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        queueLock.lock();
        try {
            queueChanged.signalAll();
        } finally {
            queueLock.unlock();
        }
        if (reason != null) {
            LOG.info("link server: closing connection from " + peer + who() + ": " + reason);
            reject(LinkProtocol.REJECT_SHUTDOWN, reason);
        }
        LinkServer.closeQuietly(socket);
        server.connections.remove(this);
        String cid = collectorId;
        if (cid != null) {
            LinkServer.Collector col = server.collectors.get(cid);
            if (col != null) {
                synchronized (col) {
                    if (col.current == this) {
                        col.current = null;
                    }
                }
            }
        }
    }
}
