package io.kubeli.collector;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.AgencySpec;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptSpec;
import io.kubeli.api.v1alpha1.Target;
import io.kubeli.api.v1alpha1.TargetKind;
import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.IpccTemplate;
import io.kubeli.etsi.Pdus;
import io.kubeli.etsi.Profile;
import io.kubeli.etsi.ReferenceEncoder;
import io.kubeli.etsi.TimestampFormat;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * Control path: turns Intercept and Agency resources into target-table snapshots (swapped atomically into the
 * pipeline) and emits the IP IRI of static-IP intercepts: IRI-Begin when an intercept becomes active here (loaded
 * and the wall clock inside its window), IRI-End when it stops (removed, window ended, or collector shutdown).
 * Logs name resources, never target identities. All methods are synchronized (control thread only).
 */
public final class InterceptManager {
    private static final Logger LOG = Logger.getLogger(InterceptManager.class.getName());

    /** One static-IP target for IRI purposes. */
    private record IriTarget(String name, KeyState key, HeaderParams header, IpPrefix prefix, String username,
            long fromNanos, long untilNanos) {
    }

    private record IriKey(KeyState key, IpPrefix prefix) {
    }

    private final CollectorPipeline pipeline;
    private final String networkElementId; // from the command line; else the Collector spec's
    private final Clock clock;
    private final Map<String, KeyState> keys = new ConcurrentHashMap<>();
    private final Map<IriKey, IriTarget> begun = new LinkedHashMap<>();
    private volatile Consumer<KeyState> onNewKey = k -> { };
    private List<IriTarget> iriTargets = List.of();
    private volatile int activeIntercepts;
    private volatile int rejectedIntercepts;
    private volatile boolean loaded;
    private volatile Collector collector;

    public InterceptManager(CollectorPipeline pipeline, String networkElementId, Clock clock) {
        this.pipeline = pipeline;
        this.networkElementId = networkElementId;
        this.clock = clock;
    }

    /** Called once for each new (LIID, CIN) key (metrics registration). */
    public void onNewKey(Consumer<KeyState> listener) {
        this.onNewKey = listener;
        keys.values().forEach(listener);
    }

    /** All keys seen so far. */
    public Collection<KeyState> keys() {
        return keys.values();
    }

    /** The key of (LIID, CIN), or null. */
    public KeyState key(String liid, long cin) {
        return keys.get(liid + '\u0000' + cin);
    }

    /** Intercepts with at least one usable IP target in the current snapshot. */
    public int activeIntercepts() {
        return activeIntercepts;
    }

    /** Intercepts skipped because they could not be used (missing agency, bad window, ...). */
    public int rejectedIntercepts() {
        return rejectedIntercepts;
    }

    /** True after the first update (for /readyz). */
    public boolean loaded() {
        return loaded;
    }

    /** This collector's own Collector resource from the latest update, or null. */
    public Collector collector() {
        return collector;
    }

    /** Rebuilds the target table from these resources, swaps it in, and emits due IRI. */
    public synchronized void update(ResourceSet rs) {
        collector = rs.collector();
        Map<String, AgencySpec> agencies = new HashMap<>();
        for (Agency a : rs.agencies()) {
            if (a.getMetadata() != null && a.getSpec() != null) {
                agencies.put(a.getMetadata().getName(), a.getSpec());
            }
        }
        String neId = networkElementId;
        if (neId == null && rs.collector() != null && rs.collector().getSpec() != null) {
            neId = rs.collector().getSpec().getNetworkElementId();
        }
        TargetTable.Builder tb = new TargetTable.Builder();
        List<IriTarget> iri = new ArrayList<>();
        int active = 0;
        int rejected = 0;
        for (Intercept icpt : rs.intercepts()) {
            String name = icpt.getMetadata() == null ? "?" : icpt.getMetadata().getNamespace() == null
                    ? icpt.getMetadata().getName() : icpt.getMetadata().getNamespace() + "/" + icpt.getMetadata().getName();
            try {
                if (addIntercept(name, icpt.getSpec(), agencies, rs.collector(), neId, tb, iri)) {
                    active++;
                }
            } catch (RuntimeException e) {
                rejected++;
                LOG.warning("intercept " + name + " not applied: " + e.getMessage());
            }
        }
        pipeline.setTable(tb.build());
        iriTargets = List.copyOf(iri);
        activeIntercepts = active;
        rejectedIntercepts = rejected;
        loaded = true;
        LOG.info("target table updated: " + active + " intercept(s) active, " + rejected + " rejected");
        tick();
    }

