package io.kubeli.collector;

import io.kubeli.collector.sip.Sdp;
import io.kubeli.collector.sip.SipMessage;
import io.kubeli.collector.sip.SipParser;
import io.kubeli.collector.sip.SipUri;
import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.IpAddress;
import io.kubeli.etsi.IpAssignment;
import io.kubeli.etsi.IriContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Octets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32;

/**
 * sipUri targets: follows the calls (by Call-ID and tags) of target identities. Every SIP message of a target's call
 * is IPMMIRI (IRI-Begin at the first, Continue, End at the BYE's final response, a failed or cancelled INVITE's final
 * response); messages naming the target outside a call (REGISTER, MESSAGE, ...) are IRI-Report. While a call is up
 * its target's SDP media endpoints are in the {@link MediaTable} (IPMMCC, one CIN per call), changed per call: a
 * call's SDP costs O(its endpoints), not O(calls up). Only target calls are kept, so a flood of other calls costs no
 * memory; target calls are bounded too (refused beyond, counted) and expire.
 * Guarded by the {@link InterceptManager}'s lock except {@link #mayConcern} and the counters.
 */
public final class SipIntercepts {
    /** Calls kept at most and how long a call lives without SIP or media (nanoseconds). */
    public record Limits(int maxCalls, long mediaTimeoutNanos) {}

    /** One sipUri target of an Intercept in the current snapshot. */
    record Spec(
            String name,
            String key,
            long from,
            long until,
            boolean cc,
            boolean iri,
            HeaderParams base,
            String agency,
            String liid,
            int slot,
            java.util.Set<Long> reserved) {
        Spec {
            reserved = reserved == null ? java.util.Set.of() : java.util.Set.copyOf(reserved);
        }

        boolean inWindow(long t) {
            return t >= from && t < until;
        }
    }

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(SipIntercepts.class.getName());
    private static final long LINGER_NANOS = 32_000_000_000L; // RFC 3261 Timer J/ 64*T1: retransmissions after the end

    private enum State {
        EARLY,
        CONFIRMED,
        ENDING,
        ENDED
    }

    private static final class Binding {
        final Spec spec;
        final KeyState key;
        final HeaderParams hp;
        boolean begun;
        io.kubeli.etsi.IpccTemplate media; // IPMMCC template, built when the call first has media

        Binding(Spec spec, KeyState key, HeaderParams hp) {
            this.spec = spec;
            this.key = key;
            this.hp = hp;
        }

        io.kubeli.etsi.IpccTemplate media() {
            if (media == null) {
                media = io.kubeli.etsi.IpccTemplate.ipmmcc(hp);
            }
            return media;
        }
    }

    /** A target media endpoint: a key of the media table. */
    private record Ep(int version, long hi, long lo, int port) {}

    private static final class Call {
        final String callId;
        final List<String> keys;
        final boolean targetIsCaller;
        final String callerTag;
        /** The CIN base, chosen once when the call is first seen: the same for all its records (and bindings). */
        long base;

        List<Binding> bindings = new ArrayList<>();
        State state = State.EARLY;
        long lastSip;
        List<Sdp.Endpoint> callerMedia = List.of();
        final Map<String, List<Sdp.Endpoint>> calleeMedia = new LinkedHashMap<>();
        final SipMedia media = new SipMedia();
        /** The target's endpoints from the latest SDP, and those in the media table now (with {@link #entries}). */
        List<Ep> endpoints = List.of();

        List<Ep> published = List.of();
        TargetEntry[] entries; // one per binding; null: rebuild (bindings changed)
        final long[] recent = new long[16];
        int recentAt;

        Call(String callId, List<String> keys, boolean targetIsCaller, String callerTag) {
            this.callId = callId;
            this.keys = keys;
            this.targetIsCaller = targetIsCaller;
            this.callerTag = callerTag;
            java.util.Arrays.fill(recent, -1);
        }

        boolean mediaUp() {
            return state == State.EARLY || state == State.CONFIRMED;
        }
    }

