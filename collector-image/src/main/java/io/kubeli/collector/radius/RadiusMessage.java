package io.kubeli.collector.radius;

/**
 * One parsed RADIUS packet (reused per capture thread; the parser fills it without allocating). User-Password is
 * never copied. Identity fields are raw bytes: they never reach logs or {@link #toString}.
 */
public final class RadiusMessage {
    public static final int ACCESS_REQUEST = 1;
    public static final int ACCESS_ACCEPT = 2;
    public static final int ACCESS_REJECT = 3;
    public static final int ACCOUNTING_REQUEST = 4;
    public static final int ACCOUNTING_RESPONSE = 5;

    public static final int STATUS_START = 1;
    public static final int STATUS_STOP = 2;
    public static final int STATUS_INTERIM = 3;
    public static final int STATUS_ACCOUNTING_ON = 7;
    public static final int STATUS_ACCOUNTING_OFF = 8;

    /** Longest string attribute value (RFC 2865: 253 octets). */
    static final int MAX_VALUE = 253;

    public int code;
    public int identifier;
    /** Acct-Status-Type, 0 = absent. */
    public int statusType;

    public final byte[] user = new byte[MAX_VALUE];
    public int userLen = -1;
    public final byte[] callingStationId = new byte[MAX_VALUE];
    public int callingStationIdLen = -1;
    public final byte[] sessionId = new byte[MAX_VALUE];
    public int sessionIdLen = -1;
    public final byte[] nasIdentifier = new byte[MAX_VALUE];
    public int nasIdentifierLen = -1;
    public boolean hasNasIp4;
    public int nasIp4;
    public boolean hasNasIp6;
    public long nasIp6Hi;
    public long nasIp6Lo;
    public boolean hasFramedIp4;
    public int framedIp4;
    /** Framed-IPv6-Prefix (length 0 = absent). */
    public int framedPrefixLen;

    public long framedPrefixHi;
    public long framedPrefixLo;
    /** Delegated-IPv6-Prefix (length 0 = absent). */
    public int delegatedPrefixLen;

    public long delegatedPrefixHi;
    public long delegatedPrefixLo;
    public boolean hasFramedIp6;
    public long framedIp6Hi;
    public long framedIp6Lo;
    public long inOctets;
    public long outOctets;
    public long inGigawords;
    public long outGigawords;
    public long inPackets;
    public long outPackets;
    /** Acct-Terminate-Cause, 0 = absent. */
    public int terminateCause;

    void clear() {
        code = identifier = statusType = 0;
        userLen = callingStationIdLen = sessionIdLen = nasIdentifierLen = -1;
        hasNasIp4 = hasNasIp6 = hasFramedIp4 = hasFramedIp6 = false;
        nasIp4 = framedIp4 = 0;
        nasIp6Hi = nasIp6Lo = framedPrefixHi = framedPrefixLo = delegatedPrefixHi = delegatedPrefixLo = 0;
        framedIp6Hi = framedIp6Lo = 0;
        framedPrefixLen = delegatedPrefixLen = 0;
        inOctets = outOctets = inGigawords = outGigawords = inPackets = outPackets = 0;
        terminateCause = 0;
    }

    /** Whether this packet carries an address for the session. */
    public boolean hasAddress() {
        return hasFramedIp4 || framedPrefixLen > 0 || delegatedPrefixLen > 0 || hasFramedIp6;
    }

    /** Octets sent by the user (Acct-Input-Octets with gigawords). */
    public long inTotal() {
        return (inGigawords << 32) + inOctets;
    }

    /** Octets sent to the user (Acct-Output-Octets with gigawords). */
    public long outTotal() {
        return (outGigawords << 32) + outOctets;
    }

    @Override
    public String toString() {
        return "RadiusMessage[code=" + code + ", id=" + identifier + ", status=" + statusType + "]"; // no identities
    }
}
