package io.kubeli.collector;

import io.kubeli.collector.radius.RadiusMessage;
import io.kubeli.collector.radius.RadiusTracker;
import io.kubeli.collector.radius.Session;
import io.kubeli.collector.radius.SessionListener;
import io.kubeli.etsi.AccessEventType;
import io.kubeli.etsi.AuthenticationType;
import io.kubeli.etsi.EndReason;
import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.InternetAccessType;
import io.kubeli.etsi.IpAddress;
import io.kubeli.etsi.IpAssignment;
import io.kubeli.etsi.IpIriContents;
import io.kubeli.etsi.IpVersion;
import io.kubeli.etsi.IpccTemplate;
import io.kubeli.etsi.IriContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Octets;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * radiusUser targets: binds the tracker's sessions of target users to their Intercepts. While a bound session is up,
 * its addresses are in the target table (one CIN per session, {@link #cinBase}); IRI follows the session (Begin at
 * Accounting Start or startOfInterceptionWithSessionActive, Continue on Interim-Update and address changes, End at
 * Stop, NAS restart or idle timeout), access events are IRI-Report. Guarded by the {@link InterceptManager}'s lock.
 * Each session remembers (persisted with it) the sequence numbers of its streams' last IRI-Begin and IRI-End, so a
 * collector restarted after a crash continues a stream the agency already saw begin: no second IRI-Begin on a CIN
 * (TS 102 232-3 has no event for "collector restarted"; the next Interim-Update is the next IRI-Continue).
 */
final class SessionIntercepts implements SessionListener {
    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(InterceptManager.class.getName());
    /** Which RADIUS attribute a radiusUser target is compared with. */
    enum Identity {
        USER,
        CALLING_STATION_ID,
        BOTH
    }

    /** One radiusUser target of an Intercept in the current snapshot. */
    record Spec(
            String name,
            Object identity,
            byte[] user,
            long from,
            long until,
            boolean cc,
            boolean iri,
            HeaderParams base,
            String agency,
            String liid,
            int slot) {
        boolean inWindow(long t) {
            return t >= from && t < until;
        }
    }

    private static final class Binding {
        final Spec spec;
        final Session session;
        final KeyState key;
        final HeaderParams hp;
        final TargetEntry entry;
        boolean begun;
        boolean windowEnded;

        Binding(Spec spec, Session session, KeyState key, HeaderParams hp) {
            this.spec = spec;
            this.session = session;
            this.key = key;
            this.hp = hp;
            this.entry = new TargetEntry(
                    spec.identity(), key, spec.from(), spec.until(), spec.cc(), spec.iri(), hp, IpccTemplate.of(hp));
        }
    }

    private record UserKey(byte[] b) {
        @Override
        public boolean equals(Object o) {
            return o instanceof UserKey k && Arrays.equals(k.b, b);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(b);
        }
    }

    private final RadiusTracker tracker;
    private final Identity identity;
    private final IriOut out;
    private Map<UserKey, List<Spec>> specs = Map.of();
    private final Map<Session, List<Binding>> bindings = new IdentityHashMap<>();
    private boolean tableDirty;
    private boolean announcedDirty;

    SessionIntercepts(RadiusTracker tracker, Identity identity, IriOut out) {
        this.tracker = tracker;
        this.identity = identity;
        this.out = out;
    }

    RadiusTracker tracker() {
        return tracker;
    }

    /** Sessions of target users bound now (for status). */
    int boundSessions() {
        return bindings.size();
    }

    /** True once after bound addresses changed: the manager rebuilds the target table. */
    boolean takeTableDirty() {
        boolean d = tableDirty;
        tableDirty = false;
        return d;
    }

    /** True once after a session's announced streams changed: the manager saves the table soon (as for a Stop). */
    boolean takeAnnouncedDirty() {
        boolean d = announcedDirty;
        announcedDirty = false;
        return d;
    }

    /** The CIN base of a session: CRC-32 of (NAS identity, Acct-Session-Id) mod 2^20 (stable across restarts, C3). */
    static long cinBase(byte[] sessionKey) {
        CRC32 crc = new CRC32();
        crc.update(sessionKey);
        return crc.getValue() % InterceptManager.CIN_SPACE;
    }

    /** The CIN base of access events of a user (no session yet). */
    static long accessCinBase(byte[] user) {
        CRC32 crc = new CRC32();
        crc.update("access\0".getBytes(StandardCharsets.US_ASCII));
        crc.update(user);
        return crc.getValue() % InterceptManager.CIN_SPACE;
    }

    /** New snapshot of radiusUser targets: rebinds every session; bindings that are gone end their IRI now. */
    void setSpecs(List<Spec> list, long now) {
        Map<UserKey, List<Spec>> m = new HashMap<>();
        for (Spec s : list) {
            m.computeIfAbsent(new UserKey(s.user()), k -> new ArrayList<>()).add(s);
        }
        specs = m;
        Map<Session, List<Binding>> old = new IdentityHashMap<>(bindings);
        bindings.clear();
        if (!m.isEmpty()) {
            for (Session s : tracker.sessions()) {
                List<Spec> sp = specsOf(s);
                if (sp.isEmpty()) {
                    continue;
                }
                List<Binding> prev = old.getOrDefault(s, List.of());
                List<Binding> nb = new ArrayList<>();
                for (Spec spec : sp) {
                    Binding b = bind(spec, s);
                    boolean known = false;
                    for (Binding p : prev) {
                        if (p.key == b.key && p.spec.name().equals(spec.name())) {
                            b.begun = p.begun; // same Intercept, same stream: keep its IRI state
                            b.windowEnded = p.windowEnded;
                            known = true;
                        }
                    }
                    if (!known) {
                        b.begun = begunAtAgency(b);
                    }
                    nb.add(b);
                }
                bindings.put(s, nb);
            }
        }
        for (var e : old.entrySet()) {
            List<Binding> now2 = bindings.getOrDefault(e.getKey(), List.of());
            for (Binding p : e.getValue()) {
                boolean kept = now2.stream()
                        .anyMatch(b -> b.key == p.key && b.spec.name().equals(p.spec.name()));
                if (p.begun && !kept) {
                    iri(p, IriType.IRI_END, AccessEventType.END_OF_INTERCEPTION_WITH_SESSION_ACTIVE, null, now);
                }
            }
        }
        tableDirty = true;
    }

    private List<Spec> specsOf(Session s) {
        List<Spec> a = identity != Identity.CALLING_STATION_ID && s.user() != null
                ? specs.getOrDefault(new UserKey(s.user()), List.of())
                : List.of();
        List<Spec> b = identity != Identity.USER && s.callingStationId() != null
                ? specs.getOrDefault(new UserKey(s.callingStationId()), List.of())
                : List.of();
        if (b.isEmpty()) {
            return a;
        }
        List<Spec> l = new ArrayList<>(a);
        for (Spec x : b) {
            if (!l.contains(x)) {
                l.add(x);
            }
        }
        return l;
    }

    /** The stream of a binding as the session remembers it: Intercept identity, LIID, CIN. */
    private static String stream(KeyState k) {
        return k.interceptName() + '\u0000' + k.liid() + '\u0000' + k.cin();
    }

    /**
     * Whether the agency may hold an open IRI-Begin of this (new) binding's stream, judged by the session's
     * remembered Begin/End numbers against the stream's next number (after a restart: one above the highest that
     * may have left the previous process, from the link's sequence journal). A Begin that died in memory (its
     * number is reused) does not count; an End that left closes it. A restored session with nothing remembered
     * but numbers already used on its stream was begun just before a crash that beat the (~200 ms) save. Only what
     * the previous process left counts, once: in this process the bindings' own state rules.
     */
    private static boolean begunAtAgency(Binding b) {
        long n = b.key.nextIriSeq;
        long[] a = b.session.announced(stream(b.key));
        if (a == null) {
            return b.session.restored() && n > 0;
        }
        if (a[2] == 0) {
            return false; // announced (and so ended, if no binding holds it) in this process
        }
        a[2] = 0;
        return a[0] >= 0 && n > a[0] && !(a[1] > a[0] && n > a[1]);
    }

    private Binding bind(Spec spec, Session s) {
        long cin = spec.slot() * InterceptManager.CIN_SPACE + cinBase(s.keyBytes());
        HeaderParams hp = spec.base().withCin(cin);
        return new Binding(spec, s, out.key(spec.name(), spec.agency(), spec.liid(), cin), hp);
    }

    /** Adds the key of every bound session to {@code into}. */
    void keysInUse(java.util.Set<KeyState> into) {
        for (List<Binding> l : bindings.values()) {
            for (Binding b : l) {
                into.add(b.key);
            }
        }
    }

    /** Adds the addresses of every bound session to a table being built. */
    void addTo(TargetTable.Builder tb) {
        for (List<Binding> l : bindings.values()) {
            for (Binding b : l) {
                for (IpPrefix p : prefixes(b.session)) {
                    tb.add(p, b.entry);
                }
            }
        }
    }

    /** Window openings and closings of bound sessions; idle sessions end. */
    void tick(long now) {
        tracker.expire(now, this);
        for (List<Binding> l : bindings.values()) {
            for (Binding b : l) {
                if (!b.begun && !b.windowEnded && b.spec.iri() && b.spec.inWindow(now)) {
                    b.begun = true;
                    iri(
                            b,
                            IriType.IRI_BEGIN,
                            AccessEventType.START_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                            null,
                            Math.max(now, b.spec.from()));
                } else if (b.begun && now >= b.spec.until()) {
                    b.begun = false;
                    b.windowEnded = true;
                    iri(
                            b,
                            IriType.IRI_END,
                            AccessEventType.END_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                            null,
                            b.spec.until());
                }
            }
        }
    }

    /** Ends the IRI of every begun binding (shutdown, end of a replay). */
    void endAll(long now) {
        for (List<Binding> l : bindings.values()) {
            for (Binding b : l) {
                if (b.begun) {
                    b.begun = false;
                    iri(
                            b,
                            IriType.IRI_END,
                            AccessEventType.END_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                            null,
                            Math.min(now, b.spec.until()));
                }
            }
        }
    }

    @Override
    public void access(byte[] user, int code, RadiusMessage m, long ts) {
        List<Spec> l =
                identity == Identity.CALLING_STATION_ID ? List.of() : specs.getOrDefault(new UserKey(user), List.of());
        for (Spec spec : l) {
            if (!spec.iri() || !spec.inWindow(ts)) {
                continue;
            }
            AccessEventType ev = code == RadiusMessage.ACCESS_REQUEST
                    ? AccessEventType.ACCESS_ATTEMPT
                    : code == RadiusMessage.ACCESS_ACCEPT
                            ? AccessEventType.ACCESS_ACCEPT
                            : AccessEventType.ACCESS_REJECT;
            long cin = spec.slot() * InterceptManager.CIN_SPACE + accessCinBase(user);
            HeaderParams hp = spec.base().withCin(cin);
            KeyState key = out.key(spec.name(), spec.agency(), spec.liid(), cin);
            IpIriContents.Builder c = IpIriContents.builder(
                            ev,
                            Octets.of(user),
                            InternetAccessType.UNDEFINED,
                            m.hasFramedIp4 || !m.hasFramedIp6 && m.framedPrefixLen == 0
                                    ? IpVersion.IPV4
                                    : IpVersion.IPV6)
                    .authenticationType(AuthenticationType.RADIUS_AAA);
            if (m.hasFramedIp4) {
                c.targetIpAddress(IpAddress.withPrefix(v4(m.framedIp4), 32, IpAssignment.DYNAMIC));
            }
            if (code == RadiusMessage.ACCESS_REQUEST) {
                nas(c, m.hasNasIp4, m.nasIp4, m.hasNasIp6, m.nasIp6Hi, m.nasIp6Lo);
            }
            iri(spec.name(), key, hp, IriType.IRI_REPORT, c.build(), ts);
        }
    }

    @Override
    public void started(Session s, boolean atStart, long ts) {
        List<Spec> sp = specs.isEmpty() ? List.of() : specsOf(s);
        if (sp.isEmpty()) {
            return;
        }
        List<Binding> l = new ArrayList<>();
        for (Spec spec : sp) {
            Binding b = bind(spec, s);
            if (begunAtAgency(b)) {
                b.begun = true; // a restored session whose Begin the agency has: continue it
            } else if (spec.iri() && spec.inWindow(ts)) {
                b.begun = true;
                iri(
                        b,
                        IriType.IRI_BEGIN,
                        atStart
                                ? AccessEventType.SESSION_START
                                : AccessEventType.START_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                        null,
                        ts);
            }
            l.add(b);
        }
        bindings.put(s, l);
        tableDirty = true;
    }

    @Override
    public void updated(Session s, boolean addressChanged, boolean interim, long ts) {
        List<Binding> l = bindings.get(s);
        if (l == null) {
            if (!specs.isEmpty() && !specsOf(s).isEmpty()) {
                started(s, false, ts); // the user name arrived only now
            }
            return;
        }
        for (Binding b : l) {
            if (b.begun) {
                iri(b, IriType.IRI_CONTINUE, AccessEventType.INTERIM_UPDATE, null, ts);
            }
        }
        tableDirty |= addressChanged;
    }

    @Override
    public void ended(Session s, EndCause cause, long ts) {
        List<Binding> l = bindings.remove(s);
        if (l == null) {
            return;
        }
        AccessEventType ev =
                cause == EndCause.IDLE_TIMEOUT ? AccessEventType.SESSION_EXPIRED : AccessEventType.SESSION_END;
        EndReason reason = switch (cause) {
            case STOP ->
                switch (s.terminateCause()) {
                    case 1 -> EndReason.REGULAR_LOGOFF; // User-Request
                    case 2, 3, 8 -> EndReason.CONNECTION_LOSS; // Lost-Carrier, Lost-Service, Port-Error
                    case 4, 5 -> EndReason.CONNECTION_TIMEOUT; // Idle-Timeout, Session-Timeout
                    default -> EndReason.UNDEFINED;
                };
            case IDLE_TIMEOUT -> EndReason.CONNECTION_TIMEOUT;
            case NAS_RESTART -> EndReason.CONNECTION_LOSS;
            case EVICTED -> EndReason.UNDEFINED;
        };
        for (Binding b : l) {
            if (b.begun) {
                b.begun = false;
                iri(b, IriType.IRI_END, ev, reason, ts);
            }
        }
        tableDirty = true;
    }

    private void iri(Binding b, IriType type, AccessEventType ev, EndReason reason, long ts) {
        if (!b.spec.iri()) {
            return;
        }
        Session s = b.session;
        byte[] user = s.user() != null ? s.user() : s.callingStationId();
        List<IpPrefix> ps = prefixes(s);
        boolean v4 = s.hasIp4();
        boolean v6 = s.v6Length() > 0 || s.delegatedLength() > 0;
        IpVersion ver = v4 && v6 ? IpVersion.IPV4_AND_V6 : v6 ? IpVersion.IPV6 : IpVersion.IPV4;
        IpIriContents.Builder c = IpIriContents.builder(ev, Octets.of(user), InternetAccessType.UNDEFINED, ver)
                .authenticationType(AuthenticationType.RADIUS_AAA)
                .startTime(InterceptManager.instant(s.startNanos()));
        if (!ps.isEmpty()) {
            c.targetIpAddress(address(ps.get(0)));
        }
        if (ps.size() > 1) {
            c.additionalIpAddress(address(ps.get(1)));
        }
        nas(c, s.hasNasIp4(), s.nasIp4(), s.hasNasIp6(), s.nasIp6Hi(), s.nasIp6Lo());
        if (ev != AccessEventType.SESSION_START && ev != AccessEventType.ACCESS_ACCEPT) {
            c.octetsReceived(BigInteger.valueOf(s.outOctets() & Long.MAX_VALUE)) // octets sent to the target
                    .octetsTransmitted(BigInteger.valueOf(s.inOctets() & Long.MAX_VALUE));
        }
        if (type == IriType.IRI_END) {
            c.endTime(InterceptManager.instant(ts));
            if (reason != null) {
                c.endReason(reason);
            }
        }
        long seq = b.key.nextIriSeq;
        iri(b.spec.name(), b.key, b.hp, type, c.build(), ts);
        if ((type == IriType.IRI_BEGIN || type == IriType.IRI_END) && b.key.nextIriSeq > seq) {
            s.announce(stream(b.key), type == IriType.IRI_BEGIN, seq);
            announcedDirty = true;
        }
    }

    private static void nas(IpIriContents.Builder c, boolean has4, int ip4, boolean has6, long hi, long lo) {
        if (has4) {
            c.popIpAddress(IpAddress.of(v4(ip4), IpAssignment.STATIC));
        } else if (has6) {
            c.popIpAddress(IpAddress.of(v6(hi, lo), IpAssignment.STATIC));
        }
    }

    private static IpAddress address(IpPrefix p) {
        return IpAddress.withPrefix(p.address(), p.length(), IpAssignment.DYNAMIC);
    }

    static List<IpPrefix> prefixes(Session s) {
        List<IpPrefix> l = new ArrayList<>(3);
        if (s.hasIp4()) {
            l.add(new IpPrefix(4, 0, s.ip4() & 0xFFFF_FFFFL, 32, v4(s.ip4())));
        }
        if (s.v6Length() > 0) {
            l.add(new IpPrefix(6, s.v6Hi(), s.v6Lo(), s.v6Length(), v6(s.v6Hi(), s.v6Lo())));
        }
        if (s.delegatedLength() > 0) {
            l.add(new IpPrefix(
                    6, s.delegatedHi(), s.delegatedLo(), s.delegatedLength(), v6(s.delegatedHi(), s.delegatedLo())));
        }
        return l;
    }

    private static byte[] v4(int a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }

    private static byte[] v6(long hi, long lo) {
        return ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
    }

    /** Session IRI is IP IRI (TS 102 232-3). */
    private void iri(String name, KeyState key, HeaderParams hp, IriType type, IpIriContents c, long ts) {
        if (out.iri(name, key, hp, type, new IriContents.IpIri(hp.profile().ipIriObjId(), c), ts)) {
            // one line per session event would flood the log at ISP scale: FINE (the IRI itself is the record)
            LOG.fine(() -> "intercept " + name + ": RADIUS session " + type + " "
                    + c.accessEventType().asnName() + " (cin " + key.cin() + ")");
        }
    }
}
