package io.kubeli.mediator.lea;

import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.file.PcapWriter;
import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.PduInspector;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.etsi.Pdus;
import io.kubeli.etsi.Profile;
import io.kubeli.etsi.ReferenceEncoder;
import io.kubeli.mediator.tls.TlsFiles;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/** A test law-enforcement agency: accepts HI2/HI3, answers keep-alives, records and checks what arrives. Embeddable. */
public final class LeaReceiver implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaReceiver.class.getName());

    private final LeaOptions opts;
    private final Map<StreamKey, SequenceTracker> trackers = new ConcurrentHashMap<>();
    private final Map<StreamKey, Set<Long>> streamConnections = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong keepAlives = new AtomicLong(),
            keepAliveResponses = new AtomicLong(),
            connections = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong(),
            otherPdus = new AtomicLong(),
            incompleteTails = new AtomicLong();
    private final Hi hi2 = new Hi("hi2"), hi3 = new Hi("hi3");
    private volatile PcapWriter pcap; // writes synchronise on it; null after a write failed (logged once)
    private PrintStream jsonOut = System.out;
    private volatile boolean running;
    private volatile boolean answerKeepAlives;
    private Thread summaryThread;

    /** Key of one sequence space. */
    public record StreamKey(String liid, long cin, String stream) {}

    private record Cached(StreamKey key, byte[] liid, SequenceTracker tracker) {}

    /** The stream last seen on one connection (a connection's streams are noted once per change, not per record). */
    private static final class Seen {
        final long connection;
        SequenceTracker last;

        Seen(long connection) {
            this.connection = connection;
        }
    }

    /** Per-HI state: listener, raw record file, counters. */
    private final class Hi {
        final String name;
        ServerSocket server;
        OutputStream record;
        final AtomicLong records = new AtomicLong(), bytes = new AtomicLong();
        volatile boolean dropped;
        volatile Cached last;

        Hi(String name) {
            this.name = name;
        }
    }

    public LeaReceiver(LeaOptions opts) {
        this.opts = opts;
        this.answerKeepAlives = opts.keepAliveResponses();
    }

    /** Starts or stops answering keep-alives at run time (a test agency that falls silent). */
    public void answerKeepAlives(boolean on) {
        this.answerKeepAlives = on;
    }

    /** Sends --json output somewhere other than stdout (tests). */
    public void jsonOutput(PrintStream out) {
        this.jsonOut = out;
    }

    /** Binds both listeners (loopback and all interfaces alike) and starts accepting. */
    public synchronized void start() throws IOException {
        try {
            SSLContext tls = opts.tlsDir() == null ? null : TlsFiles.server(opts.tlsDir());
            if (opts.recordDir() != null) {
                Files.createDirectories(opts.recordDir());
                hi2.record = new BufferedOutputStream(
                        Files.newOutputStream(
                                opts.recordDir().resolve("hi2.ber"),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND),
                        1 << 16);
                hi3.record = new BufferedOutputStream(
                        Files.newOutputStream(
                                opts.recordDir().resolve("hi3.ber"),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND),
                        1 << 16);
            }
            if (opts.pcap() != null)
                pcap = PcapWriter.create(
                        opts.pcap(), LinkTypes.RAW, PcapWriter.MAX_SNAPLEN, PcapWriter.Resolution.MICROS);
            running = true;
            for (Hi hi : List.of(hi2, hi3)) {
                int port = hi == hi2 ? opts.hi2Port() : opts.hi3Port();
                hi.server = tls == null
                        ? new ServerSocket()
                        : tls.getServerSocketFactory().createServerSocket();
                hi.server.setReuseAddress(true);
                hi.server.bind(new InetSocketAddress(port), 64);
                Thread.ofPlatform().name("lea-" + hi.name + "-accept").daemon().start(() -> acceptLoop(hi));
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("TLS setup failed: " + e.getMessage(), e);
        }
        summaryThread = Thread.ofPlatform().name("lea-summary").daemon().start(this::summaryLoop);
    }

    public int hi2Port() {
        return hi2.server.getLocalPort();
    }

    public int hi3Port() {
        return hi3.server.getLocalPort();
    }

    private void acceptLoop(Hi hi) {
        int n = 0;
        while (running) {
            try {
                Socket s = hi.server.accept();
                long id = connections.incrementAndGet();
                open.add(s);
                Thread.ofPlatform().name("lea-" + hi.name + "-" + n++).daemon().start(() -> serve(hi, s, new Seen(id)));
            } catch (IOException e) {
                if (running) LOG.warning(hi.name + ": accept failed: " + e.getMessage());
            }
        }
    }

    private void serve(Hi hi, Socket s, Seen seen) {
        long onConn = 0;
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            if (opts.readDelayMs() > 0) in = new SlowInput(in, opts.readDelayMs());
            OutputStream out = s.getOutputStream();
            long[] count = {0};
            PduInspector v = new PduInspector(DecodeLimits.DEFAULT);
            // the record file gets every complete PDU as received; an incomplete tail at a disconnect would
            // make the concatenation undecodable, so it is counted instead
            PduStreamSplitter reader = new PduStreamSplitter(DecodeLimits.DEFAULT, v, (b, o, l, at) -> {
                try {
                    if (hi.record != null)
                        synchronized (hi.record) {
                            hi.record.write(b, o, l);
                        }
                    if (onPdu(hi, v, b, o, l, out, seen)) count[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] buf = new byte[64 * 1024];
            while (running) {
                int n = in.read(buf);
                if (n < 0) break;
                hi.bytes.addAndGet(n);
                try {
                    reader.feed(buf, 0, n);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                onConn = count[0];
                if (opts.dropAfter() > 0 && !hi.dropped && hi.records.get() >= opts.dropAfter()) {
                    hi.dropped = true;
                    LOG.info(hi.name + ": dropping the connection after " + hi.records.get()
                            + " records (--drop-after)");
                    break;
                }
            }
            if (reader.buffered() > 0) {
                incompleteTails.incrementAndGet();
                LOG.info(hi.name + ": connection ended inside a PDU (" + reader.buffered() + " bytes not recorded)");
            }
        } catch (MalformedPduException e) {
            malformed.incrementAndGet();
            LOG.warning(hi.name + ": malformed input, closing this connection: " + e.getMessage());
        } catch (IOException e) {
            if (running) LOG.info(hi.name + ": connection ended: " + e.getMessage());
        } finally {
            open.remove(s);
            flushRecord(hi);
        }
        LOG.fine(hi.name + ": connection closed after " + onConn + " records");
    }

    /** Handles one PDU ({@code v} has read it); returns true for a CC/IRI record. */
    private boolean onPdu(Hi hi, PduInspector v, byte[] b, int off, int len, OutputStream out, Seen seen)
            throws IOException {
        if (opts.json()) printJson(hi, v, b, off, len);
        if (v.isKeepAlive()) {
            keepAlives.incrementAndGet();
            if (answerKeepAlives) {
                out.write(ReferenceEncoder.encode(Pdus.keepAliveResponse(
                        Profile.LATEST, v.liid(), "KUBELI-LEA", v.sequenceNumber(), Instant.now())));
                out.flush();
                keepAliveResponses.incrementAndGet();
            }
            return false;
        }
        switch (v.kind()) {
            case CC, IRI -> {
                Cached c = tracker(hi, v, b);
                c.tracker.accept(v.sequenceNumber());
                if (seen.last != c.tracker) {
                    seen.last = c.tracker;
                    streamConnections
                            .computeIfAbsent(c.key, k -> ConcurrentHashMap.newKeySet())
                            .add(seen.connection);
                }
                hi.records.incrementAndGet();
                long packet = pcap == null ? -1 : v.ccPacket();
                if (packet >= 0) pcap(Math.max(0, v.timeMicros()) * 1000, b, (int) (packet >>> 32), (int) packet);
                return true;
            }
            default -> {
                otherPdus.incrementAndGet();
                return false;
            }
        }
    }

    // the last key per HI is cached: records of one stream usually arrive back to back (compared in place)
    private Cached tracker(Hi hi, PduInspector v, byte[] b) {
        Cached c = hi.last;
        int lo = v.liidOffset(), ll = v.liidLength();
        if (c == null
                || c.key.cin() != v.cin()
                || !c.key.stream().equals(v.kind().name())
                || !java.util.Arrays.equals(c.liid, 0, c.liid.length, b, lo, lo + ll)) {
            StreamKey k = new StreamKey(v.liid(), v.cin(), v.kind().name());
            c = new Cached(
                    k,
                    java.util.Arrays.copyOfRange(b, lo, lo + ll),
                    trackers.computeIfAbsent(k, x -> new SequenceTracker()));
            hi.last = c;
        }
        return c;
    }

    // the full decode (etsi codec) only runs with --json; a PDU the strict decoder rejects still gets one line
    private void printJson(Hi hi, PduInspector v, byte[] b, int off, int len) {
        String s;
        try {
            s = "{\"hi\":\"" + hi.name + "\",\"pdu\":"
                    + io.kubeli.etsi.PduJson.toJson(io.kubeli.etsi.PsPduDecoder.DEFAULT.decode(b, off, len)) + "}";
        } catch (io.kubeli.etsi.MalformedPduException | RuntimeException e) {
            s = "{\"hi\":\"" + hi.name + "\",\"kind\":\"" + v.kind() + "\",\"liid\":\"" + Summary.esc(v.liid())
                    + "\",\"cin\":" + v.cin() + ",\"seq\":" + v.sequenceNumber() + ",\"length\":" + len
                    + ",\"decodeError\":\"" + Summary.esc(String.valueOf(e.getMessage())) + "\"}";
        }
        synchronized (jsonOut) {
            jsonOut.println(s);
        }
    }

    private void flushRecord(Hi hi) {
        if (hi.record == null) return;
        try {
            synchronized (hi.record) {
                hi.record.flush();
            }
        } catch (IOException e) {
            LOG.warning(hi.name + ": cannot flush the record file: " + e.getMessage());
        }
    }

    /** Current counts per LIID/CIN/stream with gaps and duplicates. */
    public Summary summary() {
        List<Summary.Stream> streams = new ArrayList<>();
        trackers.forEach((k, t) -> streams.add(Summary.Stream.of(k, t.snapshot(20))));
        streams.sort(java.util.Comparator.comparing((Summary.Stream s) -> s.liid())
                .thenComparingLong(Summary.Stream::cin)
                .thenComparing(Summary.Stream::stream));
        return new Summary(
                streams,
                hi2.records.get(),
                hi3.records.get(),
                hi2.bytes.get(),
                hi3.bytes.get(),
                keepAlives.get(),
                keepAliveResponses.get(),
                connections.get(),
                malformed.get(),
                otherPdus.get(),
                incompleteTails.get());
    }

    /** The agency connections (numbered from 1 in accept order) each LIID/CIN/stream arrived on. */
    public Map<StreamKey, Set<Long>> streamConnections() {
        return Map.copyOf(streamConnections);
    }

    /** Flushes record and pcap files (the data seen so far becomes readable). */
    public void flush() {
        flushRecord(hi2);
        flushRecord(hi3);
        pcap(-1, null, 0, 0);
    }

    /** Appends a CC payload to the pcap file ({@code b == null}: flush); a failure stops the file, logged once. */
    private void pcap(long tsNanos, byte[] b, int off, int len) {
        PcapWriter w = pcap;
        if (w == null) return;
        synchronized (w) {
            try {
                if (b == null) w.flush();
                else w.write(tsNanos, b, off, len);
            } catch (IOException e) {
                pcap = null;
                LOG.warning("pcap writing stopped: " + e.getMessage());
            }
        }
    }

    private void summaryLoop() {
        String lastLine = "";
        while (running) {
            try {
                Thread.sleep(opts.summaryIntervalSeconds() * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            flush();
            Summary s = summary();
            writeSummaryFile(s);
            String line = s.oneLine();
            if (!line.equals(lastLine)) LOG.info(line);
            lastLine = line;
        }
    }

    private void writeSummaryFile(Summary s) {
        if (opts.summaryFile() == null) return;
        try {
            var tmp = opts.summaryFile().resolveSibling(opts.summaryFile().getFileName() + ".tmp");
            Files.writeString(tmp, s.toJson());
            Files.move(
                    tmp,
                    opts.summaryFile(),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warning("cannot write the summary file: " + e.getMessage());
        }
    }

    /** Closes every live connection now (as if the agency's link went down); listeners stay open. */
    public void dropConnections() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                /* closing anyway */
            }
        }
    }

    /** Stops listening, closes connections, flushes files and writes the final summary. */
    public synchronized void stop() {
        if (!running) return;
        running = false;
        for (Hi hi : List.of(hi2, hi3)) {
            try {
                if (hi.server != null) hi.server.close();
            } catch (IOException ignored) {
                /* closing anyway */
            }
        }
        dropConnections();
        if (summaryThread != null) summaryThread.interrupt();
        flush();
        for (Hi hi : List.of(hi2, hi3)) {
            try {
                if (hi.record != null)
                    synchronized (hi.record) {
                        hi.record.close();
                    }
            } catch (IOException ignored) {
                /* best effort */
            }
        }
        PcapWriter w = pcap;
        if (w != null)
            synchronized (w) {
                try {
                    w.close();
                } catch (IOException e) {
                    LOG.warning("pcap close failed: " + e.getMessage());
                }
            }
        writeSummaryFile(summary());
    }

    @Override
    public void close() {
        stop();
    }

    /** Reads at most 1 KiB per call and sleeps afterwards: a deliberately slow agency. */
    private static final class SlowInput extends FilterInputStream {
        private final int delayMs;

        SlowInput(InputStream in, int delayMs) {
            super(in);
            this.delayMs = delayMs;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, Math.min(len, 1024));
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            return n;
        }
    }
}
