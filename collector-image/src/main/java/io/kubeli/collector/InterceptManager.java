package io.kubeli.collector;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.AgencySpec;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptSpec;
import io.kubeli.api.v1alpha1.LiidClaims;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * Control path: turns Intercept and Agency resources into target-table snapshots (swapped atomically into the
 * pipeline) and emits the IP IRI of static-IP intercepts: IRI-Begin when an intercept becomes active here (loaded
 * and the clock inside its window), IRI-End when it stops (removed, window ended, or collector shutdown). The clock
 * is the wall clock live and the capture clock for file replays. Every Intercept stands alone: one that is refused
 * (its LIID is owned by another, {@link LiidClaims}) or rejected (bad window, unknown agency, a target this collector
 * cannot serve, a catch-all prefix) is not intercepted at all, is logged once naming the resource and the reason, and
 * is counted; the others are unaffected. State is keyed on the Intercept identity (namespace/name), never on LIID
 * and CIN alone. Logs name resources, never target identities. All methods are synchronized (control thread only).
 */
public final class InterceptManager {
    private static final Logger LOG = Logger.getLogger(InterceptManager.class.getName());
    /** The CIN space of one collector instance (C3): delivered CIN = slot * CIN_SPACE + base. */
    public static final long CIN_SPACE = 1L << 20;
    /** Highest CIN slot. */
    public static final int MAX_CIN_SLOT = 4095;

    /**
     * Target rules of this collector.
     *
     * @param minPrefix4 shortest IPv4 prefix accepted (0.0.0.0/0 is always refused)
     * @param minPrefix6 shortest IPv6 prefix accepted (::/0 is always refused)
     * @param cinSlot    this instance's CIN slot, or null to read it from the Collector's status.cinSlots[node]
     * @param node       the node name (key of status.cinSlots) when cinSlot is null
     */
    public record Rules(int minPrefix4, int minPrefix6, Integer cinSlot, String node) {
        public Rules {
            if (minPrefix4 < 1 || minPrefix4 > 32 || minPrefix6 < 1 || minPrefix6 > 128) {
                throw new IllegalArgumentException("minimum prefix lengths must be 1..32 (IPv4) and 1..128 (IPv6)");
            }
            if (cinSlot != null && (cinSlot < 0 || cinSlot > MAX_CIN_SLOT)) {
                throw new IllegalArgumentException("CIN slot must be 0.." + MAX_CIN_SLOT);
            }
        }

        /** /8, /16, slot 0: file mode defaults. */
        public static Rules defaults() {
            return new Rules(8, 16, 0, null);
        }
    }

    /** One static-IP target for IRI purposes. */
    private record IriTarget(
            String name,
            KeyState key,
            HeaderParams header,
            IpPrefix prefix,
            String username,
            long fromNanos,
            long untilNanos,
            TargetEntry.Seen seen) {}

    private record IriKey(KeyState key, IpPrefix prefix) {}

    private final CollectorPipeline pipeline;
    private final String networkElementId; // from the command line; else the Collector spec's
    private final Clock clock;
    private final Rules rules;
    private final Map<String, KeyState> keys = new ConcurrentHashMap<>();
    private final Map<IriKey, IriTarget> begun = new LinkedHashMap<>();
    /** Keys no longer used by any target, call or session, on their way out of {@link #keys} (control thread). */
    private final Map<KeyState, long[]> retiring = new java.util.HashMap<>();

    private static final long[] UNMARKED = new long[0];
    /** Records of retired keys per Intercept: [cc, iri] (the per-intercept counters never go down). */
    private final Map<String, long[]> retiredRecords = new java.util.HashMap<>();

