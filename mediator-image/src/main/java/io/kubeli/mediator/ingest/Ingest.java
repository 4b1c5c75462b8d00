package io.kubeli.mediator.ingest;

import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.OutputMode;
import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.PduInspector;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.store.DeliveryLog;
import io.kubeli.mediator.store.StoredRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
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
 * Stores collector batches durably. A record is routed by the mediator's own knowledge (contract C1): the Intercept
 * owning the LIID in its PDU header decides the agency; what the record says only has to agree. Records whose LIID
 * no Intercept has (yet) are held (in order, per intercept) and released when it appears; records that contradict
 * what the mediator knows (another agency, an Intercept that does not own the LIID or is refused, a routing LIID
 * that is not the PDU's) are held apart in the quarantine log: never delivered, counted, alarmed.
 * A batch is all-or-nothing: when a buffer is full nothing is stored and the caller must not acknowledge.
 */
public final class Ingest {
    private static final Logger LOG = Logger.getLogger(Ingest.class.getName());
    /** Of a malformed record only this much is kept in the quarantine: it may be any size a peer chose. */
    static final int MALFORMED_KEPT_BYTES = 4096;

    private record SessionEvent(String intercept, long ev, boolean call) {}

    private final ResourceCatalog catalog;
    private final Function<String, DeliveryLog[]> agencyLogs; // [hi2, hi3], created on first use
    private final DeliveryLog held, quarantine;
    private final DedupState dedup;
    private final CommitLog commits; // null: no commit markers (single-process tests)
    private final Set<String> heldIntercepts = new HashSet<>();
    private final Map<String, InterceptCounters> counters = new ConcurrentHashMap<>();
    private final Map<Route.Reason, AtomicLong> apart = new EnumMap<>(Route.Reason.class);
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final StoredRecord.Encoder enc = new StoredRecord.Encoder();
    private final GroupCommit group = new GroupCommit(this::storeNow);
    public final AtomicLong stored = new AtomicLong(),
            duplicates = new AtomicLong(),
            heldTotal = new AtomicLong(),
            released = new AtomicLong(),
            filtered = new AtomicLong(),
            rejectedFull = new AtomicLong(),
            quarantined = new AtomicLong(),
            quarantineDiscarded = new AtomicLong(),
            heldUnknownLiid = new AtomicLong();
    private volatile boolean full;
    private long lastFullLog;
    // the PDU LIID of the previous record: routing strings repeat, so a byte compare usually replaces decoding
    private byte[] lastLiidBytes = new byte[0];
    private String lastLiid;
    private final PduInspector pdus = new PduInspector(); // etsi's zero-copy reader, DecodeLimits.DEFAULT
    private MalformedPduException lastMalformed; // why pduLiid last returned null

    public Ingest(
            ResourceCatalog catalog,
            Function<String, DeliveryLog[]> agencyLogs,
            DeliveryLog held,
            DeliveryLog quarantine,
            DedupState dedup)
            throws IOException {
        this(catalog, agencyLogs, held, quarantine, dedup, null);
    }

    /** With {@code commits}, a batch spanning several logs survives a crash whole or not at all ({@link CommitLog}). */
    public Ingest(
            ResourceCatalog catalog,
            Function<String, DeliveryLog[]> agencyLogs,
            DeliveryLog held,
            DeliveryLog quarantine,
            DedupState dedup,
            CommitLog commits)
            throws IOException {
        this.commits = commits;
        this.catalog = catalog;
        this.agencyLogs = agencyLogs;
        this.held = held;
        this.quarantine = quarantine;
        this.dedup = dedup;
        for (Route.Reason r : Route.Reason.values()) apart.put(r, new AtomicLong());
        // rebuild which intercepts have held records (order must be kept behind them)
        long pos = held.committed();
        while (pos < held.end()) {
            int n = held.read(
                    pos,
                    4096,
                    1 << 20,
                    (i, b, o, l) ->
                            heldIntercepts.add(StoredRecord.decode(b, o, l).intercept()));
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

    /** Records held apart (quarantined) on disk: never delivered. */
    public long quarantinedRecords() {
        return quarantine.end() - quarantine.committed();
    }

    /** Records held or held apart since start, per reason label (unknown-liid counts held records). */
    public Map<String, Long> apartByReason() {
        Map<String, Long> m = new HashMap<>();
        apart.forEach((r, n) -> m.put(r.label(), n.get()));
        return m;
    }

    /** The routing alarm: records that contradict the mediator's knowledge are on disk, or records wait for an unknown LIID. */
    public boolean routingAlarm() {
        return quarantinedRecords() > 0 || (heldUnknownLiid.get() > 0 && heldRecords() > 0);
    }

    private volatile boolean stopped;

    /**
     * Stops storing: waits for a store in progress to finish (durable or rolled back), then refuses every later one
     * with an IOException, so nothing is acknowledged once the buffers start closing.
     */
    public synchronized void stop() {
        stopped = true;
    }

    private void checkOpen() throws IOException {
        if (stopped) {
            throw new IOException("mediator stopping: not stored");
        }
    }

    /**
     * Stores a batch durably (returns only after the fsync policy is satisfied and the batch is committed). Batches
     * of other connections that arrive meanwhile share the next store's forces and commit marker ({@link GroupCommit}).
     *
     * @throws BufferFullException when any target buffer lacks room; nothing of the batch was stored
     */
    public void store(List<IncomingRecord> batch) throws IOException, BufferFullException {
        group.store(batch);
    }

    /** Stores and batches that joined another connection's store since start: {stores, joined}. */
    public long[] groupCommits() {
        return group.counts();
    }

    GroupCommit groupCommit() {
        return group;
    }

    private synchronized void storeNow(List<IncomingRecord> batch) throws IOException, BufferFullException {
        checkOpen();
        List<Route> routes = new ArrayList<>(batch.size());
        Map<DeliveryLog, long[]> need = new IdentityHashMap<>();
        Map<String, Long> batchHighest = new HashMap<>();
        IncomingRecord prev = null;
        Route prevRoute = null;
        String prevLiid = null;
        long[] prevNeed = null;
        String collector = null;
        long highest = -1;
        String[] malformed = null; // per record: why its PDU was refused (rare)
        for (IncomingRecord r : batch) {
            if (!r.collector().equals(collector)) { // batches normally come from one collector: look up once
                if (collector != null) batchHighest.put(collector, highest);
                collector = r.collector();
                highest = Math.max(dedup.highest(collector), batchHighest.getOrDefault(collector, -1L));
            }
            if (r.linkSeq() <= highest) {
                routes.add(null);
                continue;
            }
            highest = r.linkSeq();
            String liid = pduLiid(r.pdu());
            Route rt;
            if (liid == null) {
                rt = Route.quarantine(Route.Reason.MALFORMED_PDU);
                if (malformed == null) malformed = new String[batch.size()];
                malformed[routes.size()] = lastMalformed.getMessage();
            } else if (r.liid() != null && !r.liid().equals(liid))
                rt = Route.quarantine(Route.Reason.PDU_LIID_MISMATCH);
            else if (prevRoute != null
                    && liid == prevLiid
                    && prev.cc() == r.cc()
                    && prev.intercept().equals(r.intercept())
                    && java.util.Objects.equals(prev.agency(), r.agency())) rt = prevRoute;
            else rt = route(r.intercept(), r.agency(), liid, r.cc());
            if (rt.kind() == Route.Kind.DELIVER || rt.hold()) {
                DeliveryLog target = rt.hold() ? held : rt.log();
                if (rt != prevRoute || prevNeed == null) prevNeed = need.computeIfAbsent(target, k -> new long[1]);
                prevNeed[0] += r.pdu().length
                        + 64
                        + r.intercept().length()
                        + r.collector().length();
            }
            prev = r;
            prevRoute = rt;
            prevLiid = liid;
            routes.add(rt);
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
        Set<DeliveryLog> touched = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        touched.addAll(need.keySet());
        List<SessionEvent> sessions = null; // (intercept, IPIRI session event) of this batch
        long nDup = 0,
                nFiltered = 0,
                nHeld = 0,
                nStored = 0; // counted once the batch is durable (a failed one is retried)
        for (int i = 0; i < batch.size(); i++) {
            IncomingRecord r = batch.get(i);
            Route rt = routes.get(i);
            if (rt == null) {
                nDup++;
                continue;
            }
            if (rt.filtered()) {
                nFiltered++;
                counters(r.intercept()).filtered.incrementAndGet();
                continue;
            }
            String agency = r.agency() == null ? "" : r.agency();
            int keep = rt.reason() == Route.Reason.MALFORMED_PDU
                    ? Math.min(r.pdu().length, MALFORMED_KEPT_BYTES)
                    : r.pdu().length;
            int n = enc.encode(r.cc(), r.intercept(), agency, r.collector(), r.linkSeq(), r.pdu(), 0, keep);
            if (rt.quarantined()) {
                holdApart(
                        rt.reason(), r.intercept(), agency, enc.array(), 0, n, malformed == null ? null : malformed[i]);
                touched.add(quarantine);
                continue;
            }
            (rt.hold() ? held : rt.log()).append(enc.array(), 0, n);
            if (!r.cc()) { // IRI only (rare): sessions (iPIRI) and calls (iPMMIRI) open and close with Begin/End
                long ev = iriEvent(r.pdu());
                if (ev >= 0) {
                    if (sessions == null) sessions = new ArrayList<>();
                    sessions.add(new SessionEvent(r.intercept(), ev >>> 1, (ev & 1) != 0));
                }
            }
            if (rt.hold()) {
                if (heldIntercepts.add(r.intercept())) {
                    LOG.warning("holding records for intercept " + r.intercept() + ": "
                            + (rt.reason() == Route.Reason.UNKNOWN_LIID
                                    ? "no Intercept has the LIID of its records (yet); not delivered"
                                    : "its Agency is not known yet"));
                }
                if (rt.reason() != null) {
                    apart.get(rt.reason()).incrementAndGet();
                    heldUnknownLiid.incrementAndGet();
                }
                nHeld++;
                counters(r.intercept()).held.incrementAndGet();
            }
            nStored++;
        }
        // all target logs or none: a failure leaves nothing stored; the marker makes it so across a crash too
        DeliveryLog.syncAll(
                touched, commits == null || touched.isEmpty() ? () -> {} : () -> commits.commit(batchHighest));
        if (sessions != null) { // counted once durable: a failed batch is retried and counted then
            long now = System.currentTimeMillis();
            for (SessionEvent e : sessions) {
                if (e.call()) counters(e.intercept()).call(e.ev() >>> 2, (int) (e.ev() & 3), now);
                else counters(e.intercept()).session(e.ev() >>> 2, (int) (e.ev() & 3), now);
            }
        }
        duplicates.addAndGet(nDup);
        filtered.addAndGet(nFiltered);
        heldTotal.addAndGet(nHeld);
        stored.addAndGet(nStored);
        batchHighest.forEach(dedup::update);
    }

    /**
     * Stores one mediator-made HI2 record (an HI1 notification) straight into {@code agency}'s HI2 buffer, exactly once
     * per ({@code source}, {@code seq}) across restarts (the same de-duplication as collector records).
     *
     * @return false when it was stored before (nothing done)
     */
    public synchronized boolean storeNotification(String agency, String intercept, String source, long seq, byte[] pdu)
            throws IOException, BufferFullException {
        checkOpen();
        if (seq <= dedup.highest(source)) return false;
        DeliveryLog log = agencyLogs.apply(agency)[0];
        if (!log.fits(pdu.length + 64L + intercept.length() + source.length()))
            throw new BufferFullException("HI2 buffer of " + agency + " full");
        int n = enc.encode(false, intercept, agency, source, seq, pdu, 0, pdu.length);
        log.append(enc.array(), 0, n);
        log.sync();
        dedup.update(source, seq);
        return true;
    }

    // the LIID of the PDU header, or null (the reason in lastMalformed) when the PDU is not well-formed
    private String pduLiid(byte[] pdu) {
        return pduLiid(pdu, 0, pdu.length);
    }

    private String pduLiid(byte[] pdu, int pduOff, int pduLen) {
        try {
            pdus.wrap(pdu, pduOff, pduLen);
        } catch (MalformedPduException e) {
            lastMalformed = e;
            return null;
        }
        int off = pdus.liidOffset(), len = pdus.liidLength();
        if (lastLiid != null && Arrays.equals(lastLiidBytes, 0, lastLiidBytes.length, pdu, off, off + len))
            return lastLiid;
        lastLiidBytes = Arrays.copyOfRange(pdu, off, off + len);
        lastLiid = new String(lastLiidBytes, StandardCharsets.ISO_8859_1);
        return lastLiid;
    }

    // ((cin << 2 | iRIType) << 1 | call) of an IRI-Begin/End of a session (iPIRI) or a call (iPMMIRI), else -1
    private long iriEvent(byte[] pdu) {
        try {
            pdus.wrap(pdu, 0, pdu.length);
        } catch (MalformedPduException e) {
            return -1;
        }
        int type = pdus.iriType(), contents = pdus.iriContents();
        if ((type != 1 && type != 2) || (contents != 2 && contents != 11) || pdus.cin() < 0) return -1;
        return (((pdus.cin() << 2) | type) << 1) | (contents == 11 ? 1 : 0);
    }

    private void holdApart(Route.Reason reason, String intercept, String agency, byte[] entry, int off, int n)
            throws IOException {
        holdApart(reason, intercept, agency, entry, off, n, null);
    }

    // detail: why the PDU was refused (MalformedPduException text: rule and offset, never field values)
    private void holdApart(
            Route.Reason reason, String intercept, String agency, byte[] entry, int off, int n, String detail)
            throws IOException {
        apart.get(reason).incrementAndGet();
        if (quarantine.fits(n + 64L)) {
            quarantine.append(entry, off, n);
            quarantined.incrementAndGet();
        } else {
            quarantineDiscarded.incrementAndGet(); // never deliverable; the bound protects the disk from a hostile peer
        }
        counters(intercept).heldApart.incrementAndGet();
        // one line per intercept and reason: resource names only, never the LIID or a target identity
        if (reported.add(reason + "/" + intercept + "/" + agency)) {
            LOG.warning("ALARM routing: records of intercept " + intercept + " held apart, never delivered ("
                    + reason.label() + explain(reason, intercept, agency) + (detail == null ? "" : "; first: " + detail)
                    + ")");
        }
    }

    private String explain(Route.Reason reason, String intercept, String agency) {
        return switch (reason) {
            case AGENCY_MISMATCH ->
                ": the record names agency " + agency + ", not the agency of the Intercept owning its LIID";
            case REFUSED_INTERCEPT -> ": its LIID belongs to Intercept " + catalog.refusedBy(intercept);
            case NOT_LIID_OWNER -> ": no such Intercept owns the LIID of its records";
            case PDU_LIID_MISMATCH -> ": the routing LIID differs from the PDU's";
            case MALFORMED_PDU -> ": not a well-formed PS-PDU within the decode limits";
            default -> "";
        };
    }

    private Route route(String interceptName, String agencyName, String liid, boolean cc) {
        Route r = decide(interceptName, agencyName, liid, cc);
        // behind held records of the same intercept a deliverable one waits too (order); the rest is decided now
        if (heldIntercepts.contains(interceptName) && (r.kind() == Route.Kind.DELIVER || r.filtered()))
            return Route.HOLD;
        return r;
    }

    private Route decide(String interceptName, String agencyName, String liid, boolean cc) {
        Intercept owner = catalog.owner(liid);
        if (owner == null) {
            // an Intercept we know under this name has another LIID: the record contradicts it
            if (catalog.intercept(interceptName) != null) return Route.quarantine(Route.Reason.NOT_LIID_OWNER);
            return Route.HOLD_UNKNOWN_LIID;
        }
        if (!owner.getMetadata().getName().equals(interceptName)) {
            return Route.quarantine(
                    catalog.refusedBy(interceptName) != null
                            ? Route.Reason.REFUSED_INTERCEPT
                            : Route.Reason.NOT_LIID_OWNER);
        }
        String agency = owner.getSpec().getAgencyRef();
        if (agencyName != null && !agencyName.isEmpty() && !agencyName.equals(agency))
            return Route.quarantine(Route.Reason.AGENCY_MISMATCH);
        if (catalog.agency(agency) == null) return Route.HOLD;
        OutputMode out = owner.getSpec().outputOrDefault();
        if ((cc && out == OutputMode.IRI_ONLY) || (!cc && out == OutputMode.CC_ONLY)) return Route.FILTER;
        return new Route(agencyLogs.apply(agency)[cc ? 1 : 0], Route.Kind.DELIVER, null);
    }

    /** Re-routes held records whose Intercept and Agency are now known; the rest stay held, in order. */
    public synchronized void releaseHeld() throws IOException {
        checkOpen();
        if (heldIntercepts.isEmpty() && held.end() == held.committed()) return;
        long end = held.end();
        Set<String> stillHeld = new HashSet<>();
        Set<DeliveryLog> touched = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        long[] moved = {0};
        Set<String> seen =
                new HashSet<>(); // on a failure all of them stay held (their records are still in the holding log)
        heldIntercepts.clear(); // route() must see the catalog, not the old hold set
        long pos = held.committed();
        IOException[] err = {null};
        while (pos < end) {
            int n = held.read(pos, (int) Math.min(4096, end - pos), 1 << 20, (i, b, o, l) -> {
                if (err[0] != null) return;
                StoredRecord e = StoredRecord.decode(b, o, l);
                seen.add(e.intercept());
                try {
                    Route rt;
                    if (stillHeld.contains(e.intercept())) rt = null;
                    else {
                        String liid = pduLiid(b, e.pduOff(), e.pduLen());
                        rt = liid == null
                                ? Route.quarantine(Route.Reason.MALFORMED_PDU)
                                : route(e.intercept(), e.agency(), liid, e.cc());
                    }
                    if (rt != null && rt.filtered()) {
                        filtered.incrementAndGet();
                        return;
                    }
                    if (rt != null && rt.quarantined()) {
                        holdApart(rt.reason(), e.intercept(), e.agency(), b, o, l);
                        touched.add(quarantine);
                        return;
                    }
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
            DeliveryLog.syncAll(touched); // moved and re-held records all-or-nothing: a retry cannot store them twice
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