    private final Limits limits;
    private final boolean[] sipPorts;
    private final IriOut out;
    private final MediaTable mediaTable;
    private volatile Map<String, List<Spec>> specs = Map.of();
    private final ConcurrentHashMap<String, Call> calls = new ConcurrentHashMap<>();
    /** CIN bases held by followed calls (active or lingering): a new call probes past them. */
    private final java.util.Set<Long> heldBases = new java.util.HashSet<>();

    private final AtomicLongArray results = new AtomicLongArray(SipParser.Result.values().length);
    final LongAdder callsTotal = new LongAdder();
    final LongAdder callsRefused = new LongAdder();
    final LongAdder callsExpired = new LongAdder();
    final LongAdder retransmissions = new LongAdder();
    final LongAdder lateMessages = new LongAdder();
    final LongAdder cinCollisions = new LongAdder();
    final LongAdder sdpRejected = new LongAdder();
    final LongAdder messagesIntercepted = new LongAdder();

    SipIntercepts(Limits limits, boolean[] sipPorts, IriOut out, MediaTable mediaTable) {
        this.limits = limits;
        this.sipPorts = sipPorts;
        this.out = out;
        this.mediaTable = mediaTable;
    }

    /** Media endpoints in the table now. */
    public int mediaEndpoints() {
        return mediaTable.size();
    }

    /** Counts one parse outcome (any capture thread). */
    public void count(SipParser.Result r) {
        results.incrementAndGet(r.ordinal());
    }

    /** Messages rejected by the parser (anything but OK and INCOMPLETE). */
    public long malformed() {
        long n = 0;
        for (SipParser.Result r : SipParser.Result.values()) {
            if (r != SipParser.Result.OK && r != SipParser.Result.INCOMPLETE) {
                n += results.get(r.ordinal());
            }
        }
        return n;
    }

    public long results(SipParser.Result r) {
        return results.get(r.ordinal());
    }

    /** Calls of targets being followed now (not ended). */
    public int activeCalls() {
        int n = 0;
        for (Call c : calls.values()) {
            n += c.state == State.ENDED ? 0 : 1;
        }
        return n;
    }

    public long totalCalls() {
        return callsTotal.sum();
    }

    /** Whether any sipUri target is loaded (else SIP is not even parsed). */
    boolean hasTargets() {
        return !specs.isEmpty();
    }

    /** Lock-free pre-check on a capture thread: the message belongs to a followed call or names a target. */
    boolean mayConcern(SipMessage m) {
        Map<String, List<Spec>> s = specs;
        if (s.isEmpty()) {
            return false;
        }
        return calls.containsKey(m.callId) || !matchedKeys(m, s, true).isEmpty();
    }

    /** The first CIN base a call probes: CRC-32 of its Call-ID mod 2^20 (C3). */
    static long cinBase(String callId) {
        CRC32 crc = new CRC32();
        crc.update(callId.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % InterceptManager.CIN_SPACE;
    }

    /**
     * The CIN base of a new call: {@link #cinBase} unless a followed call holds it or an IP target of one of the
     * call's Intercepts uses it; then double hashing (an odd step from FNV-1a of the Call-ID, so every base is
     * reached and Call-IDs crafted to collide in CRC-32 do not form one long cluster). Deterministic for a given
     * sequence of calls. -1 when the whole space is taken.
     */
    long allocateBase(String callId, List<Spec> specsOfCall) {
        long mask = InterceptManager.CIN_SPACE - 1;
        long b = cinBase(callId);
        long step = (fnv1a(callId) << 1 | 1) & mask;
        for (long i = 0; i < InterceptManager.CIN_SPACE; i++, b = (b + step) & mask) {
            if (!heldBases.contains(b) && !reserved(specsOfCall, b)) {
                if (i > 0) {
                    cinCollisions.increment();
                }
                return b;
            }
        }
        return -1;
    }

    private static boolean reserved(List<Spec> l, long base) {
        for (Spec s : l) {
            if (s.reserved().contains(base)) {
                return true;
            }
        }
        return false;
    }

    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h ^ (h >>> 29);
    }