    private volatile Consumer<KeyState> onNewKey = k -> {};
    private List<IriTarget> iriTargets = List.of();
    private volatile int activeIntercepts;
    private volatile int rejectedIntercepts;
    private volatile int refusedIntercepts;
    private volatile int rejectedResources;
    private final LongAdder rejections = new LongAdder();
    private Set<String> lastProblems = Set.of();
    private volatile boolean loaded;
    private volatile boolean slotKnown;
    private volatile Collector collector;
    private boolean armed = true;
    private LongSupplier captureClock; // null = wall clock
    private SessionIntercepts radius; // null: RADIUS tracking off
    private SipIntercepts sip; // null: SIP tracking off
    private io.kubeli.collector.radius.SessionStore radiusStore;
    private long radiusSavedAt;
    private boolean radiusUrgent; // guarded by this
    private List<Map.Entry<IpPrefix, TargetEntry>> staticEntries = List.of();
    private BegunStreams begunStreams; // null: not persisted (replays, tests without a spool)
    /** What RADIUS sessions and SIP calls call back (under this manager's lock). */
    private final IriOut iriOut = new IriOut() {
        @Override
        public KeyState key(String identity, String agency, String liid, long cin) {
            return keyFor(identity, agency, liid, cin);
        }

        @Override
        public boolean iri(
                String name,
                KeyState key,
                HeaderParams hp,
                io.kubeli.etsi.IriType type,
                io.kubeli.etsi.IriContents c,
                long atNanos) {
            return emitIri(name, key, hp, type, c, atNanos);
        }
    };

    public InterceptManager(CollectorPipeline pipeline, String networkElementId, Clock clock) {
        this(pipeline, networkElementId, clock, Rules.defaults());
    }

    public InterceptManager(CollectorPipeline pipeline, String networkElementId, Clock clock, Rules rules) {
        this.pipeline = pipeline;
        this.networkElementId = networkElementId;
        this.clock = clock;
        this.rules = rules;
    }

    /**
     * Enables radiusUser targets: sessions come from {@code tracker} (fed by {@link #onRadius}); {@code store}, if
     * not null, is where the session table is saved (every 10 s when changed, and at {@link #endAll}).
     */
    public synchronized void enableRadius(
            io.kubeli.collector.radius.RadiusTracker tracker,
            String identity,
            io.kubeli.collector.radius.SessionStore store) {
        SessionIntercepts.Identity id = switch (identity) {
            case "user" -> SessionIntercepts.Identity.USER;
            case "calling-station-id" -> SessionIntercepts.Identity.CALLING_STATION_ID;
            case "both" -> SessionIntercepts.Identity.BOTH;
            default -> throw new IllegalArgumentException("RADIUS identity must be user, calling-station-id or both");
        };
        this.radius = new SessionIntercepts(tracker, id, iriOut);
        this.radiusStore = store;
    }

    /** Remembers announced IRI streams of static targets in {@code file}, so a crash-restart sends no second IRI-Begin. */
    public synchronized void persistBegunStreams(java.nio.file.Path file) {
        this.begunStreams = new BegunStreams(file);
    }

    /** Enables sipUri targets: calls of target identities are followed from the SIP on {@code ports}. */
    public synchronized SipIntercepts enableSip(SipIntercepts.Limits limits, boolean[] ports) {
        this.sip = new SipIntercepts(limits, ports, iriOut, pipeline.media());
        return sip;
    }

    /** The SIP call tracking, or null when off. */
    public SipIntercepts sipCalls() {
        return sip;
    }

    /**
     * One SIP message of a followed call or naming a target (a capture thread): emits its IRI and, when the call's
     * media changed, changes that call's keys of the media table before returning (the next packet on any thread
     * sees them).
     */
    public synchronized void onSip(io.kubeli.collector.sip.SipMessage m, byte[] buf, byte[] src, byte[] dst, long ts) {
        if (sip == null) {
            return;
        }
        sip.handle(m, buf, src, dst, ts);
    }

    /** The RADIUS session tracker, or null when RADIUS tracking is off. */
    public io.kubeli.collector.radius.RadiusTracker radiusTracker() {
        return radius == null ? null : radius.tracker();
    }

    /** Sessions of target users bound to an Intercept now. */
    public synchronized int radiusBoundSessions() {
        return radius == null ? 0 : radius.boundSessions();
    }

