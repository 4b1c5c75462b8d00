package io.kubeli.collector.radius;

import java.util.Arrays;

/**
 * One accounting session as RADIUS showed it: who (User-Name, Calling-Station-Id), where (NAS), which addresses
 * (Framed-IP-Address, Framed-IPv6-Prefix or Framed-IPv6-Address, Delegated-IPv6-Prefix), since when and the latest
 * counters. Guarded by the tracker's lock. {@link #toString} never shows identities or addresses.
 */
public final class Session {
    /** NAS identity, a zero octet, Acct-Session-Id: unique per session and stable across restarts. */
    final Key key;

    byte[] user;
    byte[] callingStationId;
    boolean hasNasIp4;
    int nasIp4;
    boolean hasNasIp6;
    long nasIp6Hi;
    long nasIp6Lo;
    boolean has4;
    int ip4;
    /** Framed IPv6 prefix, or the Framed-IPv6-Address as a /128 (length 0 = none). */
    int v6Len;

    long v6Hi;
    long v6Lo;
    int delegatedLen;
    long delegatedHi;
    long delegatedLo;
    long startNanos;
    long lastNanos;
    long inOctets;
    long outOctets;
    long inPackets;
    long outPackets;
    int terminateCause;
    /**
     * Per Intercept stream (identity, LIID, CIN) that announced this session: the IRI sequence numbers of its last
     * IRI-Begin and last IRI-End (-1 = none). Persisted, so a restart after a crash continues the stream instead of
     * beginning it again. Null until a target binding emits IRI (most sessions are not targets).
     */
    java.util.LinkedHashMap<String, long[]> announced;
    /** Loaded from the saved table at start-up (not persisted). */
    boolean restored;

    Session(Key key) {
        this.key = key;
    }

    /** Session key: raw octets with a cached hash. */
    public static final class Key {
        final byte[] b;
        private final int hash;

        Key(byte[] b) {
            this.b = b;
            this.hash = Arrays.hashCode(b);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.b, b);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    public byte[] user() {
        return user;
    }

    public byte[] callingStationId() {
        return callingStationId;
    }

    /** The stable key octets (NAS identity, 0, Acct-Session-Id): the source of the session's CIN. */
    public byte[] keyBytes() {
        return key.b.clone();
    }

    public boolean hasIp4() {
        return has4;
    }

    public int ip4() {
        return ip4;
    }

    public int v6Length() {
        return v6Len;
    }

    public long v6Hi() {
        return v6Hi;
    }

    public long v6Lo() {
        return v6Lo;
    }

    public int delegatedLength() {
        return delegatedLen;
    }

    public long delegatedHi() {
        return delegatedHi;
    }

    public long delegatedLo() {
        return delegatedLo;
    }

    public boolean hasNasIp4() {
        return hasNasIp4;
    }

    public int nasIp4() {
        return nasIp4;
    }

    public boolean hasNasIp6() {
        return hasNasIp6;
    }

    public long nasIp6Hi() {
        return nasIp6Hi;
    }

    public long nasIp6Lo() {
        return nasIp6Lo;
    }

    /** Capture time of the session's start (epoch ns). */
    public long startNanos() {
        return startNanos;
    }

    /** Octets the user sent (Acct-Input-Octets with gigawords). */
    public long inOctets() {
        return inOctets;
    }

    /** Octets sent to the user. */
    public long outOctets() {
        return outOctets;
    }

    public long inPackets() {
        return inPackets;
    }

    public long outPackets() {
        return outPackets;
    }

    /** Acct-Terminate-Cause of the Stop (0 = none). */
    public int terminateCause() {
        return terminateCause;
    }

    /**
     * The {begin, end, loaded} of {@code stream} on this session (IRI sequence numbers, -1 = none; loaded = 1 while
     * the entry came from the saved table and was not consulted yet), or null when it never announced it.
     */
    public long[] announced(String stream) {
        return announced == null ? null : announced.get(stream);
    }

    /** Records that {@code stream} sent its IRI-Begin ({@code begin}) or IRI-End with sequence number {@code seq}. */
    public void announce(String stream, boolean begin, long seq) {
        if (announced == null) {
            announced = new java.util.LinkedHashMap<>(4);
        }
        long[] a = announced.computeIfAbsent(stream, k -> new long[] {-1, -1, 0});
        a[begin ? 0 : 1] = seq;
        while (announced.size() > MAX_ANNOUNCED) { // bounded: the oldest stream is forgotten first
            announced.remove(announced.keySet().iterator().next());
        }
    }

    /** Streams remembered per session (one per Intercept naming the user; more is a misuse, bounded anyway). */
    static final int MAX_ANNOUNCED = 64;

    /** True when this session came from the saved table (it may have been announced by the previous process). */
    public boolean restored() {
        return restored;
    }

    /** Whether any address is held. */
    public boolean hasAddress() {
        return has4 || v6Len > 0 || delegatedLen > 0;
    }

    @Override
    public String toString() {
        return "Session[<redacted>]";
    }
}