    private void forget(Call c) {
        heldBases.remove(c.base);
        c.state = State.ENDED;
        syncMedia(c);
    }

    /**
     * Makes the media table hold exactly this call's current endpoints and entries while its media is up, none
     * otherwise: touches only this call's keys (other calls' entries stay as they are).
     */
    private void syncMedia(Call c) {
        List<Ep> want = c.mediaUp() && !c.bindings.isEmpty() ? c.endpoints : List.of();
        boolean fresh = c.entries == null;
        if (fresh && !want.isEmpty()) {
            c.entries = new TargetEntry[c.bindings.size()];
            for (int i = 0; i < c.entries.length; i++) {
                Binding b = c.bindings.get(i);
                // IPMMCC of RTP through the allocation-free template, as IPCC; no IRI from media
                c.entries[i] = new TargetEntry(
                        new SipMedia.Leg(c.media),
                        b.key,
                        b.spec.from(),
                        b.spec.until(),
                        b.spec.cc(),
                        false,
                        b.hp,
                        b.media());
            }
        }
        for (Ep e : c.published) {
            if (!want.contains(e)) {
                mediaTable.remove(e.version(), e.hi(), e.lo(), e.port(), c.media);
            }
        }
        for (Ep e : want) {
            if (fresh || !c.published.contains(e)) {
                mediaTable.put(e.version(), e.hi(), e.lo(), e.port(), c.media, c.entries);
            }
        }
        c.published = want;
    }

    /** New snapshot of sipUri targets: rebinds followed calls (those left without an Intercept are dropped). */
    void setSpecs(List<Spec> list, long now) {
        Map<String, List<Spec>> m = new HashMap<>();
        for (Spec s : list) {
            m.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
        }
        specs = Map.copyOf(m);
        for (Iterator<Call> it = calls.values().iterator(); it.hasNext(); ) {
            Call c = it.next();
            List<Binding> nb = bindingsFor(c.base, c.keys, m);
            for (Binding b : nb) {
                for (Binding p : c.bindings) {
                    if (p.key == b.key && p.spec.name().equals(b.spec.name())) {
                        b.begun = p.begun;
                    }
                }
            }
            for (Binding p : c.bindings) {
                if (nb.stream().noneMatch(b -> b.key == p.key && b.spec.name().equals(p.spec.name()))) {
                    endWithoutMessage(p, now); // the Intercept (or this target of it) was removed
                }
            }
            c.bindings = nb;
            c.entries = null; // new keys, windows: the call's media entries are republished
            if (nb.isEmpty()) {
                it.remove();
                forget(c);
            } else {
                syncMedia(c);
            }
        }
    }

    private List<Binding> bindingsFor(long base, List<String> keys, Map<String, List<Spec>> m) {
        List<Binding> l = new ArrayList<>();
        for (String k : keys) {
            for (Spec spec : m.getOrDefault(k, List.of())) {
                if (l.stream().noneMatch(b -> b.spec == spec)) {
                    long cin = spec.slot() * InterceptManager.CIN_SPACE + base;
                    HeaderParams hp = spec.base().withCin(cin);
                    l.add(new Binding(spec, out.key(spec.name(), spec.agency(), spec.liid(), cin), hp));
                }
            }
        }
        return l;
    }

    /** The target keys a message names: Request-URI, To, From, P-Asserted-Identity, Remote-Party-ID. */
    private static List<String> matchedKeys(SipMessage m, Map<String, List<Spec>> s, boolean first) {
        List<String> l = new ArrayList<>(1);
        add(l, s, m.request ? m.requestUri : null, first);
        add(l, s, m.to, first);
        add(l, s, m.from, first);
        for (String a : m.asserted) {
            for (String part : a.split(",", 4)) {
                add(l, s, part, first);
            }
        }
        return l;
    }

    private static void add(List<String> l, Map<String, List<Spec>> s, String value, boolean first) {
        if (value == null || first && !l.isEmpty()) {
            return;
        }
        for (String k : SipUri.keys(value)) {
            if (s.containsKey(k) && !l.contains(k)) {
                l.add(k);
            }
        }
    }

