package io.kubeli.mediator.ingest;

import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.OutputMode;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.store.DeliveryLog;
import io.kubeli.mediator.store.LogEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Stores collector batches durably: routes each record by its Intercept/Agency into that agency's HI2 or HI3 buffer,
 * holds records whose Intercept or Agency is unknown (in order, per intercept) and releases them when it appears.
 * A batch is all-or-nothing: when a buffer is full nothing is stored and the caller must not acknowledge.
 */
public final class Ingest {
    private static final Logger LOG = Logger.getLogger(Ingest.class.getName());

    /** Where a record goes. */
    private record Route(DeliveryLog log, boolean hold, boolean filtered) {}

    private final ResourceCatalog catalog;
    private final Function<String, DeliveryLog[]> agencyLogs;   // [hi2, hi3], created on first use
    private final DeliveryLog held;
    private final DedupState dedup;
    private final Set<String> heldIntercepts = new HashSet<>();
    private final Map<String, InterceptCounters> counters = new ConcurrentHashMap<>();
    private final LogEntry.Encoder enc = new LogEntry.Encoder();
    public final AtomicLong stored = new AtomicLong(), duplicates = new AtomicLong(), heldTotal = new AtomicLong(),
            released = new AtomicLong(), filtered = new AtomicLong(), rejectedFull = new AtomicLong();
    private volatile boolean full;
    private long lastFullLog;

    public Ingest(ResourceCatalog catalog, Function<String, DeliveryLog[]> agencyLogs, DeliveryLog held, DedupState dedup) throws IOException {
        this.catalog = catalog;
        this.agencyLogs = agencyLogs;
        this.held = held;
        this.dedup = dedup;
        // rebuild which intercepts have held records (order must be kept behind them)
        long pos = held.committed();
        while (pos < held.end()) {
            int n = held.read(pos, 4096, 1 << 20, (i, b, o, l) -> heldIntercepts.add(LogEntry.decode(b, o, l).intercept()));
            if (n == 0) break;
            pos += n;
        }
    }

    public long highestStored(String collector) {
        return dedup.highest(collector);
    }

    /** Whether the last batch was refused for a full buffer (the alarm). */
    public boolean bufferFull() {
        return full;
    }

    public Map<String, InterceptCounters> counters() {
        return counters;
    }

    public InterceptCounters counters(String intercept) {
        return counters.computeIfAbsent(intercept, k -> new InterceptCounters());
    }

    /** Records currently held for unknown intercepts/agencies. */
    public long heldRecords() {
        return held.end() - held.committed();
    }

    /**
     * Stores a batch durably (returns only after the fsync policy is satisfied).
     *
     * @throws BufferFullException when any target buffer lacks room; nothing of the batch was stored
     */
    public synchronized void store(List<IncomingRecord> batch) throws IOException, BufferFullException {
        List<Route> routes = new ArrayList<>(batch.size());
        Map<DeliveryLog, long[]> need = new IdentityHashMap<>();
        Map<String, Long> batchHighest = new HashMap<>();
        IncomingRecord prev = null;
        Route prevRoute = null;
        long[] prevNeed = null;
        String collector = null;
        long highest = -1;
        for (IncomingRecord r : batch) {
            if (!r.collector().equals(collector)) {        // batches normally come from one collector: look up once
                if (collector != null) batchHighest.put(collector, highest);
                collector = r.collector();
                highest = Math.max(dedup.highest(collector), batchHighest.getOrDefault(collector, -1L));
            }
            if (r.linkSeq() <= highest) { routes.add(null); continue; }
            highest = r.linkSeq();
            Route rt = prev != null && prevRoute != null && prev.cc() == r.cc() && prev.intercept().equals(r.intercept())
                    && java.util.Objects.equals(prev.agency(), r.agency()) ? prevRoute : route(r.intercept(), r.agency(), r.cc());
            if (rt != prevRoute && !rt.filtered()) prevNeed = need.computeIfAbsent(rt.log(), k -> new long[1]);
            prev = r;
            prevRoute = rt;
            routes.add(rt);
            if (!rt.filtered()) prevNeed[0] += r.pdu().length + 64 + r.intercept().length() + r.collector().length();
        }
        if (collector != null) batchHighest.put(collector, highest);
        for (var e : need.entrySet()) {
            DeliveryLog l = e.getKey();
            long bytes = e.getValue()[0];
            // a batch larger than the whole bound could never fit: take it once nothing is waiting (bounded overshoot)
            boolean oversizedButDrained = bytes > l.capacity() / 2 && l.end() == l.committed();
            if (!l.fits(bytes) && !oversizedButDrained) {
                rejectedFull.addAndGet(batch.size());
                full = true;
                long now = System.currentTimeMillis();
                if (now - lastFullLog > 5000) {
                    lastFullLog = now;
                    LOG.warning("a durable buffer is full: not acknowledging, collectors spool (back-pressure)");
                }
                throw new BufferFullException("durable buffer full");
            }
        }
        full = false;
        Set<DeliveryLog> touched = need.keySet();
        long nDup = 0, nFiltered = 0, nHeld = 0, nStored = 0;   // counted once the batch is durable (a failed one is retried)
        for (int i = 0; i < batch.size(); i++) {
            IncomingRecord r = batch.get(i);
            Route rt = routes.get(i);
            if (rt == null) { nDup++; continue; }
            if (rt.filtered()) { nFiltered++; counters(r.intercept()).filtered.incrementAndGet(); continue; }
            String agency = r.agency() == null ? "" : r.agency();
            int n = enc.encode(r.cc(), r.intercept(), agency, r.collector(), r.linkSeq(), r.pdu(), 0, r.pdu().length);
            rt.log().append(enc.array(), 0, n);
            if (rt.hold()) {
                if (heldIntercepts.add(r.intercept())) LOG.warning("holding records for intercept " + r.intercept() + ": its Intercept or Agency is not known yet");
                nHeld++;
                counters(r.intercept()).held.incrementAndGet();
            }
            nStored++;
        }
        DeliveryLog.syncAll(touched);     // all target logs or none: a failure leaves nothing stored
        duplicates.addAndGet(nDup);
        filtered.addAndGet(nFiltered);
        heldTotal.addAndGet(nHeld);
        stored.addAndGet(nStored);
        batchHighest.forEach(dedup::update);
    }

