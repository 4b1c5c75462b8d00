package io.kubeli.mediator.status;

import io.kubeli.link.HealthEndpoint;
import io.kubeli.mediator.AgencyChannel;
import io.kubeli.mediator.Mediator;
import io.kubeli.mediator.handover.HiStats;
import io.kubeli.mediator.ingest.Ingest;
import io.kubeli.mediator.ingest.InterceptCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** Micrometer/Prometheus metrics of the mediator (labels are resource names only) and the /metrics, /healthz, /readyz endpoints. */
public final class MediatorMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Mediator mediator;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private HealthEndpoint endpoint;

    /** Exports the collector link server's own meters (kubeli_link_server_*). */
    public void bindLink(io.kubeli.link.LinkServer server) {
        io.kubeli.link.LinkMetrics.bindServer(registry, server);
    }

    public MediatorMetrics(Mediator mediator) {
        this.mediator = mediator;
        Ingest in = mediator.ingest();
        counter("kubeli_mediator_records_stored", "records stored durably", in, i -> i.stored.get());
        counter(
                "kubeli_mediator_records_duplicate",
                "records discarded as link duplicates",
                in,
                i -> i.duplicates.get());
        counter(
                "kubeli_mediator_records_held",
                "records held for an unknown Intercept or Agency",
                in,
                i -> i.heldTotal.get());
        counter(
                "kubeli_mediator_records_released",
                "held records routed after their resource appeared",
                in,
                i -> i.released.get());
        counter(
                "kubeli_mediator_records_filtered",
                "records not delivered because of the Intercept's output mode",
                in,
                i -> i.filtered.get());
        counter(
                "kubeli_mediator_records_refused_full",
                "records refused (not acknowledged) because a buffer was full",
                in,
                i -> i.rejectedFull.get());
        Gauge.builder("kubeli_mediator_held_records", in, Ingest::heldRecords)
                .description("records waiting in the holding log")
                .register(registry);
        Gauge.builder("kubeli_mediator_buffer_full", in, i -> i.bufferFull() ? 1 : 0)
                .description("1 while a durable buffer refuses batches (alarm)")
                .register(registry);
        Gauge.builder("kubeli_mediator_storage_failed", mediator, m -> m.storageFailed() ? 1 : 0)
                .description(
                        "1 while the last write of a durable buffer failed (disk full, I/O error): not ready, nothing acknowledged")
                .register(registry);
        Gauge.builder(
                        "kubeli_mediator_storage_quarantined_bytes",
                        mediator,
                        m -> storeStat(m, io.kubeli.link.SegmentLogStats::quarantinedBytes))
                .description("unreadable stored bytes set aside in quarantine/ directories at recovery or read (alarm)")
                .register(registry);
        counter(
                "kubeli_mediator_storage_failures",
                "durable buffer writes that failed (nothing of them kept)",
                mediator,
                m -> storeStat(m, io.kubeli.link.SegmentLogStats::storageFailures));
        // routing by the mediator's own knowledge: what it refused to deliver (readiness-independent alarm)
        for (String reason : in.apartByReason().keySet()) {
            FunctionCounter.builder(
                            "kubeli_mediator_records_held_apart",
                            in,
                            i -> i.apartByReason().getOrDefault(reason, 0L))
                    .description(
                            "records not delivered because they contradict the Intercept owning their LIID (unknown-liid: held until it appears)")
                    .tags("reason", reason)
                    .register(registry);
        }
        Gauge.builder("kubeli_mediator_quarantined_records", in, Ingest::quarantinedRecords)
                .description("records held apart on disk, never delivered")
                .register(registry);
        counter(
                "kubeli_mediator_records_quarantine_discarded",
                "records held apart but not kept because the quarantine was full",
                in,
                i -> i.quarantineDiscarded.get());
        Gauge.builder("kubeli_mediator_routing_alarm", in, i -> i.routingAlarm() ? 1 : 0)
                .description("1 while records that name another agency or an LIID no Intercept owns are held (alarm)")
                .register(registry);
        var hi1 = mediator.hi1();
        if (hi1 != null) {
            for (String type : new String[] {"activated", "modified", "deactivated"}) {
                FunctionCounter.builder(
                                "kubeli_mediator_hi1_notifications",
                                hi1,
                                h -> (switch (type) {
                                            case "activated" -> h.activations;
                                            case "modified" -> h.modifications;
                                            default -> h.deactivations;
                                        })
                                        .get())
                        .description("HI1 notifications decided for agencies")
                        .tags("type", type)
                        .register(registry);
            }
            Gauge.builder("kubeli_mediator_hi1_pending", hi1, h -> h.pendingCount())
                    .description("HI1 notifications not yet stored")
                    .register(registry);
        }
        refresh();
    }

    private <T> void counter(String name, String help, T obj, java.util.function.ToDoubleFunction<T> f) {
        FunctionCounter.builder(name, obj, f).description(help).register(registry);
    }

    /** Registers meters for agencies and intercepts that appeared since the last call. */
    public void refresh() {
        for (AgencyChannel ch : mediator.channels().values()) {
            if (!registered.add("a/" + ch.name())) continue;
            for (boolean hi2 : new boolean[] {true, false}) {
                HiStats s = ch.stats(hi2);
                Tags t = Tags.of("agency", ch.name(), "hi", hi2 ? "hi2" : "hi3");
                Gauge.builder("kubeli_mediator_handover_connected", s, x -> x.state == HiStats.State.Connected ? 1 : 0)
                        .tags(t)
                        .register(registry);
                Gauge.builder(
                                "kubeli_mediator_keepalive_rtt_seconds",
                                s,
                                x -> x.lastKeepAliveRttMicros < 0 ? Double.NaN : x.lastKeepAliveRttMicros / 1e6)
                        .tags(t)
                        .register(registry);
                Gauge.builder(
                                "kubeli_mediator_buffer_bytes",
                                ch,
                                c -> c.log(!hi2).bytes())
                        .tags(t)
                        .register(registry);
                Gauge.builder(
                                "kubeli_mediator_buffer_records",
                                ch,
                                c -> c.log(!hi2).end() - c.log(!hi2).committed())
                        .tags(t)
                        .register(registry);
                FunctionCounter.builder("kubeli_mediator_records_sent", s, x -> x.sent.get())
                        .tags(t)
                        .register(registry);
                FunctionCounter.builder("kubeli_mediator_records_delivered", s, x -> x.delivered.get())
                        .description("confirmed by a keep-aliveResponse")
                        .tags(t)
                        .register(registry);
                FunctionCounter.builder("kubeli_mediator_records_resent", s, x -> x.resent.get())
                        .tags(t)
                        .register(registry);
                FunctionCounter.builder("kubeli_mediator_reconnects", s, x -> x.reconnects.get())
                        .tags(t)
                        .register(registry);
                FunctionCounter.builder("kubeli_mediator_keepalive_timeouts", s, x -> x.keepAliveTimeouts.get())
                        .tags(t)
                        .register(registry);
                FunctionCounter.builder(
                                "kubeli_mediator_keepalive_responses_unexpected",
                                s,
                                x -> x.unexpectedKeepAliveResponses.get())
                        .description("answers matching no outstanding keep-alive (confirm nothing)")
                        .tags(t)
                        .register(registry);
            }
        }
        for (var e : mediator.ingest().counters().entrySet()) {
            if (!registered.add("i/" + e.getKey())) continue;
            InterceptCounters c = e.getValue();
            FunctionCounter.builder("kubeli_mediator_intercept_records", c, x -> x.cc.get())
                    .tags("intercept", e.getKey(), "stream", "cc")
                    .register(registry);
            FunctionCounter.builder("kubeli_mediator_intercept_records", c, x -> x.iri.get())
                    .tags("intercept", e.getKey(), "stream", "iri")
                    .register(registry);
        }
    }

    private static double storeStat(Mediator m, java.util.function.ToLongFunction<io.kubeli.link.SegmentLogStats> f) {
        long sum = 0;
        for (var l : m.logs())
            if (l instanceof io.kubeli.mediator.store.LinkSegmentLog s) sum += f.applyAsLong(s.stats());
        return sum;
    }

    public String scrape() {
        refresh();
        return registry.scrape();
    }

    /** Serves /metrics, /healthz and /readyz on {@code port}; returns the bound port. */
    public int serve(int port, BooleanSupplier ready) throws IOException {
        endpoint = HealthEndpoint.start(port, this::scrape, ready);
        return endpoint.port();
    }

    @Override
    public void close() {
        if (endpoint != null) endpoint.close();
        registry.close();
    }
}
