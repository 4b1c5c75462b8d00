package io.kubeli.mediator.handover;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Where and how one HI connection of an agency is made.
 *
 * @param host agency host
 * @param port agency port
 * @param tls TLS context for the connection, null = plain TCP
 * @param keepAliveInterval send a keep-alive after this much idle time (and at least this often while data flows)
 * @param responseTimeout a keep-alive not answered within this drops the connection
 * @param backoffMin first reconnect delay
 * @param backoffMax reconnect delay cap
 * @param operatorId operatorIdentifier in our keep-alives (1..16 chars)
 * @param keepAliveLiid LIID field of our keep-alives (1..25 chars, no target identity)
 * @param profile ASN.1 module versions the agency's decoder expects (keep-alives use its li-psDomainId)
 */
public record Endpoint(
        String host,
        int port,
        SSLContext tls,
        Duration keepAliveInterval,
        Duration responseTimeout,
        Duration backoffMin,
        Duration backoffMax,
        String operatorId,
        String keepAliveLiid,
        io.kubeli.etsi.Profile profile) {
    public Endpoint {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("agency host is empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("agency port must be 1..65535, got " + port);
        if (keepAliveInterval.isNegative() || keepAliveInterval.isZero())
            throw new IllegalArgumentException("keep-alive interval must be > 0");
        if (responseTimeout.isNegative() || responseTimeout.isZero())
            throw new IllegalArgumentException("keep-alive response timeout must be > 0");
        operatorId = trim(operatorId == null || operatorId.isBlank() ? "KUBELI" : operatorId, 16);
        if (profile == null) profile = io.kubeli.etsi.Profile.LATEST;
        keepAliveLiid = trim(keepAliveLiid == null || keepAliveLiid.isBlank() ? "kubeli" : keepAliveLiid, 25);
    }

    private static String trim(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    /** Same endpoint; equality ignores the TLS context identity only when both are plain. */
    public boolean sameTarget(Endpoint o) {
        return o != null && host.equals(o.host) && port == o.port && (tls == null) == (o.tls == null);
    }
}