    /**
     * One well-formed RADIUS packet from a capture thread: updates the session table and, when a target user's
     * addresses changed, swaps in a new target table before returning (so the next packet on any thread sees it).
     */
    public synchronized void onRadius(
            io.kubeli.collector.radius.RadiusMessage m,
            int version,
            long clientHi,
            long clientLo,
            int clientPort,
            long ts) {
        if (radius == null) {
            return;
        }
        radius.tracker().handle(m, version, clientHi, clientLo, clientPort, ts, radius);
        if (radius.takeTableDirty()) {
            pipeline.setTable(buildTable());
            // a target's session changed: save at the next tick, not within 10 s, so a crash cannot revive a stopped
            // session (and intercept an address leased to someone else) for long
            radiusUrgent = true;
        }
        radiusAnnounced();
    }

    /** A session's IRI-Begin/End was sent: save at the next tick, so a restart after a crash continues its stream. */
    private void radiusAnnounced() {
        if (radius.takeAnnouncedDirty()) {
            radius.tracker().markDirty();
            radiusUrgent = true;
        }
    }

    private TargetTable buildTable() {
        TargetTable.Builder tb = new TargetTable.Builder();
        for (Map.Entry<IpPrefix, TargetEntry> e : staticEntries) {
            tb.add(e.getKey(), e.getValue());
        }
        if (radius != null) {
            radius.addTo(tb);
        }
        return tb.build();
    }

    /** Called once for each new key (metrics registration). */
    public void onNewKey(Consumer<KeyState> listener) {
        this.onNewKey = listener;
        keys.values().forEach(listener);
    }

    /** All keys seen so far. */
    public Collection<KeyState> keys() {
        return keys.values();
    }

    /** Records encoded by this process for Intercept {@code name} (null: all), retired keys included. */
    public long records(String name, Stream stream) {
        synchronized (retiredRecords) { // a key moves from the map to the totals atomically for this sum
            long n = 0;
            for (Map.Entry<String, long[]> e : retiredRecords.entrySet()) {
                if (name == null || e.getKey().equals(name)) {
                    n += e.getValue()[stream == Stream.CC ? 0 : 1];
                }
            }
            for (KeyState k : keys.values()) {
                if (name == null || k.interceptName().equals(name)) {
                    n += stream == Stream.CC ? k.ccRecords() : k.iriRecords();
                }
            }
            return n;
        }
    }

    /** The key of the Intercept {@code identity} (namespace/name) with this delivered CIN, or null. */
    public KeyState key(String identity, long cin) {
        for (KeyState k : keys.values()) {
            if (k.interceptName().equals(identity) && k.cin() == cin) {
                return k;
            }
        }
        return null;
    }

    /** The pipeline's current target table (tests). */
    TargetTable pipelineTable() {
        return pipeline.table();
    }

    /** Intercepts with at least one usable IP target in the current snapshot. */
    public int activeIntercepts() {
        return activeIntercepts;
    }

    /** Intercepts not applied in the current snapshot because they could not be used (agency, window, targets). */
    public int rejectedIntercepts() {
        return rejectedIntercepts;
    }

    /** Intercepts refused in the current snapshot because another Intercept owns their LIID. */
    public int refusedIntercepts() {
        return refusedIntercepts;
    }

    /** Files, documents or resources that could not be read in the current snapshot. */
    public int rejectedResources() {
        return rejectedResources;
    }

    /** Rejections and refusals logged so far (each distinct problem counted once when it appears). */
    public long rejections() {
        return rejections.sum();
    }

    /** True after the first update with a known CIN slot (for /readyz). */
    public boolean loaded() {
        return loaded && slotKnown;
    }

    /** This collector's own Collector resource from the latest update, or null. */
    public Collector collector() {
        return collector;
    }

    /** Holds IRI back until {@link #arm()} (the capture sources are opened and checked first). */
    public synchronized void disarm() {
        armed = false;
    }

