package io.kubeli.etsi;

import java.time.Instant;
import java.util.List;

/** Builders for the PDUs KubeLI sends: IPCC records, static-IP IRI-Begin/End, keep-alives. */
public final class Pdus {
    private Pdus() {}

    /**
     * A PSHeader from per-intercept parameters. The time goes into timeStamp (truncated to ms) or
     * microSecondTimeStamp (truncated to µs) per {@link HeaderParams#timestampFormat()}.
     */
    public static PsHeader header(HeaderParams p, long seq, Instant time) {
        boolean micro = p.timestampFormat() == TimestampFormat.MICROSECONDS;
        CommunicationIdentifier ci = new CommunicationIdentifier(
                Octets.ascii(p.operatorId()),
                Octets.asciiOrNull(p.networkElementId()),
                p.cin(),
                p.deliveryCountryCode());
        return new PsHeader(
                p.profile().psDomainId(),
                Octets.ascii(p.liid()),
                p.authorizationCountryCode(),
                ci,
                seq,
                micro ? null : Ber.truncateMillis(time),
                p.interceptionPointId(),
                micro ? Ber.truncateMicros(time) : null,
                p.timeStampQualifier(),
                null,
                null,
                List.of());
    }

    /** The IPCC PDU {@link IpccTemplate#encode} writes for the same values. */
    public static PsPdu ipcc(HeaderParams p, long seq, long captureEpochNanos, Direction dir, byte[] packet) {
        Instant t = Instant.ofEpochSecond(
                Math.floorDiv(captureEpochNanos, 1_000_000_000L), Math.floorMod(captureEpochNanos, 1_000_000_000L));
        return ipcc(p, seq, t, dir, packet);
    }

    /** The IPMMCC PDU (RTP as an IP frame) {@link IpccTemplate#ipmmcc} writes for the same values. */
    public static PsPdu ipmmcc(HeaderParams p, long seq, long captureEpochNanos, Direction dir, byte[] packet) {
        Instant t = Instant.ofEpochSecond(
                Math.floorDiv(captureEpochNanos, 1_000_000_000L), Math.floorMod(captureEpochNanos, 1_000_000_000L));
        CcPayload cc = new CcPayload(
                dir,
                null,
                new CcContents.Ipmmcc(
                        p.profile().ipmmccObjId(), Octets.of(packet), FrameType.IP_FRAME, null, MmccProtocol.RTP));
        return new PsPdu(header(p, seq, t), Payload.Cc.of(cc));
    }

    /** One IPCC CC record carrying one IP packet. */
    public static PsPdu ipcc(HeaderParams p, long seq, Instant captureTime, Direction dir, byte[] packet) {
        CcPayload cc = new CcPayload(dir, null, new CcContents.Ipcc(p.profile().ipccObjId(), Octets.of(packet)));
        return new PsPdu(header(p, seq, captureTime), Payload.Cc.of(cc));
    }

    /**
     * Static-IP IRI-Begin: accessEventType startOfInterceptionWithSessionActive(7) (what OpenLI sends, field guide
     * section 6), the target address with iP-assignment static (IPv4 prefix as iPv4SubnetMask, IPv6 as
     * iPv6PrefixLength).
     */
    public static PsPdu ipIriBegin(
            HeaderParams p,
            long seq,
            Instant time,
            String targetUsername,
            byte[] targetAddress,
            int prefixLength,
            InternetAccessType accessType) {
        return staticIri(
                p,
                seq,
                time,
                IriType.IRI_BEGIN,
                AccessEventType.START_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                targetUsername,
                targetAddress,
                prefixLength,
                accessType);
    }

    /** {@link #ipIriBegin(HeaderParams, long, Instant, String, byte[], int, InternetAccessType)} with lAN access. */
    public static PsPdu ipIriBegin(
            HeaderParams p, long seq, Instant time, String targetUsername, byte[] targetAddress, int prefixLength) {
        return ipIriBegin(p, seq, time, targetUsername, targetAddress, prefixLength, InternetAccessType.LAN);
    }

    /** Static-IP IRI-End: accessEventType endOfInterceptionWithSessionActive(9), same target description. */
    public static PsPdu ipIriEnd(
            HeaderParams p,
            long seq,
            Instant time,
            String targetUsername,
            byte[] targetAddress,
            int prefixLength,
            InternetAccessType accessType) {
        return staticIri(
                p,
                seq,
                time,
                IriType.IRI_END,
                AccessEventType.END_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                targetUsername,
                targetAddress,
                prefixLength,
                accessType);
    }

    /** {@link #ipIriEnd(HeaderParams, long, Instant, String, byte[], int, InternetAccessType)} with lAN access. */
    public static PsPdu ipIriEnd(
            HeaderParams p, long seq, Instant time, String targetUsername, byte[] targetAddress, int prefixLength) {
        return ipIriEnd(p, seq, time, targetUsername, targetAddress, prefixLength, InternetAccessType.LAN);
    }

    /** A static-IP IPIRI record with any event type. */
    public static PsPdu staticIri(
            HeaderParams p,
            long seq,
            Instant time,
            IriType iriType,
            AccessEventType event,
            String targetUsername,
            byte[] targetAddress,
            int prefixLength,
            InternetAccessType accessType) {
        IpAddress addr = IpAddress.withPrefix(targetAddress, prefixLength, IpAssignment.STATIC);
        IpVersion v = targetAddress.length == 4 ? IpVersion.IPV4 : IpVersion.IPV6;
        IpIriContents c = IpIriContents.builder(event, Octets.ascii(targetUsername), accessType, v)
                .targetIpAddress(addr)
                .build();
        IriPayload iri =
                new IriPayload(iriType, null, new IriContents.IpIri(p.profile().ipIriObjId(), c));
        return new PsPdu(header(p, seq, time), Payload.Iri.of(iri));
    }

    /** A keep-alive TRI PDU with this header (pass {@code p.withCin(null)} to omit the CIN). */
    public static PsPdu keepAlive(HeaderParams p, long seq, Instant now) {
        return new PsPdu(header(p, seq, now), Payload.Tri.of(TriKind.KEEP_ALIVE));
    }

    /** A keep-aliveResponse TRI PDU (what the agency answers). */
    public static PsPdu keepAliveResponse(HeaderParams p, long seq, Instant now) {
        return new PsPdu(header(p, seq, now), Payload.Tri.of(TriKind.KEEP_ALIVE_RESPONSE));
    }

    /** A keep-alive with a minimal header (LIID, operator, sequence number, GeneralizedTime only). */
    public static PsPdu keepAlive(Profile profile, String liid, String operatorId, long seq, Instant now) {
        return keepAlive(minimal(profile, liid, operatorId), seq, now);
    }

    /** A keep-aliveResponse with a minimal header. */
    public static PsPdu keepAliveResponse(Profile profile, String liid, String operatorId, long seq, Instant now) {
        return keepAliveResponse(minimal(profile, liid, operatorId), seq, now);
    }

    private static HeaderParams minimal(Profile profile, String liid, String operatorId) {
        return new HeaderParams(
                profile, liid, null, operatorId, null, null, null, TimestampFormat.GENERALIZED, null, null);
    }
}
