package io.kubeli.collector;

import io.kubeli.capture.CaptureStats;
import io.kubeli.link.HealthEndpoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics of the collector (labelled by intercept NAME, never by target) and a tiny HTTP endpoint
 * serving {@code /metrics}, {@code /healthz} and {@code /readyz}.
 */
public final class CollectorMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CollectorPipeline pipeline;
    private final InterceptManager manager;
    private HealthEndpoint endpoint;

    /** Exports the mediator link's own meters (kubeli_link_client_*). */
    void bindLink(io.kubeli.link.LinkClient client) {
        io.kubeli.link.LinkMetrics.bindClient(registry, client);
    }

    public CollectorMetrics(CollectorPipeline pipeline, Supplier<CaptureStats> capture, InterceptManager manager) {
        this.pipeline = pipeline;
        this.manager = manager;
        counter(
                "kubeli.collector.packets",
                "packets seen by the matcher",
                p -> p.stats().packets());
        counter(
                "kubeli.collector.bytes",
                "bytes (wire length) seen by the matcher",
                p -> p.stats().bytes());
        counter(
                "kubeli.collector.matches",
                "packets with a target address",
                p -> p.stats().matched());
        counter(
                "kubeli.collector.out.of.window",
                "target packets outside the warrant window (not delivered)",
                p -> p.stats().outOfWindow());
        counter(
                "kubeli.collector.malformed",
                "frames that could not be decoded",
                p -> p.stats().malformed());
        counter(
                "kubeli.collector.not.ip",
                "frames without an IP packet",
                p -> p.stats().notIp());
        counter(
                "kubeli.collector.truncated",
                "target packets captured shorter than their length",
                p -> p.stats().truncated());
        counter(
                "kubeli.collector.ring.full.waits",
                "times a capture thread waited for an encoder",
                p -> p.stats().ringFullWaits());
        drop("socket", capture, s -> s.socketDrops());
        drop("interface", capture, s -> s.interfaceDrops());
        drop("backlog", capture, s -> s.backlogDrops());
        FunctionCounter.builder(
                        "kubeli.collector.drops",
                        pipeline,
                        p -> p.sink().stats().lost())
                .tag("place", "sink")
                .description("packets or records lost, by place")
                .register(registry);
        FunctionCounter.builder(
                        "kubeli.collector.drops", pipeline, p -> p.stats().encodeErrors())
                .tag("place", "encoder")
                .description("packets or records lost, by place")
                .register(registry);
        FunctionCounter.builder(
                        "kubeli.collector.capture.errors", capture, c -> c.get().errors())
                .description("consumer exceptions counted by the capture sources")
                .register(registry);
        Gauge.builder("kubeli.collector.queue.depth", pipeline, p -> p.stats().backlog())
                .description("matched packets waiting for an encoder")
                .register(registry);
        Gauge.builder(
                        "kubeli.collector.sink.queue",
                        pipeline,
                        p -> p.sink().stats().queued())
                .description("records in the sink's memory queue")
                .register(registry);
        Gauge.builder(
                        "kubeli.collector.spool.bytes",
                        pipeline,
                        p -> p.sink().stats().spoolBytes())
                .description("bytes in the sink's disk spool")
                .register(registry);
        Gauge.builder(
                        "kubeli.collector.sink.lag.seconds",
                        pipeline,
                        p -> p.sink().stats().lagMillis() / 1000.0)
                .description("age of the oldest unacknowledged record")
                .register(registry);
        Gauge.builder("kubeli.collector.intercepts.active", manager, InterceptManager::activeIntercepts)
                .description("intercepts with usable targets")
                .register(registry);
        Gauge.builder("kubeli.collector.intercepts.rejected", manager, InterceptManager::rejectedIntercepts)
                .description("intercepts that could not be applied (agency, window, a target not served)")
                .register(registry);
        Gauge.builder("kubeli.collector.intercepts.refused", manager, InterceptManager::refusedIntercepts)
                .description("intercepts refused because another Intercept owns their LIID")
                .register(registry);
        Gauge.builder("kubeli.collector.resources.rejected", manager, InterceptManager::rejectedResources)
                .description("intercept files, documents or resources that could not be read")
                .register(registry);
        FunctionCounter.builder("kubeli.collector.rejections", manager, InterceptManager::rejections)
                .description("distinct rejections and refusals logged (files, resources, intercepts)")
                .register(registry);
        Gauge.builder("kubeli.collector.cin.slot.known", manager, m -> m.loaded() ? 1 : 0)
                .description("1 once intercepts are loaded and this instance's CIN slot is known")
                .register(registry);
        io.kubeli.collector.radius.RadiusTracker t = manager.radiusTracker();
        if (t != null) {
            for (io.kubeli.collector.radius.RadiusParser.Result r :
                    io.kubeli.collector.radius.RadiusParser.Result.values()) {
                FunctionCounter.builder("kubeli.collector.radius.packets", t, x -> x.results(r))
                        .tag("result", r.name().toLowerCase(java.util.Locale.ROOT))
                        .description("RADIUS packets by parse result (ok, ignored_code, or the malformed rule)")
                        .register(registry);
            }
            FunctionCounter.builder("kubeli.collector.radius.fragments", pipeline, CollectorPipeline::radiusFragments)
                    .description("fragmented RADIUS datagrams seen (first fragments; reassembled per capture thread)")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.radius.unpaired", t, x -> x.unpairedResponses())
                    .description("RADIUS responses without a matching request")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.radius.sessions.evicted", t, x -> x.evicted())
                    .description("sessions dropped because the table was full (--radius-max-sessions)")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.radius.sessions.idle", t, x -> x.idleEnded())
                    .description("sessions ended by the idle timeout")
                    .register(registry);
            Gauge.builder("kubeli.collector.radius.sessions", t, x -> x.size())
                    .description("RADIUS sessions tracked (all users)")
                    .register(registry);
            Gauge.builder(
                            "kubeli.collector.radius.sessions.intercepted",
                            manager,
                            InterceptManager::radiusBoundSessions)
                    .description("sessions of radiusUser targets bound to an Intercept")
                    .register(registry);
        }
        SipIntercepts sip = manager.sipCalls();
        if (sip != null) {
            for (io.kubeli.collector.sip.SipParser.Result r : io.kubeli.collector.sip.SipParser.Result.values()) {
                FunctionCounter.builder("kubeli.collector.sip.messages", sip, x -> x.results(r))
                        .tag("result", r.name().toLowerCase(java.util.Locale.ROOT))
                        .description("SIP messages by parse result (ok, incomplete, not_sip, or the malformed rule)")
                        .register(registry);
            }
            FunctionCounter.builder("kubeli.collector.sip.fragments", pipeline, CollectorPipeline::sipFragments)
                    .description("fragmented SIP datagrams seen (first fragments; reassembled)")
                    .register(registry);
            FunctionCounter.builder(
                            "kubeli.collector.sip.fragments.dropped", pipeline, CollectorPipeline::sipFragmentDrops)
                    .description("fragmented SIP datagrams given up (overlap,"
                            + " oversize, 5 s timeout, all reassembly slots busy)")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.sip.calls", sip, SipIntercepts::totalCalls)
                    .description("calls of sipUri targets followed")
                    .register(registry);
            Gauge.builder("kubeli.collector.sip.calls.active", sip, SipIntercepts::activeCalls)
                    .description("calls of sipUri targets followed now")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.sip.calls.refused", sip, x -> x.callsRefused.sum())
                    .description("target calls not followed (--sip-max-calls already followed, or no free CIN)")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.sip.calls.expired", sip, x -> x.callsExpired.sum())
                    .description("target calls ended by --sip-media-timeout")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.sip.retransmissions", sip, x -> x.retransmissions.sum())
                    .description(
                            "retransmitted SIP messages of followed calls (delivered as IRI-Continue, no new call)")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.sip.late", sip, x -> x.lateMessages.sum())
                    .description("SIP messages of a call after its IRI-End (delivered as IRI-Report)")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.sip.cin.collisions", sip, x -> x.cinCollisions.sum())
                    .description("calls whose Call-ID's CIN was held by another call (another CIN was probed)")
                    .register(registry);
            Gauge.builder("kubeli.collector.sip.media.endpoints", pipeline.media(), MediaTable::size)
                    .description("target media endpoints (address, port) of calls up, RTCP included")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.sip.media.displaced", pipeline.media(), MediaTable::displaced)
                    .description("media endpoint claims dropped because " + MediaTable.MAX_SHARE
                            + " newer calls claimed the same address and port")
                    .register(registry);
            FunctionCounter.builder("kubeli.collector.sip.sdp.rejected", sip, x -> x.sdpRejected.sum())
                    .description("SDP media endpoints refused (port below 1024 or a SIP port)")
                    .register(registry);
        }
        manager.onNewKey(this::registerKey);
    }

    /** Gauge of the capture sources that cannot count all their drops (0 = the drop counters are complete). */
    public void uncountedDropSources(IntSupplier n) {
        Gauge.builder("kubeli.collector.uncounted.drop.sources", n, IntSupplier::getAsInt)
                .description("capture sources that cannot count all their drops (reason in the log and the exit"
                        + " summary): their drops are not in kubeli_collector_drops_total")
                .strongReference(true) // a lambda: the registry's weak reference alone would lose it
                .register(registry);
    }

    private void counter(String name, String help, ToDoubleFunction<CollectorPipeline> f) {
        FunctionCounter.builder(name, pipeline, f).description(help).register(registry);
    }

    private void drop(String place, Supplier<CaptureStats> capture, ToDoubleFunction<CaptureStats> f) {
        FunctionCounter.builder("kubeli.collector.drops", capture, c -> f.applyAsDouble(c.get()))
                .tag("place", place)
                .description("packets or records lost, by place")
                .register(registry);
    }

    // one pair of counters per intercept, however many CINs (keys) it has
    private final java.util.Set<String> registeredIntercepts = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void registerKey(KeyState k) {
        String name = k.interceptName();
        if (!registeredIntercepts.add(name)) {
            return;
        }
        FunctionCounter.builder("kubeli.collector.records", manager, m -> sum(m, name, Stream.CC))
                .tags("intercept", name, "stream", "cc")
                .description("records encoded per intercept")
                .register(registry);
        FunctionCounter.builder("kubeli.collector.records", manager, m -> sum(m, name, Stream.IRI))
                .tags("intercept", name, "stream", "iri")
                .description("records encoded per intercept")
                .register(registry);
    }

    private static double sum(InterceptManager m, String name, Stream s) {
        return m.records(name, s);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** Serves /metrics, /healthz (alive) and /readyz (ready.getAsBoolean()) on {@code port} (0 = ephemeral). */
    public int serve(int port, BooleanSupplier ready) throws IOException {
        return serve(null, port, ready);
    }

    /** As {@link #serve(int, BooleanSupplier)} bound to {@code address} (IP literal; null = every address). */
    public int serve(String address, int port, BooleanSupplier ready) throws IOException {
        endpoint = HealthEndpoint.start(address, port, this::scrape, ready);
        return endpoint.port();
    }

    @Override
    public void close() {
        if (endpoint != null) {
            endpoint.close();
        }
        registry.close();
    }
}