    private boolean addIntercept(String name, InterceptSpec spec, Map<String, AgencySpec> agencies,
            Collector collector, String neId, TargetTable.Builder tb, List<IriTarget> iri) {
        if (spec == null || spec.getLiid() == null) {
            throw new IllegalArgumentException("no spec or liid");
        }
        if (collector != null && !Selectors.matches(spec.getCollectorSelector(), collector)) {
            return false;
        }
        AgencySpec agency = agencies.get(spec.getAgencyRef());
        if (agency == null) {
            throw new IllegalArgumentException("agency '" + spec.getAgencyRef() + "' not found");
        }
        long from;
        long until;
        try {
            from = nanos(spec.validFromInstant());
            until = nanos(spec.validUntilInstant());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("validFrom/validUntil missing or not RFC 3339");
        }
        if (until <= from) {
            throw new IllegalArgumentException("validUntil is not after validFrom");
        }
        Profile profile = Profile.byName(agency.etsiProfileOrDefault().name().toLowerCase());
        TimestampFormat tsf = TimestampFormat.valueOf(agency.timestampFormatOrDefault().name());
        boolean cc = spec.outputOrDefault().includesCc();
        boolean iriOn = spec.outputOrDefault().includesIri();
        Object identity = new Object();
        int used = 0;
        List<Target> targets = spec.getTargets() == null ? List.of() : spec.getTargets();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            if (t.kind() != TargetKind.IP) {
                continue; // radiusUser / sipUri targets need session tracking (not in this collector)
            }
            IpPrefix prefix;
            try {
                prefix = IpPrefix.parse(t.getIp());
            } catch (IllegalArgumentException e) {
                LOG.warning("intercept " + name + " target #" + i + " skipped: " + e.getMessage());
                continue;
            }
            long cin = t.getCin() != null ? t.getCin() : defaultCin(prefix);
            HeaderParams hp = new HeaderParams(profile, spec.getLiid(), spec.getAuthorizationCountryCode(),
                    agency.getOperatorId(), neId, cin, spec.getDeliveryCountryCode(), tsf, null);
            KeyState key = keyFor(name, spec.getAgencyRef(), spec.getLiid(), cin);
            IpccTemplate template = IpccTemplate.of(hp);
            tb.add(prefix, new TargetEntry(identity, key, from, until, cc, iriOn, hp, template));
            if (iriOn) {
                iri.add(new IriTarget(name, key, hp, prefix, usernameOf(prefix), from, until));
            }
            used++;
        }
        return used > 0;
    }

    /** A stable CIN for a target without a configured one (CRC-32 of the prefix, below 2^31). */
    static long defaultCin(IpPrefix p) {
        CRC32 crc = new CRC32();
        crc.update(p.address());
        crc.update(p.length());
        return crc.getValue() & 0x7FFFFFFFL;
    }

    private static String usernameOf(IpPrefix p) {
        try {
            String a = java.net.InetAddress.getByAddress(p.address()).getHostAddress();
            return p.length() == p.address().length * 8 ? a : a + "/" + p.length();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }

    private KeyState keyFor(String name, String agency, String liid, long cin) {
        String k = liid + '\u0000' + cin;
        KeyState ks = keys.get(k);
        if (ks == null) {
            ks = new KeyState(name, agency, liid, cin, Math.floorMod(k.hashCode() * 0x9E3779B9, pipeline.encoders()));
            pipeline.sequences().init(ks);
            keys.put(k, ks);
            onNewKey.accept(ks);
        }
        return ks;
    }

    /** Emits IRI-Begin for targets that became active and IRI-End for those that stopped (call periodically). */
    public synchronized void tick() {
        long now = nanos(clock.instant());
        Map<IriKey, IriTarget> due = new LinkedHashMap<>();
        for (IriTarget t : iriTargets) {
            if (now >= t.fromNanos() && now < t.untilNanos()) {
                due.putIfAbsent(new IriKey(t.key(), t.prefix()), t);
            }
        }
        for (var it = begun.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!due.containsKey(e.getKey())) {
                emit(e.getValue(), false);
                it.remove();
            }
        }
        for (var e : due.entrySet()) {
            if (!begun.containsKey(e.getKey())) {
                emit(e.getValue(), true);
                begun.put(e.getKey(), e.getValue());
            }
        }
    }

    /** Ends every active interception (IRI-End), e.g. at shutdown. */
    public synchronized void endAll() {
        for (IriTarget t : begun.values()) {
            emit(t, false);
        }
        begun.clear();
        iriTargets = List.of();
    }

    private void emit(IriTarget t, boolean begin) {
        KeyState k = t.key();
        long seq = k.nextIriSeq;
        if (seq >= k.iriLimit) {
            pipeline.sequences().reserve(k, Stream.IRI);
        }
        Instant now = clock.instant();
        byte[] pdu;
        try {
            pdu = ReferenceEncoder.encode(begin
                    ? Pdus.ipIriBegin(t.header(), seq, now, t.username(), t.prefix().address(), t.prefix().length())
                    : Pdus.ipIriEnd(t.header(), seq, now, t.username(), t.prefix().address(), t.prefix().length()));
        } catch (RuntimeException e) {
            LOG.severe("cannot encode IRI for intercept " + t.name() + ": " + e.getClass().getSimpleName());
            return;
        }
        k.nextIriSeq = seq + 1;
        k.iriRecords = k.iriRecords + 1; // single writer: the control thread
        pipeline.sink().write(k, Stream.IRI, seq, pdu, 0, pdu.length);
        LOG.info("intercept " + t.name() + ": IRI-" + (begin ? "Begin" : "End") + " (cin " + k.cin() + ")");
    }

    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
