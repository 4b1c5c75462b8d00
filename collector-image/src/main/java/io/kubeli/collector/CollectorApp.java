package io.kubeli.collector;

import io.kubeli.capture.CaptureException;
import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.CaptureStats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A running collector assembled from a {@link CollectorSettings}: sink, pipeline, intercept source, IRI ticker,
 * capture sources and (optionally) metrics. Use {@link #start}, then {@link #awaitFiniteEnd} for file sources
 * or {@link #close} on shutdown; {@link #summary} gives the one-line result.
 */
public final class CollectorApp implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CollectorApp.class.getName());

    private final CollectorSettings config;
    private final PduSink sink;
    private final CollectorPipeline pipeline;
    private final InterceptManager manager;
    private final List<CaptureSource> sources = new ArrayList<>();
    private final ScheduledExecutorService ticker;
    private InterceptSource interceptSource;
    private CollectorMetrics metrics;
    private int metricsPort = -1;
    private boolean closed;

    private CollectorApp(CollectorSettings config, PduSink sink, Clock clock) {
        this.config = config;
        this.sink = sink;
        this.pipeline =
                new CollectorPipeline(new CollectorPipeline.Settings(config.encoders(), config.ringSlots()), sink);
        this.manager = new InterceptManager(pipeline, config.networkElementId(), clock, config.rules());
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("intercept-ticker").unstarted(r));
    }

    /** Builds and starts everything; on failure releases what was started and rethrows. */
    public static CollectorApp start(CollectorSettings config) throws Exception {
        return start(config, Sinks.open(config), Clock.systemUTC());
    }

    /** As {@link #start(CollectorSettings)} with an explicit sink and clock (tests, embedding). */
    public static CollectorApp start(CollectorSettings config, PduSink sink, Clock clock) throws Exception {
        CollectorApp app = new CollectorApp(config, sink, clock);
        try {
            app.startAll();
            return app;
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        if (sink instanceof MediatorSink m) {
            // numbering continues after the last number that may have left the previous process (crash-exact)
            pipeline.setSequenceStore(
                    SequenceStore.from(m::resumeSequence, config.spool().resolve("etsi-sequences")));
        }
        pipeline.start();
        CaptureOptions opts = CaptureOptions.defaults();
        if (config.filter() != null) {
            opts = opts.withFilter(config.filter());
        }
        if (config.threads() > 0) {
            opts = opts.withThreads(config.threads());
        }
        // open (and so check) every capture source before any IRI can be sent: a source that cannot be opened
        // must not announce an interception that never happens
        manager.disarm();
        for (String uri : config.sources()) {
            sources.add(CaptureSources.open(sourceUri(uri, config.ealLcoresFromCpuset()), opts));
        }
        if (sink instanceof MediatorSink m && !config.sources().isEmpty() && finite()) {
            m.client().pace(true); // a file can wait for the link: no disk spool round trip while it is up
        }
        enableRadius(!config.sources().isEmpty() && finite());
        enableSip();
        if (!config.sources().isEmpty() && finite()) {
            manager.useCaptureClock(pipeline::captureClock); // replays: IRI on the capture clock, like CC
        }
        interceptSource = config.kubernetes()
                ? new KubernetesSource(config.namespace(), config.collectorId())
                : new YamlDirSource(config.intercepts(), Duration.ofMillis(config.pollMillis()), config.collectorId());
        interceptSource.start(manager::update); // the table is in place before the first packet
        if (config.sources().isEmpty()) {
            openFromCollectorSpec(opts);
            if (finite()) {
                manager.useCaptureClock(pipeline::captureClock);
            }
        }
        if (sink instanceof MediatorSink && !finite()) {
            // live, numbering from the journal: a stream announced before a crash continues without a second Begin
            manager.persistBegunStreams(config.spool().resolve("iri-begun"));
        }
        manager.arm();
        ticker.scheduleAtFixedRate(
                () -> {
                    try {
                        manager.tick();
                        manager.saveRadiusSessions(false);
                    } catch (RuntimeException e) {
                        LOG.warning("IRI tick failed: " + e.getMessage());
                    }
                },
                200,
                200,
                TimeUnit.MILLISECONDS);
        if (config.metricsPort() >= 0) {
            metrics = new CollectorMetrics(pipeline, this::captureStats, manager);
            if (sink instanceof MediatorSink m) {
                metrics.bindLink(m.client()); // reconnects, resends, spool of the mediator link
            }
            metrics.uncountedDropSources(() -> uncountedDropSources().size());
            metricsPort = metrics.serve(config.metricsAddress(), config.metricsPort(), this::ready);
        }
        if (!finite()) {
            Warmup.run(pipeline, 300_000);
        }
        for (CaptureSource s : sources) {
            s.start(pipeline.consumerFactory());
            LOG.info("capturing from " + s.uri() + " with " + s.threads() + " thread(s)");
        }
    }

    /** SIP call tracking (before the intercepts load, so sipUri targets are accepted). */
    private void enableSip() {
        CollectorSettings.Sip c = config.sip();
        if (c.ports().isEmpty()) {
            return;
        }
        boolean[] ports = RadiusTap.ports(c.ports());
        SipIntercepts calls =
                manager.enableSip(new SipIntercepts.Limits(c.maxCalls(), c.mediaTimeout() * 1_000_000_000L), ports);
        pipeline.setSip(new SipTap(ports, calls, manager));
    }

    /** RADIUS tracking (before the intercepts load, so radiusUser targets are accepted); replays start empty. */
    private void enableRadius(boolean replay) throws java.io.IOException {
        CollectorSettings.Radius r = config.radius();
        if (r.ports().isEmpty()) {
            return;
        }
        io.kubeli.collector.radius.RadiusTracker tracker = new io.kubeli.collector.radius.RadiusTracker(
                new io.kubeli.collector.radius.RadiusTracker.Limits(r.maxSessions(), r.idleSeconds() * 1_000_000_000L));
        io.kubeli.collector.radius.SessionStore store = null;
        if (r.state() != null && !replay) {
            store = new io.kubeli.collector.radius.SessionStore(r.state());
            try {
                int n = store.load(tracker);
                if (n > 0) {
                    LOG.info("restored " + n + " RADIUS session(s)");
                }
            } catch (java.io.IOException e) {
                LOG.warning("RADIUS session table not restored (starting empty): " + e.getMessage());
            }
        }
        manager.enableRadius(tracker, r.identity(), store);
        pipeline.setRadius(new RadiusTap(RadiusTap.ports(r.ports()), tracker, manager));
    }

    /** --kubernetes without --source: the sources (and their filters) of this collector's Collector resource. */
    private void openFromCollectorSpec(CaptureOptions opts) {
        io.kubeli.api.v1alpha1.Collector c = manager.collector();
        if (c == null
                || c.getSpec() == null
                || c.getSpec().getSources() == null
                || c.getSpec().getSources().isEmpty()) {
            throw new CollectorSettings.ConfigException(
                    "no --source given and Collector '" + config.collectorId() + "' has no spec.sources");
        }
        for (io.kubeli.api.v1alpha1.CaptureSourceSpec s : c.getSpec().getSources()) {
            CaptureOptions o = s.getFilter() != null ? opts.withFilter(s.getFilter()) : opts;
            sources.add(CaptureSources.open(sourceUri(s.getUri(), config.ealLcoresFromCpuset()), o));
        }
    }

    /**
     * The URI a source is opened with: afpacket gets a lawful fan-out; with {@code --eal-lcores-from-cpuset} a
     * {@code dpdk:} source without {@code lcores=} gets {@code lcores=cpuset} (EAL and capture threads on the CPUs
     * this process owns: the pod's exclusive cores under the kubelet's static CPU manager).
     */
    static String sourceUri(String uri, boolean ealLcoresFromCpuset) {
        if (ealLcoresFromCpuset && uri.startsWith("dpdk:") && !uri.contains("lcores=")) {
            return uri + (uri.contains("?") ? "&" : "?") + "lcores=cpuset";
        }
        return withLawfulFanout(uri);
    }

    /**
     * afpacket's {@code fanout=hash} sets PACKET_FANOUT_FLAG_DEFRAG: the kernel reassembles IPv4 fragments before
     * the socket sees them (and holds incomplete ones), so the capture is no longer what was on the wire. Without an
     * explicit fanout the collector uses {@code fanout=ip} (symmetric address-pair hash, fragments untouched).
     */
    static String withLawfulFanout(String uri) {
        if (!uri.startsWith("afpacket:")) {
            return uri;
        }
        if (uri.contains("fanout=hash")) {
            LOG.warning("afpacket fanout=hash reassembles IPv4 fragments in the kernel; prefer fanout=ip");
            return uri;
        }
        if (uri.contains("fanout=")) {
            return uri;
        }
        return uri + (uri.contains("?") ? "&" : "?") + "fanout=ip";
    }

    /** True when every source is finite (pcapfile:). */
    public boolean finite() {
        return sources.stream().allMatch(CaptureSource::isFinite);
    }

    /** Waits for every finite source to end; throws the first capture failure. */
    public void awaitFiniteEnd() throws InterruptedException {
        for (CaptureSource s : sources) {
            while (!s.awaitEnd(Duration.ofSeconds(1))) {
                // keep waiting: files end by themselves
            }
            if (s.failure().isPresent()) {
                CaptureException e = s.failure().get();
                throw e;
            }
        }
    }

    /** Sum of the capture statistics of all sources. */
    public CaptureStats captureStats() {
        long p = 0, b = 0, sd = 0, id = 0, bd = 0, t = 0, e = 0;
        for (CaptureSource s : sources) {
            CaptureStats c = s.stats();
            p += c.packets();
            b += c.bytes();
            sd += c.socketDrops();
            id += c.interfaceDrops();
            bd += c.backlogDrops();
            t += c.truncated();
            e += c.errors();
        }
        return new CaptureStats(p, b, sd, id, bd, t, e);
    }

    /**
     * The sources that cannot count all their drops, each as its reason ({@link CaptureSource#uncountedDrops()}):
     * shown next to the drop counters, so zero drops there is not read as "nothing lost".
     */
    public List<String> uncountedDropSources() {
        List<String> l = new ArrayList<>();
        for (CaptureSource s : sources) {
            String why = s.uncountedDrops();
            if (why != null) {
                l.add(why);
            }
        }
        return l;
    }

    /** Ready: intercepts loaded, sources started, sink accepting. */
    public boolean ready() {
        return manager.loaded() && !closed && sink.ready();
    }

    public CollectorPipeline pipeline() {
        return pipeline;
    }

    public InterceptManager manager() {
        return manager;
    }

    /** Port of the metrics endpoint, or -1. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The one-line summary (packets, targets matched, records, drops). */
    public String summary() {
        CollectorPipeline.Stats p = pipeline.stats();
        CaptureStats c = captureStats();
        PduSink.SinkStats s = sink.stats();
        long cc = manager.records(null, Stream.CC);
        long iri = manager.records(null, Stream.IRI);
        long drops = c.drops() + s.lost() + p.encodeErrors();
        List<String> uncounted = uncountedDropSources();
        return String.format(
                        Locale.ROOT,
                        "kubeli collector: packets=%d bytes=%d matched=%d records=%d (cc=%d iri=%d)"
                                + " written=%d drops=%d (socket=%d interface=%d backlog=%d sink=%d encoder=%d) malformed=%d"
                                + " out-of-window=%d capture-errors=%d uncounted-drop-sources=%d%s",
                        p.packets(),
                        p.bytes(),
                        p.matched(),
                        cc + iri,
                        cc,
                        iri,
                        s.written(),
                        drops,
                        c.socketDrops(),
                        c.interfaceDrops(),
                        c.backlogDrops(),
                        s.lost(),
                        p.encodeErrors(),
                        p.malformed(),
                        p.outOfWindow(),
                        c.errors(),
                        uncounted.size(),
                        uncounted.isEmpty() ? "" : " (" + String.join("; ", uncounted) + ")")
                + radiusSummary()
                + sipSummary();
    }

    private String sipSummary() {
        SipIntercepts t = manager.sipCalls();
        if (t == null) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                " sip-ok=%d sip-malformed=%d sip-calls=%d sip-calls-active=%d"
                        + " sip-calls-refused=%d sip-retransmissions=%d sip-late=%d sip-cin-collisions=%d",
                t.results(io.kubeli.collector.sip.SipParser.Result.OK),
                t.malformed(),
                t.totalCalls(),
                t.activeCalls(),
                t.callsRefused.sum(),
                t.retransmissions.sum(),
                t.lateMessages.sum(),
                t.cinCollisions.sum());
    }

    private String radiusSummary() {
        io.kubeli.collector.radius.RadiusTracker t = manager.radiusTracker();
        if (t == null) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                " radius-sessions=%d radius-ok=%d radius-malformed=%d radius-fragments=%d",
                t.size(),
                t.results(io.kubeli.collector.radius.RadiusParser.Result.OK),
                t.malformed(),
                pipeline.radiusFragments());
    }

    /** Stops capture, drains the encoders, ends interceptions (IRI-End), closes the sink. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (CaptureSource s : sources) {
            try {
                s.stop();
                if (!s.awaitEnd(Duration.ofSeconds(10))) {
                    LOG.severe("capture threads of " + s.uri() + " did not end within 10 s");
                }
            } catch (RuntimeException e) {
                LOG.warning("stopping " + s.uri() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ticker.shutdownNow();
        if (interceptSource != null) {
            interceptSource.close();
        }
        try {
            pipeline.drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        manager.endAll();
        for (CaptureSource s : sources) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warning("closing " + s.uri() + ": " + e.getMessage());
            }
        }
        sink.close();
        if (metrics != null) {
            metrics.close();
        }
    }
}