    private static boolean names(SipMessage m, String key, boolean callerSide) {
        List<String> v = new ArrayList<>();
        // P-Asserted-Identity / Remote-Party-ID name the sender: the From side in a request, the other in a response
        if (callerSide) {
            v.add(m.from);
        } else {
            v.add(m.to);
            v.add(m.request ? m.requestUri : null);
        }
        if (callerSide == m.request) {
            v.addAll(m.asserted);
        }
        for (String x : v) {
            if (x != null) {
                for (String k : SipUri.keys(x)) {
                    if (k.equals(key)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * One well-formed SIP message at {@code buf[m.start..]} from src to dst (4 or 16 address bytes). Emits its IRI and
     * updates the call and its media endpoints in the media table before returning.
     */
    void handle(SipMessage m, byte[] buf, byte[] src, byte[] dst, long ts) {
        Map<String, List<Spec>> s = specs;
        Call c = calls.get(m.callId);
        if (c == null) {
            List<String> keys = matchedKeys(m, s, false);
            if (keys.isEmpty()) {
                return;
            }
            String cm = m.cseqMethod;
            boolean callish = "INVITE".equals(cm)
                    || "ACK".equals(cm)
                    || "PRACK".equals(cm)
                    || "UPDATE".equals(cm)
                    || "BYE".equals(cm)
                    || "INFO".equals(cm)
                    || "CANCEL".equals(cm);
            if (!callish) {
                report(m, buf, src, dst, ts, keys, s);
                return;
            }
            if (calls.size() >= limits.maxCalls()) {
                callsRefused.increment();
                return;
            }
            // "caller" is the From side of the first message seen (the INVITE's From, in every message of the dialog
            // and in the responses); the target is the caller when that side names it
            boolean callerIsTarget = false;
            for (String k : keys) {
                callerIsTarget |= names(m, k, true);
            }
            String callerTag = m.fromTag;
            List<Spec> specsOfCall = new ArrayList<>();
            keys.forEach(k -> specsOfCall.addAll(s.getOrDefault(k, List.of())));
            long base = allocateBase(m.callId, specsOfCall);
            if (base < 0) {
                callsRefused.increment(); // every CIN of this instance is held: cannot number the call apart
                return;
            }
            c = new Call(m.callId, List.copyOf(keys), callerIsTarget, callerTag);
            c.base = base;
            c.bindings = bindingsFor(base, c.keys, s);
            if (c.bindings.isEmpty()) {
                return;
            }
            heldBases.add(base);
            c.lastSip = ts;
            if (!m.request && m.status >= 200 && "INVITE".equals(cm)) {
                c.state = m.status < 300 ? State.CONFIRMED : State.ENDING;
            } else if (!"INVITE".equals(cm)) {
                c.state = State.CONFIRMED; // followed from the middle of a call
            }
            isRetransmission(c, buf, m); // remembers the first message
            calls.put(m.callId, c);
            callsTotal.increment();
            LOG.fine("SIP call followed for " + c.bindings.size() + " intercept(s) (cin "
                    + c.bindings.get(0).key.cin() + ")");
        } else if (isRetransmission(c, buf, m)) {
            // every SIP message of the call on the wire is IRI (as OpenLI): a retransmission is delivered as
            // IRI-Continue of the same call and CIN, never as a new call or a second IRI-Begin; the state machine
            // is idempotent for it
            retransmissions.increment();
        }
        c.lastSip = ts;
        if (c.state == State.ENDED) {
            lateMessages.increment(); // after the IRI-End (lingering): IRI-Report with the call's CIN, as OpenLI
            report(c, m, buf, src, dst, ts);
            return;
        }
        boolean ends = false;
        String cm = m.cseqMethod;
        if (m.request) {
            if ("BYE".equals(m.method) || "CANCEL".equals(m.method)) {
                c.state = State.ENDING; // media stop at once
            }
        } else if (m.status >= 200) {
            if ("BYE".equals(cm)) {
                ends = true;
            } else if ("INVITE".equals(cm)) {
                if (m.status < 300 && c.state == State.EARLY) {
                    c.state = State.CONFIRMED;
                } else if (m.status >= 300 && c.state != State.CONFIRMED) {
                    ends = true; // rejected, cancelled (487) or failed
                }
            }
        }
        if (ends) {
            c.state = State.ENDED;
        }
        if (m.hasSdp() && c.mediaUp()) {
            learnMedia(c, m, buf);
        }
        syncMedia(c);
        emit(c, m, buf, src, dst, ts, ends);
    }

    private boolean isRetransmission(Call c, byte[] buf, SipMessage m) {
        CRC32 crc = new CRC32();
        crc.update(buf, m.start, m.length);
        long h = crc.getValue() ^ ((long) m.length << 32);
        for (long x : c.recent) {
            if (x == h) {
                return true;
            }
        }
        c.recent[c.recentAt] = h;
        c.recentAt = (c.recentAt + 1) % c.recent.length;
        return false;
    }

    private void learnMedia(Call c, SipMessage m, byte[] buf) {
        List<Sdp.Endpoint> eps = new ArrayList<>();
        for (Sdp.Endpoint e : Sdp.parse(buf, m.bodyOffset, m.bodyLength)) {
            if (e.port() < 1024 || sipPorts[e.port()] || e.rtcpPort() > 0 && sipPorts[e.rtcpPort()]) {
                sdpRejected.increment(); // a lying SDP must not turn signalling or system ports into CC
                continue;
            }
            eps.add(e);
        }
        boolean byCaller = m.request == eq(m.fromTag, c.callerTag);
        if (byCaller) {
            c.callerMedia = List.copyOf(eps);
        } else {
            String tag = m.request ? m.fromTag : m.toTag; // the callee's tag: its dialog (forking)
            tag = tag == null ? "" : tag;
            if (c.calleeMedia.size() < 8 || c.calleeMedia.containsKey(tag)) {
                c.calleeMedia.put(tag, List.copyOf(eps)); // forking: one answer per early dialog
            }
        }
        // only the target's own endpoints are content: the other party's (a media server, a gateway) may carry other
        // calls on the same address and port, so a packet must come from or go to the target's endpoint (RTP or RTCP)
        List<Sdp.Endpoint> all = new ArrayList<>();
        if (c.targetIsCaller) {
            all.addAll(c.callerMedia);
        } else {
            c.calleeMedia.values().forEach(all::addAll);
        }
        List<Ep> keys = new ArrayList<>();
        for (Sdp.Endpoint e : all) {
            byte[] a = e.address();
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(a);
            int v = a.length == 4 ? 4 : 6;
            long hi = v == 4 ? 0 : bb.getLong();
            long lo = v == 4 ? bb.getInt() & 0xFFFF_FFFFL : bb.getLong();
            for (int port : new int[] {e.port(), e.rtcpPort()}) {
                Ep k = new Ep(v, hi, lo, port);
                if (port > 0 && !keys.contains(k)) {
                    keys.add(k);
                }
            }
        }
        c.endpoints = List.copyOf(keys);
    }

    private static boolean eq(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    private void emit(Call c, SipMessage m, byte[] buf, byte[] src, byte[] dst, long ts, boolean ends) {
        IriContents content = null;
        for (Binding b : c.bindings) {
            if (!b.spec.iri() || !b.spec.inWindow(ts)) {
                continue;
            }
            IriType type;
            if (!b.begun) {
                type = ends ? IriType.IRI_REPORT : IriType.IRI_BEGIN;
                b.begun = !ends;
            } else if (ends) {
                type = IriType.IRI_END;
                b.begun = false;
            } else {
                type = IriType.IRI_CONTINUE;
            }
            if (content == null) {
                content = contents(b.hp, m, buf, src, dst);
            }
            out.iri(b.spec.name(), b.key, b.hp, type, content, ts);
            messagesIntercepted.increment();
        }
    }

    private void report(Call c, SipMessage m, byte[] buf, byte[] src, byte[] dst, long ts) {
        IriContents content = null;
        for (Binding b : c.bindings) {
            if (b.spec.iri() && b.spec.inWindow(ts)) {
                if (content == null) {
                    content = contents(b.hp, m, buf, src, dst);
                }
                out.iri(b.spec.name(), b.key, b.hp, IriType.IRI_REPORT, content, ts);
                messagesIntercepted.increment();
            }
        }
    }

    private void report(
            SipMessage m, byte[] buf, byte[] src, byte[] dst, long ts, List<String> keys, Map<String, List<Spec>> s) {
        // outside a call (REGISTER, MESSAGE, ...): the Call-ID's base, not held (nothing else is numbered with it
        // for long); an IP target's CIN of the same Intercept is probed past
        List<Spec> specsOfMsg = new ArrayList<>();
        keys.forEach(k -> specsOfMsg.addAll(s.getOrDefault(k, List.of())));
        long base = allocateBase(m.callId, specsOfMsg);
        for (Binding b : bindingsFor(base < 0 ? cinBase(m.callId) : base, keys, s)) {
            if (b.spec.iri() && b.spec.inWindow(ts)) {
                out.iri(b.spec.name(), b.key, b.hp, IriType.IRI_REPORT, contents(b.hp, m, buf, src, dst), ts);
                messagesIntercepted.increment();
            }
        }
    }

    private static IriContents contents(HeaderParams hp, SipMessage m, byte[] buf, byte[] src, byte[] dst) {
        return new IriContents.IpmmIri(
                hp.profile().ipmmIriObjId(),
                new io.kubeli.etsi.SipMessage(
                        IpAddress.of(src, IpAssignment.NOT_KNOWN),
                        IpAddress.of(dst, IpAssignment.NOT_KNOWN),
                        Octets.of(java.util.Arrays.copyOfRange(buf, m.start, m.start + m.length))));
    }

    /** Adds the key of every call still known (followed or lingering) to {@code into}. */
    void keysInUse(java.util.Set<KeyState> into) {
        for (Call c : calls.values()) {
            for (Binding b : c.bindings) {
                into.add(b.key);
            }
        }
    }

    /** Ends calls without SIP or media for the media timeout; forgets ended calls after their linger time. */
    public void tick(long now) {
        for (Iterator<Call> it = calls.values().iterator(); it.hasNext(); ) {
            Call c = it.next();
            long last = Math.max(c.lastSip, c.media.lastMedia);
            if (c.state == State.ENDED || c.state == State.ENDING) {
                if (now - c.lastSip > LINGER_NANOS) {
                    endCall(c, now); // a BYE whose final response never came
                    it.remove();
                    forget(c);
                }
            } else if (now - last > limits.mediaTimeoutNanos()) {
                c.state = State.ENDED;
                c.lastSip = now;
                syncMedia(c);
                endCall(c, now);
                callsExpired.increment();
            } else {
                for (Binding b : c.bindings) {
                    if (b.begun && !b.spec.inWindow(now)) {
                        endWithoutMessage(b, now); // the warrant window closed during the call
                    }
                }
            }
        }
    }

    private void endCall(Call c, long now) {
        for (Binding b : c.bindings) {
            endWithoutMessage(b, now);
        }
    }

    /**
     * IRI-End of a begun binding when no SIP message ends the call: IPMMIRI needs a message, so it carries an empty
     * originalIPMMMessage (docs/sip.md).
     */
    private void endWithoutMessage(Binding b, long now) {
        if (!b.begun) {
            return;
        }
        b.begun = false;
        if (b.spec.iri()) {
            out.iri(
                    b.spec.name(),
                    b.key,
                    b.hp,
                    IriType.IRI_END,
                    new IriContents.IpmmIriOriginal(b.hp.profile().ipmmIriObjId(), Octets.of(new byte[0])),
                    now);
        }
    }

    /** Shutdown: every followed call gets its IRI-End (without a message), then all are forgotten. */
    void endAll(long now) {
        for (Call c : calls.values()) {
            endCall(c, now);
            c.state = State.ENDED;
            syncMedia(c);
        }
        calls.clear();
        heldBases.clear();
    }
}
