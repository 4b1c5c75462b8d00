package io.kubeli.mediator;

import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.handover.HandoverSender;
import io.kubeli.mediator.hi1.Hi1Notifier;
import io.kubeli.mediator.ingest.CommitLog;
import io.kubeli.mediator.ingest.DedupState;
import io.kubeli.mediator.ingest.Ingest;
import io.kubeli.mediator.ingest.StoreRecovery;
import io.kubeli.mediator.store.DeliveryLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/** The mediator's core without its network front: durable buffers, routing/holding, dedup state and handover per agency. */
public final class Mediator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Mediator.class.getName());

    private final MediatorSettings settings;
    private final ResourceCatalog catalog;
    private final Function<String, SSLContext> agencyTls;
    private final Map<String, AgencyChannel> channels = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("mediator-timer").daemon().unstarted(r));
    private DeliveryLog held, quarantine;
    private DedupState dedup;
    private CommitLog commits;
    private java.nio.channels.FileLock dataLock;
    private Hi1Notifier hi1;
    private Ingest ingest;
    private volatile boolean started;

    public Mediator(MediatorSettings settings, ResourceCatalog catalog, Function<String, SSLContext> agencyTls) {
        this.settings = settings;
        this.catalog = catalog;
        this.agencyTls = agencyTls;
    }

    /** Opens (and recovers) everything on the data directory and starts the handover connections. */
    public synchronized void start() throws IOException {
        Path data = settings.dataDir();
        io.kubeli.link.PrivateFiles.createDirectories(data); // records and sequence state: owner only
        lockDataDirectory(data);
        io.kubeli.link.PrivateFiles.createDirectories(data.resolve("agencies"));
        held = openLog(data.resolve("held"), settings);
        quarantine = openLog(data.resolve("quarantine"), settings);
        dedup = new DedupState(data.resolve("dedup.properties"));
        commits = CommitLog.open(
                data.resolve("commits"), settings.fsync().mode() != io.kubeli.link.FsyncPolicy.Mode.NONE);
        StoreRecovery recovery = new StoreRecovery(commits, dedup); // before any sender reads: cut uncommitted tails
        recovery.recover("held", held);
        recovery.recover("quarantine", quarantine);
        try (Stream<Path> s = Files.list(data.resolve("agencies"))) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                AgencyChannel ch = channel(p.getFileName().toString());
                recovery.recover(ch.name() + "/hi2", ch.hi2Log);
                recovery.recover(ch.name() + "/hi3", ch.hi3Log);
            }
        }
        if (commits.fresh())
            LOG.info("store recovery: no commit markers yet (new data directory, or one written before them)");
        ingest = new Ingest(
                catalog,
                name -> {
                    AgencyChannel ch = channel(name);
                    return new DeliveryLog[] {ch.hi2Log, ch.hi3Log};
                },
                held,
                quarantine,
                dedup,
                commits);
        for (AgencyChannel ch : channels.values()) ch.start(); // senders count per intercept through ingest
        if (ingest.heldRecords() > 0) LOG.info("recovered " + ingest.heldRecords() + " held records");
        if (ingest.quarantinedRecords() > 0)
            LOG.warning("ALARM routing: " + ingest.quarantinedRecords()
                    + " records are held apart in the quarantine (never delivered)");
        catalog.onChange(() -> timer.execute(this::release));
        timer.execute(this::release);
        timer.scheduleWithFixedDelay(dedup::persist, 1, 1, TimeUnit.SECONDS);
        if (settings.sendsHi1()) {
            hi1 = new Hi1Notifier(catalog, ingest, data.resolve("hi1-state.properties"));
            hi1.flush(); // what a crash left decided but maybe not stored
            catalog.onChange(() -> timer.execute(this::notifyHi1));
            timer.scheduleWithFixedDelay(
                    this::notifyHi1, 0, 1, TimeUnit.SECONDS); // windows open and close by the clock
        }
        started = true;
    }

    /**
     * One mediator per data directory: two processes appending to the same logs (two replicas on one volume, a
     * restart while the old process still runs) would overwrite each other's records. The lock dies with the process.
     */
    private void lockDataDirectory(Path data) throws IOException {
        Path file = data.resolve(".lock");
        java.nio.channels.FileChannel ch = io.kubeli.link.PrivateFiles.open(
                file, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock l;
        try {
            l = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null; // held by another Mediator in this JVM
        }
        if (l == null) {
            ch.close();
            throw new IOException("in use by another mediator (" + file.getFileName()
                    + " is locked); one mediator per data directory");
        }
        dataLock = l;
    }

    private void release() {
        try {
            // configured agencies get their HI2/HI3 connections (and keep-alives) before any record arrives
            for (String a : catalog.agencies().keySet()) channel(a);
        } catch (RuntimeException e) {
            LOG.warning("opening an agency's buffers failed: " + e.getMessage());
        }
        try {
            ingest.releaseHeld();
        } catch (IOException e) {
            LOG.warning("releasing held records failed (will retry on the next change): " + e.getMessage());
        }
    }

    private void notifyHi1() {
        try {
            hi1.reconcile(java.time.Instant.now());
        } catch (RuntimeException e) {
            LOG.warning("HI1 notifications failed (retried): " + e.getMessage());
        }
    }

    /** The channel of an agency, created (buffers opened, connections started) on first use. */
    AgencyChannel channel(String agency) {
        String safe = safeName(agency);
        return channels.computeIfAbsent(safe, n -> {
            try {
                AgencyChannel ch = new AgencyChannel(
                        n,
                        settings.dataDir().resolve("agencies").resolve(n),
                        settings,
                        catalog,
                        agencyTls,
                        this::firstSend);
                if (ingest != null) ch.start();
                return ch;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the buffers of agency " + n, e);
            }
        });
    }

    // Counts a record per intercept the first time it is sent; decodes the name only when it changes. One per sender
    // thread: the remembered name and counters are unsynchronised.
    private HandoverSender.FirstSend firstSend() {
        return new HandoverSender.FirstSend() {
            private byte[] last = new byte[0];
            private io.kubeli.mediator.ingest.InterceptCounters counters;
            private final io.kubeli.etsi.PduInspector inspector = new io.kubeli.etsi.PduInspector();
            private long runCc; // CC records of `counters` not yet counted (counted per read, not per record)

            @Override
            public void sent(byte[] b, int off, int len) {
                int n = ((b[off + 1] & 0xff) << 8) | (b[off + 2] & 0xff);
                if (counters == null || !Arrays.equals(last, 0, last.length, b, off + 3, off + 3 + n)) {
                    flush();
                    last = Arrays.copyOfRange(b, off + 3, off + 3 + n);
                    counters = ingest.counters(new String(last, StandardCharsets.UTF_8));
                }
                boolean cc = b[off] == 1;
                if (cc) {
                    runCc++;
                    return;
                }
                // IRI is rare: find its type so the final IRI of a deleted intercept can be confirmed
                int p = io.kubeli.mediator.store.StoredRecord.pduOffset(b, off);
                int type = -1;
                try {
                    var pdu = inspector.wrap(b, p, off + len - p);
                    if (pdu.kind() == io.kubeli.etsi.PduInspector.PayloadKind.HI1_OPERATION)
                        return; // a notification, not an IRI record
                    type = pdu.iriType();
                } catch (io.kubeli.etsi.MalformedPduException e) {
                    // stored records were read once on ingest: counted as an IRI of unknown type
                }
                counters.delivered(false);
                counters.iriType(type);
            }

            @Override
            public void flush() {
                if (runCc > 0) counters.delivered(true, runCc);
                runCc = 0;
            }
        };
    }

    /** A durable buffer: the link module's SegmentLog behind the delivery-cursor interface. */
    static DeliveryLog openLog(Path dir, MediatorSettings s) throws IOException {
        return new io.kubeli.mediator.store.LinkSegmentLog(dir, s.segmentBytes(), s.bufferBytes(), s.fsync());
    }

    /** Kubernetes object names are DNS labels; anything else is made path-safe. */
    static String safeName(String name) {
        if (name != null && name.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?") && !name.contains("..")) return name;
        return "x-" + Integer.toHexString(String.valueOf(name).hashCode());
    }

    public Ingest ingest() {
        return ingest;
    }

    /** The HI1 notifier, or null on a replica that does not send them. */
    public Hi1Notifier hi1() {
        return hi1;
    }

    public Map<String, AgencyChannel> channels() {
        return channels;
    }

    public ResourceCatalog catalog() {
        return catalog;
    }

    public boolean started() {
        return started;
    }

    /** Every durable buffer: the holding log, then each agency's HI2 and HI3 logs. */
    public java.util.List<DeliveryLog> logs() {
        java.util.List<DeliveryLog> l = new java.util.ArrayList<>();
        if (held != null) l.add(held);
        for (AgencyChannel ch : channels.values()) {
            l.add(ch.hi2Log);
            l.add(ch.hi3Log);
        }
        return l;
    }

    /** Whether a durable buffer's last write failed: not ready, nothing acknowledged until a retried write succeeds. */
    public boolean storageFailed() {
        for (DeliveryLog l : logs()) if (l.storageFailed()) return true;
        return false;
    }

    public MediatorSettings settings() {
        return settings;
    }

    @Override
    public synchronized void close() {
        started = false;
        timer.shutdownNow();
        try {
            // a running persist or release must finish before the buffers close and the final snapshot is written
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) LOG.warning("mediator timer still busy at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ingest != null) ingest.stop(); // no batch half-stored while the buffers close
        for (AgencyChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.warning("closing agency " + ch.name() + ": " + e.getMessage());
            }
        }
        try {
            if (held != null) held.close();
        } catch (IOException e) {
            LOG.warning("closing the holding log: " + e.getMessage());
        }
        try {
            if (quarantine != null) quarantine.close();
        } catch (IOException e) {
            LOG.warning("closing the quarantine log: " + e.getMessage());
        }
        try {
            if (commits != null) commits.close();
        } catch (IOException e) {
            LOG.warning("closing the commit log: " + e.getMessage());
        }
        if (dedup != null) dedup.persist();
        if (dataLock != null) {
            try {
                dataLock.channel().close();
            } catch (IOException e) {
                /* released with the process anyway */
            }
            dataLock = null;
        }
    }
}