    private Route route(String interceptName, String agencyName, boolean cc) {
        if (heldIntercepts.contains(interceptName)) return new Route(held, true, false);
        Intercept ic = catalog.intercept(interceptName);
        if (ic == null) return new Route(held, true, false);
        String agency = agencyName == null || agencyName.isEmpty() ? ic.getSpec().getAgencyRef() : agencyName;
        if (catalog.agency(agency) == null) return new Route(held, true, false);
        OutputMode out = ic.getSpec().outputOrDefault();
        if ((cc && out == OutputMode.IRI_ONLY) || (!cc && out == OutputMode.CC_ONLY)) return new Route(null, false, true);
        return new Route(agencyLogs.apply(agency)[cc ? 1 : 0], false, false);
    }

    /** Re-routes held records whose Intercept and Agency are now known; the rest stay held, in order. */
    public synchronized void releaseHeld() throws IOException {
        if (heldIntercepts.isEmpty() && held.end() == held.committed()) return;
        long end = held.end();
        Set<String> stillHeld = new HashSet<>();
        Set<DeliveryLog> touched = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        long[] moved = {0};
        Set<String> seen = new HashSet<>();   // on a failure all of them stay held (their records are still in the holding log)
        heldIntercepts.clear(); // route() must see the catalog, not the old hold set
        long pos = held.committed();
        IOException[] err = {null};
        while (pos < end) {
            int n = held.read(pos, (int) Math.min(4096, end - pos), 1 << 20, (i, b, o, l) -> {
                if (err[0] != null) return;
                LogEntry e = LogEntry.decode(b, o, l);
                seen.add(e.intercept());
                try {
                    Route rt = stillHeld.contains(e.intercept()) ? null : route(e.intercept(), e.agency(), e.cc());
                    if (rt != null && rt.filtered()) { filtered.incrementAndGet(); return; }
                    DeliveryLog target = rt == null || rt.hold() || !rt.log().fits(l + 8) ? held : rt.log();
                    if (target == held) stillHeld.add(e.intercept());
                    else moved[0]++;
                    target.append(b, o, l);
                    touched.add(target);
                } catch (IOException ex) {
                    err[0] = ex;
                }
            });
            if (err[0] != null) {
                for (DeliveryLog l : touched) l.discard();
                heldIntercepts.addAll(seen);
                throw err[0];
            }
            if (n == 0) break;
            pos += n;
        }
        touched.add(held);
        try {
            DeliveryLog.syncAll(touched);     // moved and re-held records all-or-nothing: a retry cannot store them twice
        } catch (IOException | RuntimeException e) {
            heldIntercepts.addAll(seen);
            throw e;
        }
        held.commit(end);
        heldIntercepts.addAll(stillHeld);
        if (moved[0] > 0) {
            released.addAndGet(moved[0]);
            LOG.info("released " + moved[0] + " held records; " + stillHeld.size() + " intercepts still held");
        }
    }
}
