package io.kubeli.collector.radius;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The session table of every RADIUS user (targets or not), fed by all capture threads. Not thread-safe by itself:
 * the caller serialises {@link #handle} (one lock for RADIUS changes); the data path never reads it (it reads the
 * target table the listener rebuilds). Bounded: at most {@code maxSessions} sessions (the least recently updated is
 * evicted and counted), sessions without accounting for {@code idleNanos} end, at most {@link #MAX_PENDING}
 * requests wait for their response. An address belongs to the session that was given it last: when another session
 * receives it, the earlier holder loses it at once.
 */
public final class RadiusTracker {
    /** Requests waiting for their response (pairing by client address, port and identifier). */
    public static final int MAX_PENDING = 65536;

    private static final long PENDING_NANOS = 30_000_000_000L;

    /** Tracker limits. */
    public record Limits(int maxSessions, long idleNanos) {
        public Limits {
            if (maxSessions < 1) {
                throw new IllegalArgumentException("maxSessions must be >= 1");
            }
            if (idleNanos < 1_000_000_000L) {
                throw new IllegalArgumentException("idle timeout must be >= 1 s");
            }
        }
    }

    private record AddrKey(int version, long hi, long lo, int len) {}

    private record PairKey(long hi, long lo, int port, int id) {}

    private record Pending(int code, byte[] user, long ts) {}

    private final Limits limits;
    private final LinkedHashMap<Session.Key, Session> sessions = new LinkedHashMap<>(1024, 0.75f, true);
    private final Map<AddrKey, Session> byAddress = new HashMap<>();
    private final LinkedHashMap<PairKey, Pending> pending = new LinkedHashMap<>();
    private final LongAdder[] results = new LongAdder[RadiusParser.Result.values().length];
    private final LongAdder unpaired = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder idleEnded = new LongAdder();
    private final LongAdder unknownStops = new LongAdder();
    private boolean dirty;

    public RadiusTracker(Limits limits) {
        this.limits = limits;
        for (int i = 0; i < results.length; i++) {
            results[i] = new LongAdder();
        }
    }

    public Limits limits() {
        return limits;
    }

    /** Counts a parse result (capture threads call this for every RADIUS packet; thread-safe). */
    public void count(RadiusParser.Result r) {
        results[r.ordinal()].increment();
    }

    /** Packets with this parse result so far. */
    public long results(RadiusParser.Result r) {
        return results[r.ordinal()].sum();
    }

    /** Malformed packets (every result but OK and IGNORED_CODE). */
    public long malformed() {
        long n = 0;
        for (RadiusParser.Result r : RadiusParser.Result.values()) {
            if (r != RadiusParser.Result.OK && r != RadiusParser.Result.IGNORED_CODE) {
                n += results[r.ordinal()].sum();
            }
        }
        return n;
    }

    public long unpairedResponses() {
        return unpaired.sum();
    }

    public long evicted() {
        return evicted.sum();
    }

    public long idleEnded() {
        return idleEnded.sum();
    }

    public long unknownStops() {
        return unknownStops.sum();
    }

    /** Sessions up now. */
    public int size() {
        return sessions.size();
    }

    /** All sessions (caller holds the lock; do not modify). */
    public Iterable<Session> sessions() {
        return sessions.values();
    }

    /** True when sessions changed since the last {@link #clearDirty}. */
    public boolean dirty() {
        return dirty;
    }

    public void clearDirty() {
        dirty = false;
    }

    public void markDirty() {
        dirty = true;
    }

    /**
     * Applies one well-formed packet. {@code clientHi/clientLo}: the RADIUS client (NAS) address of the exchange (a
     * request's source, a response's destination; IPv4 in the low 32 bits of clientLo with clientHi = 0 and
     * version 4), {@code clientPort} likewise.
     */
    public void handle(
            RadiusMessage m, int version, long clientHi, long clientLo, int clientPort, long ts, SessionListener l) {
        PairKey pk = new PairKey(version == 4 ? 0 : clientHi, clientLo, clientPort, m.identifier);
        switch (m.code) {
            case RadiusMessage.ACCESS_REQUEST -> {
                byte[] user = m.userLen > 0 ? Arrays.copyOf(m.user, m.userLen) : null;
                remember(pk, new Pending(m.code, user, ts));
                if (user != null) {
                    l.access(user, m.code, m, ts);
                }
            }
            case RadiusMessage.ACCOUNTING_REQUEST -> {
                remember(pk, new Pending(m.code, null, ts));
                accounting(m, version, clientHi, clientLo, ts, l);
            }
            default -> { // responses
                Pending p = pending.remove(pk);
                boolean access = m.code != RadiusMessage.ACCOUNTING_RESPONSE;
                if (p == null || (p.code == RadiusMessage.ACCESS_REQUEST) != access) {
                    unpaired.increment();
                    return;
                }
                if (access && p.user != null) {
                    l.access(p.user, m.code, m, ts);
                }
            }
        }
        expire(ts, l);
    }

    private void remember(PairKey k, Pending p) {
        pending.remove(k); // a retransmission or a reused identifier: the latest request counts
        pending.put(k, p);
        while (pending.size() > MAX_PENDING) {
            Iterator<Pending> it = pending.values().iterator();
            it.next();
            it.remove();
        }
    }

    private void accounting(RadiusMessage m, int version, long clientHi, long clientLo, long ts, SessionListener l) {
        byte[] nas = nasIdentity(m, version, clientHi, clientLo);
        if (m.statusType == RadiusMessage.STATUS_ACCOUNTING_ON || m.statusType == RadiusMessage.STATUS_ACCOUNTING_OFF) {
            // the NAS (re)started: every session it had is over
            List<Session> gone = new ArrayList<>();
            for (Session s : sessions.values()) {
                if (ofNas(s.key.b, nas)) {
                    gone.add(s);
                }
            }
            for (Session s : gone) {
                end(s, SessionListener.EndCause.NAS_RESTART, ts, l);
            }
            return;
        }
        if (m.statusType != RadiusMessage.STATUS_START
                && m.statusType != RadiusMessage.STATUS_STOP
                && m.statusType != RadiusMessage.STATUS_INTERIM) {
            return; // Accounting-On/Off handled; other types (tunnel accounting, failed) carry no session state
        }
        Session.Key key = new Session.Key(concat(nas, Arrays.copyOf(m.sessionId, m.sessionIdLen)));
        Session s = sessions.get(key);
        if (m.statusType == RadiusMessage.STATUS_STOP) {
            if (s == null) {
                unknownStops.increment();
                return;
            }
            counters(s, m, ts);
            s.terminateCause = m.terminateCause;
            end(s, SessionListener.EndCause.STOP, ts, l);
            return;
        }
        boolean fresh = s == null;
        if (fresh) {
            if (m.userLen <= 0 && m.callingStationIdLen <= 0) {
                return; // nobody to attribute the session to
            }
            s = new Session(key);
            s.startNanos = ts;
            sessions.put(key, s);
            dirty = true;
            evictOverflow(ts, l);
        } else if (m.statusType == RadiusMessage.STATUS_START) {
            s.startNanos = ts; // a repeated Start (retransmission) keeps the session
        }
        if (m.userLen > 0 && (s.user == null || !Arrays.equals(s.user, 0, s.user.length, m.user, 0, m.userLen))) {
            s.user = Arrays.copyOf(m.user, m.userLen);
        }
        if (m.callingStationIdLen > 0) {
            s.callingStationId = Arrays.copyOf(m.callingStationId, m.callingStationIdLen);
        }
        s.hasNasIp4 = m.hasNasIp4;
        s.nasIp4 = m.nasIp4;
        s.hasNasIp6 = m.hasNasIp6;
        s.nasIp6Hi = m.nasIp6Hi;
        s.nasIp6Lo = m.nasIp6Lo;
        counters(s, m, ts);
        boolean changed = m.hasAddress() && setAddresses(s, m, ts, l);
        if (fresh) {
            l.started(s, m.statusType == RadiusMessage.STATUS_START, ts);
        } else {
            l.updated(s, changed, m.statusType == RadiusMessage.STATUS_INTERIM, ts);
        }
    }

    private static void counters(Session s, RadiusMessage m, long ts) {
        s.lastNanos = ts;
        if (m.statusType != RadiusMessage.STATUS_START) {
            s.inOctets = m.inTotal();
            s.outOctets = m.outTotal();
            s.inPackets = m.inPackets;
            s.outPackets = m.outPackets;
        }
    }

    /** Sets the session's addresses from {@code m}; returns whether they changed. */
    private boolean setAddresses(Session s, RadiusMessage m, long ts, SessionListener l) {
        int v6Len = m.framedPrefixLen > 0 ? m.framedPrefixLen : m.hasFramedIp6 ? 128 : 0;
        long v6Hi = m.framedPrefixLen > 0 ? m.framedPrefixHi : m.framedIp6Hi;
        long v6Lo = m.framedPrefixLen > 0 ? m.framedPrefixLo : m.framedIp6Lo;
        if (s.has4 == m.hasFramedIp4
                && (!s.has4 || s.ip4 == m.framedIp4)
                && s.v6Len == v6Len
                && s.v6Hi == v6Hi
                && s.v6Lo == v6Lo
                && s.delegatedLen == m.delegatedPrefixLen
                && s.delegatedHi == m.delegatedPrefixHi
                && s.delegatedLo == m.delegatedPrefixLo) {
            return false;
        }
        unindex(s);
        s.has4 = m.hasFramedIp4;
        s.ip4 = m.framedIp4;
        s.v6Len = v6Len;
        s.v6Hi = v6Len > 0 ? v6Hi : 0;
        s.v6Lo = v6Len > 0 ? v6Lo : 0;
        s.delegatedLen = m.delegatedPrefixLen;
        s.delegatedHi = m.delegatedPrefixHi;
        s.delegatedLo = m.delegatedPrefixLo;
        for (AddrKey a : addresses(s)) {
            Session prev = byAddress.put(a, s);
            if (prev != null && prev != s) {
                dropAddress(prev, a);
                l.updated(prev, true, false, ts); // the earlier holder loses it at once
            }
        }
        dirty = true;
        return true;
    }

    private void dropAddress(Session s, AddrKey a) {
        if (a.version == 4) {
            s.has4 = false;
            s.ip4 = 0;
        } else if (a.len == s.v6Len && a.hi == s.v6Hi && a.lo == s.v6Lo) {
            s.v6Len = 0;
            s.v6Hi = s.v6Lo = 0;
        } else {
            s.delegatedLen = 0;
            s.delegatedHi = s.delegatedLo = 0;
        }
    }

    private static List<AddrKey> addresses(Session s) {
        List<AddrKey> l = new ArrayList<>(3);
        if (s.has4) {
            l.add(new AddrKey(4, 0, s.ip4 & 0xFFFF_FFFFL, 32));
        }
        if (s.v6Len > 0) {
            l.add(new AddrKey(6, s.v6Hi, s.v6Lo, s.v6Len));
        }
        if (s.delegatedLen > 0) {
            l.add(new AddrKey(6, s.delegatedHi, s.delegatedLo, s.delegatedLen));
        }
        return l;
    }

    private void unindex(Session s) {
        for (AddrKey a : addresses(s)) {
            byAddress.remove(a, s);
        }
    }

    private void end(Session s, SessionListener.EndCause cause, long ts, SessionListener l) {
        sessions.remove(s.key);
        unindex(s);
        s.lastNanos = Math.max(s.lastNanos, ts);
        dirty = true;
        l.ended(s, cause, ts); // still with its last addresses (for the IRI-End)
        s.has4 = false;
        s.v6Len = 0;
        s.delegatedLen = 0;
    }

    private void evictOverflow(long ts, SessionListener l) {
        while (sessions.size() > limits.maxSessions()) {
            Session eldest = sessions.values().iterator().next();
            evicted.increment();
            end(eldest, SessionListener.EndCause.EVICTED, ts, l);
        }
    }

    /** Ends sessions without accounting for the idle timeout (call with the clock of the capture). */
    public void expire(long now, SessionListener l) {
        while (!sessions.isEmpty()) {
            Session eldest = sessions.values().iterator().next(); // least recently updated first
            if (now - eldest.lastNanos < limits.idleNanos()) {
                break;
            }
            idleEnded.increment();
            end(eldest, SessionListener.EndCause.IDLE_TIMEOUT, now, l);
        }
        while (!pending.isEmpty()) {
            Pending p = pending.values().iterator().next();
            if (now - p.ts < PENDING_NANOS) {
                break;
            }
            Iterator<Pending> it = pending.values().iterator();
            it.next();
            it.remove();
        }
    }

    /** Adds a restored session (start-up); it keeps its place as most recently updated. */
    void restore(Session s) {
        sessions.put(s.key, s);
        for (AddrKey a : addresses(s)) {
            byAddress.put(a, s);
        }
    }

    /** The NAS of a request: NAS-IP-Address, NAS-IPv6-Address, NAS-Identifier, else the client address. */
    private static byte[] nasIdentity(RadiusMessage m, int version, long hi, long lo) {
        if (m.hasNasIp4) {
            return new byte[] {
                '4', (byte) (m.nasIp4 >>> 24), (byte) (m.nasIp4 >>> 16), (byte) (m.nasIp4 >>> 8), (byte) m.nasIp4
            };
        }
        if (m.hasNasIp6) {
            return java.nio.ByteBuffer.allocate(17)
                    .put((byte) '6')
                    .putLong(m.nasIp6Hi)
                    .putLong(m.nasIp6Lo)
                    .array();
        }
        if (m.nasIdentifierLen > 0) {
            byte[] b = new byte[m.nasIdentifierLen + 1];
            b[0] = 'n';
            System.arraycopy(m.nasIdentifier, 0, b, 1, m.nasIdentifierLen);
            return b;
        }
        return version == 4
                ? new byte[] {'c', (byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo}
                : java.nio.ByteBuffer.allocate(17)
                        .put((byte) 'C')
                        .putLong(hi)
                        .putLong(lo)
                        .array();
    }

    private static boolean ofNas(byte[] key, byte[] nas) {
        return key.length > nas.length && key[nas.length] == 0 && Arrays.equals(key, 0, nas.length, nas, 0, nas.length);
    }

    private static byte[] concat(byte[] nas, byte[] id) {
        byte[] b = Arrays.copyOf(nas, nas.length + 1 + id.length);
        System.arraycopy(id, 0, b, nas.length + 1, id.length);
        return b;
    }
}
