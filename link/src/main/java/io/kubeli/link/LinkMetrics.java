package io.kubeli.link;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.ToDoubleFunction;

/** Optional Micrometer binding of the link's stats (micrometer-core must be on the class path). */
public final class LinkMetrics {
    private LinkMetrics() {}

    /** Registers kubeli_link_client_* meters for a client (tag collector). */
    public static void bindClient(MeterRegistry r, LinkClient c) {
        Tags t = Tags.of("collector", c.config().collectorId());
        counter(r, "kubeli.link.client.offered", t, c, x -> x.stats().offered());
        counter(r, "kubeli.link.client.sent", t, c, x -> x.stats().sent());
        counter(r, "kubeli.link.client.acked", t, c, x -> x.stats().acked());
        counter(r, "kubeli.link.client.spooled", t, c, x -> x.stats().spooled());
        counter(r, "kubeli.link.client.lost", t, c, x -> x.stats().lost());
        counter(r, "kubeli.link.client.reconnects", t, c, x -> x.stats().reconnects());
        counter(r, "kubeli.link.client.resent", t, c, x -> x.stats().resent());
        Gauge.builder("kubeli.link.client.queue.depth", c, x -> x.stats().queueDepth())
                .tags(t)
                .register(r);
        Gauge.builder("kubeli.link.client.spool.bytes", c, x -> x.stats().spoolBytes())
                .tags(t)
                .register(r);
        Gauge.builder("kubeli.link.client.connected", c, x -> x.stats().connected() ? 1 : 0)
                .tags(t)
                .register(r);
    }

    /** Registers kubeli_link_server_* meters for a server. */
    public static void bindServer(MeterRegistry r, LinkServer s) {
        Tags t = Tags.of("port", Integer.toString(s.port()));
        Gauge.builder("kubeli.link.server.connections", s, x -> x.stats().connectionsOpen())
                .tags(t)
                .register(r);
        counter(
                r,
                "kubeli.link.server.connections.accepted",
                t,
                s,
                x -> x.stats().connectionsAccepted());
        counter(
                r,
                "kubeli.link.server.connections.refused",
                t,
                s,
                x -> x.stats().connectionsRefused());
        counter(r, "kubeli.link.server.protocol.errors", t, s, x -> x.stats().protocolErrors());
        counter(r, "kubeli.link.server.records.received", t, s, x -> x.stats().recordsReceived());
        counter(r, "kubeli.link.server.records.stored", t, s, x -> x.stats().recordsStored());
        counter(r, "kubeli.link.server.records.duplicate", t, s, x -> x.stats().duplicates());
        counter(r, "kubeli.link.server.backpressure", t, s, x -> x.stats().backPressureEvents());
        counter(r, "kubeli.link.server.store.errors", t, s, x -> x.stats().storeErrors());
    }

    /** Registers kubeli_log_* meters for a segment log (tag log = name). */
    public static void bindLog(MeterRegistry r, String name, SegmentLog log) {
        Tags t = Tags.of("log", name);
        Gauge.builder("kubeli.log.bytes", log, SegmentLog::sizeBytes).tags(t).register(r);
        Gauge.builder("kubeli.log.max.bytes", log, x -> x.config().maxBytes())
                .tags(t)
                .register(r);
        Gauge.builder("kubeli.log.full", log, x -> x.isFull() ? 1 : 0).tags(t).register(r);
        counter(r, "kubeli.log.appended", t, log, x -> x.stats().appendedRecords());
        counter(r, "kubeli.log.syncs", t, log, x -> x.stats().syncs());
        counter(r, "kubeli.log.full.rejections", t, log, x -> x.stats().fullRejections());
        counter(r, "kubeli.log.corrupt.skipped", t, log, x -> x.stats().corruptSkipped());
    }

    private static <T> void counter(MeterRegistry r, String name, Tags t, T obj, ToDoubleFunction<T> f) {
        FunctionCounter.builder(name, obj, f).tags(t).register(r);
    }
}
