package io.kubeli.mediator;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.mediator.config.AgencyEndpoints;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.handover.Endpoint;
import io.kubeli.mediator.handover.HandoverSender;
import io.kubeli.mediator.handover.HiStats;
import io.kubeli.mediator.store.DeliveryLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/** One agency: its two durable buffers (hi2 = IRI, hi3 = CC) and the two handover connections draining them. */
public final class AgencyChannel implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AgencyChannel.class.getName());

    private final String name;
    private final ResourceCatalog catalog;
    private final Function<String, SSLContext> tls;
    final DeliveryLog hi2Log, hi3Log;
    final HiStats hi2Stats = new HiStats(), hi3Stats = new HiStats();
    private final HandoverSender hi2, hi3;
    private volatile long seenVersion = -1;
    private volatile Endpoint ep2, ep3;
    private volatile String endpointError;

    AgencyChannel(
            String name,
            Path dir,
            MediatorSettings s,
            ResourceCatalog catalog,
            Function<String, SSLContext> tls,
            java.util.function.Supplier<HandoverSender.FirstSend> firstSend)
            throws IOException {
        this.name = name;
        this.catalog = catalog;
        this.tls = tls;
        hi2Log = Mediator.openLog(dir.resolve("hi2"), s);
        hi3Log = Mediator.openLog(dir.resolve("hi3"), s);
        hi2 = new HandoverSender(name, "hi2", hi2Log, () -> endpoint(true), hi2Stats, firstSend.get());
        hi3 = new HandoverSender(
                name,
                "hi3",
                hi3Log,
                () -> endpoint(false),
                hi3Stats,
                firstSend.get()); // each sender thread its own: they keep per-thread state
    }

    private boolean started;

    synchronized void start() {
        if (started) return;
        started = true;
        hi2.start();
        hi3.start();
    }

    public String name() {
        return name;
    }

    public DeliveryLog log(boolean cc) {
        return cc ? hi3Log : hi2Log;
    }

    public HiStats stats(boolean hi2) {
        return hi2 ? hi2Stats : hi3Stats;
    }

    /** The configured endpoint, rebuilt when the catalog changed; null while the Agency is unknown or unusable. */
    private Endpoint endpoint(boolean isHi2) {
        long v = catalog.version();
        if (v != seenVersion) {
            synchronized (this) {
                if (v != seenVersion) {
                    Agency a = catalog.agency(name);
                    try {
                        ep2 = a == null ? null : AgencyEndpoints.endpoint(a, true, tls);
                        ep3 = a == null ? null : AgencyEndpoints.endpoint(a, false, tls);
                        endpointError = null;
                    } catch (RuntimeException e) {
                        ep2 = ep3 = null;
                        if (!String.valueOf(e.getMessage()).equals(endpointError))
                            LOG.warning("agency " + name + ": " + e.getMessage());
                        endpointError = e.getMessage();
                    }
                    seenVersion = v;
                }
            }
        }
        return isHi2 ? ep2 : ep3;
    }

    /** Bytes waiting in both buffers. */
    public long bufferBytes() {
        return hi2Log.bytes() + hi3Log.bytes();
    }

    @Override
    public void close() throws IOException {
        hi2.close();
        hi3.close();
        hi2Log.close();
        hi3Log.close();
    }
}
