package io.kubeli.mediator.handover;

import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.PduInspector;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.mediator.store.DeliveryLog;
import io.kubeli.mediator.store.StoredRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocket;

/**
 * One HI connection (HI2 or HI3) of one agency: writes the log's PDUs back to back, keeps the link alive, and
 * moves the persisted delivery cursor only when a keep-aliveResponse proves the agency read everything before it.
 * After a reconnect everything after the cursor is sent again (counted as resent).
 */
public final class HandoverSender implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HandoverSender.class.getName());

    /** Told about every record the first time it goes out (per-intercept status). */
    public interface FirstSend {
        void sent(byte[] entry, int off, int len);

        /** Called after each read of the log: counts kept for a run of records are published now. */
        default void flush() {}
    }

    private final String agency, hi;
    private final DeliveryLog log;
    private final Supplier<Endpoint> endpoint;
    private final HiStats stats;
    private final FirstSend firstSend;
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile Socket socket;
    private volatile long writeStartedNanos;
    private long highestSent;

    /**
     * What one connection's reader thread hands to the sender. Per connection on purpose: a reader of a closed
     * connection may still deliver a late keep-aliveResponse, which must never confirm records sent on the next one.
     */
    private static final class Inbox {
        final ConcurrentLinkedQueue<Long> responses = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> keepAlives = new ConcurrentLinkedQueue<>();
        volatile String failure;
    }

    public HandoverSender(
            String agency,
            String hi,
            DeliveryLog log,
            Supplier<Endpoint> endpoint,
            HiStats stats,
            FirstSend firstSend) {
        this.agency = agency;
        this.hi = hi;
        this.log = log;
        this.endpoint = endpoint;
        this.stats = stats;
        this.firstSend = firstSend;
        log.onSync(this::wake);
    }

    public void start() {
        // records after the cursor may have gone out before a restart: sending them now counts as a resend (read
        // here, not at construction: start-up recovery may cut an uncommitted tail in between)
        highestSent = log.end();
        stats.confirmedIndex = log.committed();
        thread = Thread.ofPlatform().name(hi + "-" + agency).start(this::run);
    }

    private void wake() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    private void run() {
        Endpoint ep0 = endpoint.get();
        long backoff = ep0 == null ? 200 : ep0.backoffMin().toMillis();
        boolean first = true;
        while (running) {
            Endpoint ep = endpoint.get();
            if (ep == null) {
                stats.state = HiStats.State.Disconnected;
                sleep(200);
                continue;
            }
            stats.state = HiStats.State.Connecting;
            Socket s;
            try {
                s = connect(ep);
            } catch (IOException e) {
                stats.state = HiStats.State.Disconnected;
                stats.lastError = "connect: " + e.getMessage();
                sleep(backoff);
                backoff = Math.min(backoff * 2, ep.backoffMax().toMillis());
                continue;
            }
            if (!first) stats.reconnects.incrementAndGet();
            first = false;
            boolean confirmedAny = false;
            try {
                confirmedAny = session(ep, s);
            } catch (IOException | MalformedPduException e) {
                stats.lastError = e.getMessage();
                if (running) LOG.warning(hi + "-" + agency + ": connection lost: " + e.getMessage());
            } catch (RuntimeException e) {
                // a bug must not stop delivery for good: log it, reconnect and resend from the confirmed cursor
                stats.lastError = "internal error: " + e;
                LOG.log(java.util.logging.Level.SEVERE, hi + "-" + agency + ": internal error, reconnecting", e);
            } finally {
                closeQuietly(s);
                socket = null;
                stats.state = running ? HiStats.State.Disconnected : HiStats.State.Stopped;
            }
            if (confirmedAny) backoff = ep.backoffMin().toMillis();
            if (running) {
                sleep(backoff);
                backoff = Math.min(backoff * 2, ep.backoffMax().toMillis());
            }
        }
        stats.state = HiStats.State.Stopped;
    }

    private Socket connect(Endpoint ep) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSendBufferSize(256 * 1024); // bounds what sits ahead of a keep-alive
            s.connect(new InetSocketAddress(ep.host(), ep.port()), 5000);
            s.setSoTimeout(200);
            if (ep.tls() != null) {
                SSLSocket t = (SSLSocket) ep.tls().getSocketFactory().createSocket(s, ep.host(), ep.port(), true);
                t.setUseClientMode(true);
                t.startHandshake();
                s = t;
            }
            socket = s;
            if (!running) throw new IOException("stopping");
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            throw e;
        }
    }

    /** Runs one connection until it fails; returns whether any keep-alive was answered. */
    private boolean session(Endpoint ep, Socket s) throws IOException, MalformedPduException {
        stats.state = HiStats.State.Connected;
        Inbox inbox = new Inbox();
        Thread reader =
                Thread.ofPlatform().name(hi + "-" + agency + "-rx").daemon().start(() -> readLoop(ep, s, inbox));
        OutputStream out = new StampedOut(s.getOutputStream(), 64 * 1024);
        long pos = log.committed(),
                kaSeq = 0,
                kaUpTo = -1,
                kaSentAt = 0,
                lastWrite = System.nanoTime(),
                lastKa = lastWrite;
        long interval = ep.keepAliveInterval().toNanos(),
                timeout = ep.responseTimeout().toNanos();
        long confirmEvery = Math.min(interval, TimeUnit.SECONDS.toNanos(1));
        boolean answered = false, echoes = false;
        if (pos < highestSent)
            LOG.info(hi + "-" + agency + ": resending " + (highestSent - pos) + " unconfirmed records");
        long[] cursor = {pos};
        try {
            while (running) {
                if (inbox.failure != null) throw new IOException(inbox.failure);
                Endpoint now = endpoint.get();
                if (now == null || !now.sameTarget(ep)) throw new IOException("agency endpoint changed");
                for (Long k; (k = inbox.keepAlives.poll()) != null; ) {
                    write(out, keepAlive(ep, true, k), true);
                    stats.keepAlivesAnswered.incrementAndGet();
                }
                long t = System.nanoTime();
                boolean confirmed = false;
                for (Long r; (r = inbox.responses.poll()) != null; ) {
                    // a response confirms only the one outstanding keep-alive: by its echoed sequence number once the
                    // agency has shown it echoes (TS 102 232-1 practice), else the first response after it was sent
                    boolean match = kaUpTo >= 0 && !confirmed && (r == kaSeq - 1 || !echoes);
                    if (match && r == kaSeq - 1) echoes = true;
                    if (match) confirmed = true;
                    else stats.unexpectedKeepAliveResponses.incrementAndGet();
                }
                if (confirmed) {
                    stats.lastKeepAliveRttMicros = (t - kaSentAt) / 1000;
                    long prev = log.committed();
                    if (kaUpTo > prev) {
                        log.commit(kaUpTo);
                        stats.delivered.addAndGet(kaUpTo - prev);
                        stats.confirmedIndex = kaUpTo;
                    }
                    kaUpTo = -1;
                    answered = true;
                } else if (kaUpTo >= 0 && t - kaSentAt > timeout) {
                    stats.keepAliveTimeouts.incrementAndGet();
                    throw new IOException("no keep-aliveResponse within "
                            + ep.responseTimeout().toMillis() + " ms");
                }
                int n = log.read(cursor[0], 1024, 256 * 1024, (idx, b, off, len) -> {
                    int p = StoredRecord.pduOffset(b, off);
                    try {
                        writeRaw(out, b, p, off + len - p);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    if (idx >= highestSent) {
                        highestSent = idx + 1;
                        if (firstSend != null) firstSend.sent(b, off, len);
                    } else {
                        stats.resent.incrementAndGet();
                    }
                    cursor[0] = idx + 1;
                });
                if (n > 0) {
                    stats.sent.addAndGet(n); // once per read, not per record
                    if (firstSend != null) firstSend.flush();
                }
                t = System.nanoTime();
                if (n > 0) lastWrite = t;
                boolean kaDue = kaUpTo < 0
                        && ((n == 0 && t - lastWrite >= interval)
                                || (cursor[0] > log.committed() && t - lastKa >= confirmEvery));
                if (kaDue) {
                    write(out, keepAlive(ep, false, kaSeq++), true);
                    kaUpTo = cursor[0];
                    kaSentAt = lastKa = lastWrite = System.nanoTime();
                    stats.keepAlivesSent.incrementAndGet();
                } else if (n == 0) {
                    flush(out);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(kaUpTo >= 0 ? 5 : 50));
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } finally {
            closeQuietly(s);
            reader.interrupt();
        }
        return answered;
    }

    /** Keep-alive (response) PDU in the agency's profile, with the connection's own sequence number. */
    private static byte[] keepAlive(Endpoint ep, boolean response, long seq) {
        Instant now = Instant.now();
        return io.kubeli.etsi.ReferenceEncoder.encode(
                response
                        ? io.kubeli.etsi.Pdus.keepAliveResponse(
                                ep.profile(), ep.keepAliveLiid(), ep.operatorId(), seq, now)
                        : io.kubeli.etsi.Pdus.keepAlive(ep.profile(), ep.keepAliveLiid(), ep.operatorId(), seq, now));
    }

    // the stall watchdog's stamp is set by StampedOut around the socket writes themselves, not per buffered record
    private void writeRaw(OutputStream out, byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    /**
     * Buffered output of one session's thread (no lock per write, unlike BufferedOutputStream): a write that reaches
     * the socket is stamped in writeStartedNanos, so the read loop can close a connection whose writes block.
     */
    private final class StampedOut extends OutputStream {
        private final OutputStream sock;
        private final byte[] buf;
        private int n;

        StampedOut(OutputStream sock, int size) {
            this.sock = sock;
            this.buf = new byte[size];
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) drain();
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > buf.length - n) drain();
            if (len >= buf.length) {
                toSocket(b, off, len);
                return;
            }
            System.arraycopy(b, off, buf, n, len);
            n += len;
        }

        @Override
        public void flush() throws IOException {
            drain();
            sock.flush();
        }

        @Override
        public void close() throws IOException {
            try {
                flush();
            } finally {
                sock.close();
            }
        }

        private void drain() throws IOException {
            if (n > 0) {
                toSocket(buf, 0, n);
                n = 0;
            }
        }

        private void toSocket(byte[] b, int off, int len) throws IOException {
            writeStartedNanos = System.nanoTime();
            try {
                sock.write(b, off, len);
            } finally {
                writeStartedNanos = 0;
            }
        }
    }

    private void write(OutputStream out, byte[] pdu, boolean flush) throws IOException {
        writeRaw(out, pdu, 0, pdu.length);
        if (flush) flush(out);
    }

    private void flush(OutputStream out) throws IOException {
        writeStartedNanos = System.nanoTime();
        out.flush();
        writeStartedNanos = 0;
    }

    /** Reads what the agency sends: keep-alives to answer, responses to ours. Also the write-stall watchdog. */
    private void readLoop(Endpoint ep, Socket s, Inbox inbox) {
        long stall = ep.keepAliveInterval().toNanos() + ep.responseTimeout().toNanos();
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16 * 1024];
            PduInspector v = new PduInspector(DecodeLimits.DEFAULT);
            PduStreamSplitter split = new PduStreamSplitter(DecodeLimits.DEFAULT, v, (b, off, len, at) -> {
                if (v.isKeepAlive()) {
                    inbox.keepAlives.add(v.sequenceNumber());
                    wake();
                } else if (v.isKeepAliveResponse()) {
                    inbox.responses.add(v.sequenceNumber());
                    wake();
                }
                // agencies send nothing else we act on
            });
            while (running && !s.isClosed()) {
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        inbox.failure = "agency closed the connection";
                        break;
                    }
                    split.feed(buf, 0, n);
                } catch (SocketTimeoutException e) {
                    long w = writeStartedNanos;
                    if (w != 0 && System.nanoTime() - w > stall) {
                        inbox.failure = "write blocked for more than " + TimeUnit.NANOSECONDS.toMillis(stall) + " ms";
                        closeQuietly(s);
                        break;
                    }
                }
            }
        } catch (MalformedPduException e) {
            stats.malformedFromAgency.incrementAndGet();
            inbox.failure = "malformed data from the agency: " + e.getMessage();
        } catch (IOException e) {
            if (inbox.failure == null) inbox.failure = "read: " + e.getMessage();
        }
        wake();
    }

    private void sleep(long ms) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (running && System.nanoTime() < until)
            LockSupport.parkNanos(Math.min(until - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(50)));
    }

    private static void closeQuietly(Socket s) {
        try {
            if (s != null) s.close();
        } catch (IOException ignored) {
            /* closing anyway */
        }
    }

    public HiStats stats() {
        return stats;
    }

    public String name() {
        return hi + "-" + agency;
    }

    /** Stops the connection thread and closes the socket; the cursor stays where it was confirmed. */
    @Override
    public void close() {
        running = false;
        closeQuietly(socket);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