    /** Allows IRI and emits what is due. */
    public synchronized void arm() {
        armed = true;
        tick();
    }

    /** File replays: IRI follows this capture clock (epoch nanoseconds of the latest packet, MIN_VALUE before). */
    public synchronized void useCaptureClock(LongSupplier nanos) {
        this.captureClock = nanos;
    }

    /** Rebuilds the target table from these resources, swaps it in, and emits due IRI. */
    public synchronized void update(ResourceSet rs) {
        collector = rs.collector();
        Set<String> problems = new LinkedHashSet<>();
        for (String r : rs.rejected()) {
            problems.add("resource " + r);
        }
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
        Integer slot = cinSlot(rs.collector());
        List<Map.Entry<IpPrefix, TargetEntry>> tb = new ArrayList<>();
        List<SessionIntercepts.Spec> radiusSpecs = new ArrayList<>();
        List<SipIntercepts.Spec> sipSpecs = new ArrayList<>();
        List<IriTarget> iri = new ArrayList<>();
        int active = 0;
        int rejected = 0;
        int refused = 0;
        Map<String, String> owners = LiidClaims.refused(rs.intercepts());
        if (slot == null) {
            if (slotKnown || !loaded) {
                LOG.warning("no CIN slot for node " + rules.node() + " in Collector status.cinSlots yet: intercepting"
                        + " nothing and not ready until the operator assigns one");
            }
            slotKnown = false;
        } else {
            slotKnown = true;
            for (Intercept icpt : rs.intercepts()) {
                String name = LiidClaims.identity(icpt);
                String owner = owners.get(name);
                if (owner != null) {
                    refused++;
                    problems.add("intercept " + name + " refused: its LIID belongs to intercept " + owner);
                    continue;
                }
                try {
                    if (addIntercept(
                            name,
                            icpt.getSpec(),
                            agencies,
                            rs.collector(),
                            neId,
                            slot,
                            tb,
                            iri,
                            radiusSpecs,
                            sipSpecs)) {
                        active++;
                    }
                } catch (RuntimeException e) {
                    rejected++;
                    problems.add("intercept " + name + " rejected: " + e.getMessage());
                }
            }
        }
        staticEntries = List.copyOf(tb);
        if (radius != null) {
            radius.setSpecs(radiusSpecs, now());
            radius.takeTableDirty(); // built just below
            radiusAnnounced();
        }
        if (sip != null) {
            sip.setSpecs(sipSpecs, now());
        }
        pipeline.setTable(buildTable());
        iriTargets = List.copyOf(iri);
        activeIntercepts = active;
        rejectedIntercepts = rejected;
        refusedIntercepts = refused;
        rejectedResources = rs.rejected().size();
        for (String p : problems) {
            if (!lastProblems.contains(p)) {
                rejections.increment();
                if (p.startsWith("intercept ")) {
                    LOG.warning(p); // resource lines were logged by the source that read them
                }
            }
        }
        lastProblems = problems;
        loaded = true;
        LOG.info("target table updated: " + active + " intercept(s) active, " + rejected + " rejected, " + refused
                + " refused, " + rs.rejected().size() + " file(s)/resource(s) unreadable");
        tick();
    }

    /** The CIN slot: the fixed one, else the Collector's status.cinSlots[node]; null while unknown. */
    private Integer cinSlot(Collector c) {
        if (rules.cinSlot() != null) {
            return rules.cinSlot();
        }
        if (c == null || c.getStatus() == null || c.getStatus().getCinSlots() == null || rules.node() == null) {
            return null;
        }
        Integer s = c.getStatus().getCinSlots().get(rules.node());
        return s == null || s < 0 || s > MAX_CIN_SLOT ? null : s;
    }

