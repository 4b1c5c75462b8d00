package io.kubeli.link;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;

/**
 * Mediator side of the link: accepts collectors (mutual TLS 1.3 or explicit plain TCP), stores their batches through
 * a {@link RecordSink}, discards duplicates by (collector id, link sequence) and acknowledges only after the sink
 * returned. One thread per connection; a bad connection is closed with a logged reason and affects no other.
 * With TLS a collector id is accepted only when the client certificate's CN ({@code kubeli-collector:<name>})
 * authorises it; a plain link has no identity binding. A failing sink is retried without acknowledging.
 */
public final class LinkServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LinkServer.class.getName());
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicBoolean TLS_WARMED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Per-collector state: one store at a time, cached highest stored link sequence. */
    static final class Collector {
        final ReentrantLock lock = new ReentrantLock();
        long highest;
        boolean loaded;
        volatile ServerConnection current;
    }

    final LinkServerConfig cfg;
    final RecordSink sink;
    private final ServerSocket server;
    private final Thread acceptThread;
    private final int id = IDS.getAndIncrement();
    private final AtomicInteger connIds = new AtomicInteger();
    final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    final Map<String, Collector> collectors = new ConcurrentHashMap<>();
    private volatile boolean closed;
    final LongAdder accepted = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder stored = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder backPressure = new LongAdder();
    final LongAdder storeErrors = new LongAdder();
    final LongAdder acks = new LongAdder();
    final LongAdder heartbeats = new LongAdder();
    final LongAdder identityRefused = new LongAdder();
    final LongAdder sequenceRefused = new LongAdder();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger storeFailing = new AtomicInteger();

    private LinkServer(LinkServerConfig cfg, RecordSink sink) throws IOException {
        this.cfg = cfg;
        this.sink = sink;
        if (cfg.tls().enabled()) {
            SSLContext ctx = Tls.context(cfg.tls());
            SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(Tls.PROTOCOLS);
            p.setNeedClientAuth(true);
            p.setCipherSuites(cipherSuites(s.getSupportedCipherSuites()));
            p.setUseCipherSuitesOrder(true);
            s.setSSLParameters(p);
            server = s;
            // compile the record decryption before the first collector's burst, not during it (see Tls.warmUp);
            // compiled code serves the whole JVM: once is enough
            if (TLS_WARMED.compareAndSet(false, true)) {
                Thread.ofPlatform()
                        .name("link-server-tls-warm-up-" + id)
                        .daemon()
                        .priority(Thread.MIN_PRIORITY)
                        .start(() -> Tls.warmUp(ctx, Tls.WARM_UP_RECORDS));
            }
        } else {
            server = new ServerSocket();
        }
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(cfg.bindAddress()), cfg.port()), 512);
        acceptThread =
                Thread.ofPlatform().name("link-server-accept-" + id).daemon().start(this::acceptLoop);
        LOG.info("link server listening on " + server.getLocalSocketAddress()
                + (cfg.tls().enabled() ? " (mTLS 1.3)" : " (plain TCP)"));
    }

    /**
     * TLS 1.3 suites in the server's order of preference: AES-128-GCM first (as strong as the link needs, and four
     * fewer AES rounds per block than AES-256 on the mediator's hottest path: decrypting every record), then
     * AES-256-GCM and ChaCha20-Poly1305 for peers that offer only those.
     */
    static final List<String> CIPHER_SUITES =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private static String[] cipherSuites(String[] supported) {
        List<String> have = List.of(supported);
        return CIPHER_SUITES.stream().filter(have::contains).toArray(String[]::new);
    }

    /** Starts listening; records go to {@code sink}. */
    public static LinkServer start(LinkServerConfig cfg, RecordSink sink) throws IOException {
        return new LinkServer(cfg, sink);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getLocalPort();
    }

    /** Collector ids with an open connection now. */
    public Set<String> connectedCollectors() {
        Set<String> s = new java.util.TreeSet<>();
        for (ServerConnection c : connections) {
            if (c.collectorId() != null) {
                s.add(c.collectorId());
            }
        }
        return s;
    }

    /** Counters snapshot. */
    public LinkServerStats stats() {
        return new LinkServerStats(
                open.get(),
                accepted.sum(),
                refused.sum(),
                protocolErrors.sum(),
                batches.sum(),
                received.sum(),
                stored.sum(),
                duplicates.sum(),
                backPressure.sum(),
                storeErrors.sum(),
                acks.sum(),
                heartbeats.sum(),
                identityRefused.sum(),
                sequenceRefused.sum(),
                storeFailing.get());
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "link server accept failed", e);
                }
                continue;
            }
            accepted.increment();
            if (connections.size() >= cfg.maxConnections()) {
                refused.increment();
                LOG.warning("link server: refusing connection from " + s.getRemoteSocketAddress() + ": "
                        + cfg.maxConnections() + " connections open");
                closeQuietly(s);
                continue;
            }
            ServerConnection c = new ServerConnection(this, s, connIds.getAndIncrement());
            connections.add(c);
            Thread.ofPlatform()
                    .name("link-server-conn-" + id + "-" + c.id)
                    .daemon()
                    .start(c::run);
        }
    }

    Collector collector(String id) {
        return collectors.computeIfAbsent(id, k -> new Collector());
    }

    boolean isClosed() {
        return closed;
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops accepting and closes every connection (unacknowledged batches are resent by the collectors). */
    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (ServerConnection c : List.copyOf(connections)) {
            c.close("server shutting down");
        }
        try {
            acceptThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