    /** Adds every target of one Intercept, or none: any unusable target rejects the whole Intercept. */
    private boolean addIntercept(
            String name,
            InterceptSpec spec,
            Map<String, AgencySpec> agencies,
            Collector collector,
            String neId,
            int slot,
            List<Map.Entry<IpPrefix, TargetEntry>> tb,
            List<IriTarget> iri,
            List<SessionIntercepts.Spec> radiusSpecs,
            List<SipIntercepts.Spec> sipSpecs) {
        if (spec == null || spec.getLiid() == null) {
            throw new IllegalArgumentException("no spec or liid");
        }
        if (collector != null
                && !io.kubeli.api.v1alpha1.CollectorSelection.matches(spec.getCollectorSelector(), collector)) {
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
        List<Target> targets = spec.getTargets() == null ? List.of() : spec.getTargets();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no targets");
        }
        // check every target before adding any: never half-active
        List<IpPrefix> prefixes = new ArrayList<>();
        List<Long> bases = new ArrayList<>();
        List<byte[]> users = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            TargetKind kind = t.kind();
            if (kind == TargetKind.RADIUS_USER && radius != null) {
                byte[] u = t.getRadiusUser().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (u.length < 1 || u.length > 253) {
                    throw new IllegalArgumentException("target #" + i + ": radiusUser must be 1..253 octets");
                }
                users.add(u);
                continue;
            }
            if (kind == TargetKind.SIP_URI && sip != null) {
                String k = io.kubeli.collector.sip.SipUri.targetKey(t.getSipUri());
                if (k == null) {
                    throw new IllegalArgumentException("target #" + i + ": sipUri must be a sip:, sips: or tel: URI");
                }
                uris.add(k);
                continue;
            }
            if (kind != TargetKind.IP) {
                throw new IllegalArgumentException("target #" + i + ": "
                        + (kind == null
                                ? "no single identity"
                                : "kind " + kind.name().toLowerCase() + " is not served by this collector (ip"
                                        + (radius != null ? ", radiusUser" : "") + (sip != null ? ", sipUri" : "")
                                        + " targets only)"));
            }
            IpPrefix prefix;
            try {
                prefix = IpPrefix.parse(t.getIp());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("target #" + i + ": " + e.getMessage());
            }
            int min = prefix.version() == 4 ? rules.minPrefix4() : rules.minPrefix6();
            if (prefix.length() < min) {
                throw new IllegalArgumentException("target #" + i + ": prefix length /" + prefix.length()
                        + " is shorter than the minimum /" + min + " for IPv" + prefix.version()
                        + " (catch-all prefixes are refused)");
            }
            if (t.getCin() != null && (t.getCin() < 0 || t.getCin() >= CIN_SPACE)) {
                throw new IllegalArgumentException("target #" + i + ": cin must be 0.." + (CIN_SPACE - 1));
            }
            prefixes.add(prefix);
            bases.add(t.getCin() != null ? t.getCin() : defaultCin(prefix));
        }
        Profile profile = Profile.byName(agency.etsiProfileOrDefault().name().toLowerCase());
        TimestampFormat tsf =
                TimestampFormat.valueOf(agency.timestampFormatOrDefault().name());
        boolean cc = spec.outputOrDefault().includesCc();
        boolean iriOn = spec.outputOrDefault().includesIri();
        Object identity = new Object();
        java.util.function.LongFunction<HeaderParams> header = cin -> new HeaderParams(
                profile,
                spec.getLiid(),
                spec.getAuthorizationCountryCode(),
                agency.getOperatorId(),
                neId,
                cin,
                spec.getDeliveryCountryCode(),
                tsf,
                null);
        for (int i = 0; i < prefixes.size(); i++) {
            IpPrefix prefix = prefixes.get(i);
            long cin = slot * CIN_SPACE + bases.get(i);
            HeaderParams hp = header.apply(cin);
            KeyState key = keyFor(name, spec.getAgencyRef(), spec.getLiid(), cin);
            IpccTemplate template = IpccTemplate.of(hp);
            TargetEntry.Seen seen = new TargetEntry.Seen();
            tb.add(Map.entry(prefix, new TargetEntry(identity, key, from, until, cc, iriOn, hp, template, seen)));
            if (iriOn) {
                iri.add(new IriTarget(name, key, hp, prefix, usernameOf(prefix), from, until, seen));
            }
        }
        for (String u : uris) {
            HeaderParams base = header.apply(0L);
            sipSpecs.add(new SipIntercepts.Spec(
                    name,
                    u,
                    from,
                    until,
                    cc,
                    iriOn,
                    base,
                    spec.getAgencyRef(),
                    spec.getLiid(),
                    slot,
                    new java.util.HashSet<>(bases))); // its IP targets' CINs: calls avoid them
        }
        for (byte[] u : users) {
            HeaderParams base = header.apply(0L);
            radiusSpecs.add(new SessionIntercepts.Spec(
                    name, identity, u, from, until, cc, iriOn, base, spec.getAgencyRef(), spec.getLiid(), slot));
        }
        return true;
    }

    /** The CIN base of a target without a configured one: CRC-32 of the prefix mod 2^20 (C3). */
    static long defaultCin(IpPrefix p) {
        CRC32 crc = new CRC32();
        crc.update(p.address());
        crc.update(p.length());
        return crc.getValue() % CIN_SPACE;
    }

    private static String usernameOf(IpPrefix p) {
        try {
            String a = java.net.InetAddress.getByAddress(p.address()).getHostAddress();
            return p.length() == p.address().length * 8 ? a : a + "/" + p.length();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }

    /** The key of (Intercept identity, LIID, CIN): two Intercepts never share state, numbers or routing. */
    private KeyState keyFor(String identity, String agency, String liid, long cin) {
        String k = identity + '\u0000' + liid + '\u0000' + cin;
        KeyState ks = keys.get(k);
        if (ks == null || !ks.agency().equals(agency)) {
            ks = new KeyState(
                    identity, agency, liid, cin, Math.floorMod(k.hashCode() * 0x9E3779B9, pipeline.encoders()));
            pipeline.sequences().init(ks);
            keys.put(k, ks);
            onNewKey.accept(ks);
        }
        return ks;
    }

    /**
     * Emits IRI-Begin for targets that became active and IRI-End for those that stopped (call periodically). On the
     * capture clock a target is also due when a packet inside its window was seen, so a window opened and closed
     * between two ticks still yields its IRI-Begin and IRI-End.
     */
    public synchronized void tick() {
        if (!armed) {
            return;
        }
        long now = now();
        if (radius != null && now != Long.MIN_VALUE) {
            radius.tick(now);
            if (radius.takeTableDirty()) {
                pipeline.setTable(buildTable());
            }
            radiusAnnounced();
        }
        if (sip != null && now != Long.MIN_VALUE) {
            sip.tick(now);
        }
        retireUnusedKeys();
        Set<IriKey> wasBegun = new java.util.HashSet<>(begun.keySet());
        Map<IriKey, IriTarget> due = new LinkedHashMap<>();
        List<IriTarget> endNow = new ArrayList<>();
        for (IriTarget t : iriTargets) {
            boolean inside = now >= t.fromNanos() && now < t.untilNanos();
            if (inside || (captureClock != null && t.seen().first != Long.MIN_VALUE && now < t.untilNanos())) {
                due.putIfAbsent(new IriKey(t.key(), t.prefix()), t);
            } else if (captureClock != null && t.seen().first != Long.MIN_VALUE) {
                endNow.add(t); // seen and already closed on the capture clock: Begin and End now
            }
        }
        for (var it = begun.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!due.containsKey(e.getKey())) {
                emit(e.getValue(), false, endTime(e.getValue(), now));
                e.getValue().seen().ended = true;
                it.remove();
            }
        }
        for (var e : due.entrySet()) {
            if (!begun.containsKey(e.getKey())) {
                IriKey k = e.getKey();
                if (begunStreams != null
                        && begunStreams.continues(BegunStreams.id(k.key(), k.prefix()), k.key().nextIriSeq)) {
                    begun.put(k, e.getValue()); // its Begin left the crashed process and no End followed: continue
                    continue;
                }
                emit(e.getValue(), true, beginTime(e.getValue(), now));
                begun.put(k, e.getValue());
            }
        }
        if (begunStreams != null) {
            begunStreams.save();
        }
        for (IriTarget t : endNow) {
            IriKey k = new IriKey(t.key(), t.prefix());
            if (t.seen().ended || wasBegun.contains(k)) {
                continue;
            }
            t.seen().ended = true;
            emit(t, true, beginTime(t, now));
            emit(t, false, endTime(t, now));
            begun.remove(k);
        }
    }

    /**
     * Retires keys no target, call or session uses any more (ended calls and sessions, removed Intercepts), so
     * state stays bounded however many calls come and go. In three ticks: first seen unused; next tick still
     * unused, the rings of its encoder are marked (a capture thread that matched it through an old table has long
     * published by then); once the encoder consumed past the mark nothing of it is pending and it leaves the map
     * (its next numbers go to the SequenceStore, its counts to the per-Intercept totals).
     */
    private void retireUnusedKeys() {
        Set<KeyState> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Map.Entry<IpPrefix, TargetEntry> e : staticEntries) {
            used.add(e.getValue().key());
        }
        for (IriTarget t : iriTargets) {
            used.add(t.key());
        }
        for (IriKey k : begun.keySet()) {
            used.add(k.key());
        }
        if (radius != null) {
            radius.keysInUse(used);
        }
        if (sip != null) {
            sip.keysInUse(used);
        }
        for (var it = keys.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            KeyState k = e.getValue();
            if (used.contains(k)) {
                retiring.remove(k);
                continue;
            }
            long[] mark = retiring.get(k);
            if (mark == null) {
                retiring.put(k, UNMARKED);
            } else if (mark == UNMARKED) {
                retiring.put(k, pipeline.markEncoder(k.encoderIndex()));
            } else if (pipeline.encoded(k.encoderIndex(), mark)) {
                retiring.remove(k);
                pipeline.sequences().retire(k);
                synchronized (retiredRecords) {
                    it.remove();
                    long[] r = retiredRecords.computeIfAbsent(k.interceptName(), n -> new long[2]);
                    r[0] += k.ccRecords();
                    r[1] += k.iriRecords();
                }
            }
        }
        retiring.keySet().removeIf(k -> keys.get(mapKey(k)) != k); // replaced keys (agency changed)
    }

    private static String mapKey(KeyState k) {
        return k.interceptName() + '\u0000' + k.liid() + '\u0000' + k.cin();
    }

    /** Ends every active interception (IRI-End), e.g. at shutdown or at the end of a replayed file. */
    public synchronized void endAll() {
        if (captureClock != null) {
            tick(); // a window entered since the last tick still gets its IRI-Begin first
        }
        if (!armed) {
            begun.clear();
            iriTargets = List.of();
            return;
        }
        long now = now();
        if (radius != null) {
            radius.endAll(now);
            radiusAnnounced();
            saveRadiusSessions(true);
        }
        if (sip != null) {
            sip.endAll(now);
        }
        for (IriTarget t : begun.values()) {
            emit(t, false, endTime(t, now));
            t.seen().ended = true;
        }
        begun.clear();
        iriTargets = List.of();
        if (begunStreams != null) {
            begunStreams.save();
        }
    }

    /**
     * Saves the session table when it changed (at most every 10 s unless {@code force} or a target's session changed): a snapshot under the lock,
     * written and synced outside it (capture threads applying RADIUS wait only for the copy). Errors are logged.
     */
    public void saveRadiusSessions(boolean force) {
        byte[] snap;
        synchronized (this) {
            if (radiusStore == null || !radius.tracker().dirty()) {
                return;
            }
            long t = System.nanoTime();
            if (!force && !radiusUrgent && t - radiusSavedAt < 10_000_000_000L) {
                return;
            }
            radiusSavedAt = t;
            radiusUrgent = false;
            snap = radiusStore.snapshot(radius.tracker());
            radius.tracker().clearDirty();
        }
        try {
            radiusStore.write(snap);
        } catch (java.io.IOException e) {
            synchronized (this) {
                radius.tracker().markDirty(); // try again next time
            }
            LOG.warning("cannot save the RADIUS session table: " + e.getMessage());
        }
    }

    private boolean emitIri(
            String name,
            KeyState k,
            HeaderParams hp,
            io.kubeli.etsi.IriType type,
            io.kubeli.etsi.IriContents c,
            long atNanos) {
        long seq = k.nextIriSeq;
        byte[] pdu = encodeIri(
                name,
                k,
                () -> new io.kubeli.etsi.PsPdu(
                        Pdus.header(hp, seq, instant(atNanos)),
                        io.kubeli.etsi.Payload.Iri.of(new io.kubeli.etsi.IriPayload(type, null, c))));
        if (pdu == null) {
            return false;
        }
        pipeline.sink().write(k, Stream.IRI, seq, pdu, 0, pdu.length);
        return true;
    }

    /** Encodes an IRI record that takes the key's next IRI sequence number (counted); null when it cannot be (logged). */
    private static byte[] encodeIri(String name, KeyState k, java.util.function.Supplier<io.kubeli.etsi.PsPdu> pdu) {
        byte[] b;
        try {
            b = ReferenceEncoder.encode(pdu.get());
        } catch (RuntimeException e) {
            LOG.severe("cannot encode IRI for intercept " + name + ": "
                    + e.getClass().getSimpleName());
            return null;
        }
        k.nextIriSeq = k.nextIriSeq + 1;
        k.iriRecords = k.iriRecords + 1; // single writer: the control thread
        return b;
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private long now() {
        if (captureClock != null) {
            return captureClock.getAsLong();
        }
        return nanos(clock.instant());
    }

    /** Live: now. Capture clock: the window start, or the first packet inside it when the capture began later. */
    private long beginTime(IriTarget t, long now) {
        if (captureClock == null) {
            return now;
        }
        if (pipeline.captureStart() != Long.MIN_VALUE && pipeline.captureStart() < t.fromNanos()) {
            return t.fromNanos(); // the window opened during the capture
        }
        long first = t.seen().first;
        long start = Math.max(t.fromNanos(), Math.min(pipeline.captureStart(), t.untilNanos() - 1));
        return first == Long.MIN_VALUE ? start : Math.max(t.fromNanos(), Math.min(first, t.untilNanos() - 1));
    }

    /** Live: now. Capture clock: the window end, or the last capture time when the file ended first. */
    private long endTime(IriTarget t, long now) {
        return captureClock == null ? now : Math.max(t.fromNanos(), Math.min(now, t.untilNanos()));
    }

    private void emit(IriTarget t, boolean begin, long atNanos) {
        KeyState k = t.key();
        long seq = k.nextIriSeq;
        Instant at = instant(atNanos);
        byte[] pdu = encodeIri(
                t.name(),
                k,
                () -> begin
                        ? Pdus.ipIriBegin(
                                t.header(),
                                seq,
                                at,
                                t.username(),
                                t.prefix().address(),
                                t.prefix().length())
                        : Pdus.ipIriEnd(
                                t.header(),
                                seq,
                                at,
                                t.username(),
                                t.prefix().address(),
                                t.prefix().length()));
        if (pdu == null) {
            return;
        }
        if (begunStreams != null) {
            String id = BegunStreams.id(k, t.prefix());
            if (begin) begunStreams.begun(id, seq);
            else begunStreams.ended(id);
        }
        pipeline.sink().write(k, Stream.IRI, seq, pdu, 0, pdu.length);
        LOG.info("intercept " + t.name() + ": IRI-" + (begin ? "Begin" : "End") + " (cin " + k.cin() + ")");
    }

    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
