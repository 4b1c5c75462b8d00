package io.kubeli.etsi;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/** Sample values covering every record type and optional component. */
final class Samples {
    private Samples() {}

    static final HeaderParams FULL = new HeaderParams(
            Profile.LATEST,
            "LIID-0001",
            "GB",
            "OPERATOR1",
            "NE-01",
            42L,
            "GB",
            TimestampFormat.GENERALIZED,
            "ip01",
            TimeStampQualifier.TIME_OF_INTERCEPTION);
    static final HeaderParams MICRO = new HeaderParams(
            Profile.OPENLI,
            "LIID0001",
            null,
            "TESTOP",
            null,
            4_000_000_000L,
            null,
            TimestampFormat.MICROSECONDS,
            null,
            null);

    static final byte[] V4 = {(byte) 192, 0, 2, 10};
    static final byte[] V6 = java.util.HexFormat.of().parseHex("20010db8000000000000000000000001");

    static PsHeader fullHeader() {
        return new PsHeader(
                ObjectId.absolute("0.4.0.2.2.5.1.43"),
                Octets.ascii("LIID-0001"),
                "GB",
                new CommunicationIdentifier(Octets.ascii("OPERATOR1"), Octets.ascii("NE-01"), 4294967295L, "GB"),
                4294967295L,
                Instant.parse("2026-11-25T12:00:00.123456789Z"),
                "ip01",
                Instant.parse("2026-11-25T12:00:00.123456Z"),
                TimeStampQualifier.TIME_OF_MEDIATION,
                Octets.hex("0102"),
                Octets.ascii("nf-1"),
                List.of(
                        new UnknownField("pSHeader", 2, 30, false, Octets.hex("abcd")),
                        new UnknownField("pSHeader", 2, 200, true, Octets.hex("800100"))));
    }

    static IpIriContents fullIpIri() {
        return IpIriContents.builder(
                        AccessEventType.ACCESS_END, Octets.ascii("bob"), InternetAccessType.FTTX, IpVersion.IPV4_AND_V6)
                .targetIpAddress(IpAddress.withPrefix(V4, 24, IpAssignment.STATIC))
                .targetNetworkId("aa:bb:cc")
                .targetCpeId("cpe-\u00e9")
                .targetLocation("lab")
                .popPortNumber(4294967295L)
                .callBackNumber("+6421")
                .startTime(Instant.parse("2026-01-01T00:00:00Z"))
                .endTime(Instant.parse("2026-01-01T01:00:00.25Z"))
                .endReason(EndReason.LEASE_EXPIRED)
                .octetsReceived(IpIriContents.MAX_U64)
                .octetsTransmitted(BigInteger.valueOf(128))
                .rawAaaData(Octets.hex("00ff"))
                .expectedEndTime(Instant.parse("2026-01-02T00:00:00Z"))
                .popPhoneNumber("0800")
                .popIdentifierTlv(Octets.hex("8003706f70"))
                .popIpAddress(new IpAddress(IpType.IPV4, null, "192.0.2.1", IpAssignment.NOT_KNOWN, null, null, true))
                .nationalIpIriParametersContent(Octets.hex("81024e5a"))
                .additionalIpAddress(IpAddress.withPrefix(V6, 64, IpAssignment.DYNAMIC))
                .authenticationType(AuthenticationType.DHCP_AAA)
                .otherTargetIdentifiersContent(Octets.hex("a00ba109810100a2068104c0000201"))
                .locationContent(Octets.hex("a2088006001122334455"))
                .popPortId(Octets.ascii("port-1"))
                .framedRoutesContent(Octets.hex("800a3139322e302e322e30"))
                .build();
    }

    /** One PDU of every payload kind and record type. */
    static List<PsPdu> all() {
        PsHeader h = fullHeader();
        PsHeader minimal = Pdus.header(MICRO, 0, Instant.parse("1970-01-01T00:00:00Z"));
        SipMessage sip = new SipMessage(
                IpAddress.of(V4, null),
                IpAddress.of(V6, IpAssignment.DYNAMIC),
                Octets.ascii("INVITE sip:x SIP/2.0\r\n\r\n"));
        return List.of(
                new PsPdu(
                        h,
                        Payload.Cc.of(
                                new CcPayload(
                                        Direction.FROM_TARGET,
                                        Instant.parse("2026-11-25T12:00:00.001Z"),
                                        new CcContents.Ipcc(ObjectId.relative("5.3.20.2"), Octets.hex("4500"))),
                                new CcPayload(
                                        Direction.TO_TARGET,
                                        null,
                                        new CcContents.Ipcc(ObjectId.relative("5.3.20.2"), Octets.of(new byte[300]))),
                                new CcPayload(
                                        null,
                                        null,
                                        new CcContents.Ipmmcc(
                                                ObjectId.relative("5.5.17.2"), Octets.hex(""), null, null, null)),
                                new CcPayload(
                                        Direction.INDETERMINATE,
                                        null,
                                        new CcContents.Ipmmcc(
                                                ObjectId.relative("5.5.17.2"),
                                                Octets.hex("8000"),
                                                FrameType.MSRP_FRAME,
                                                Octets.ascii("s1"),
                                                MmccProtocol.UDPTL)),
                                new CcPayload(
                                        Direction.COMBINED, null, new CcContents.Other(4, Octets.hex("840201ff"))))),
                new PsPdu(
                        minimal,
                        Payload.Iri.of(
                                new IriPayload(
                                        IriType.IRI_REPORT,
                                        Instant.parse("2026-11-25T12:00:00Z"),
                                        new IriContents.IpIri(ObjectId.relative("5.3.20.1"), fullIpIri())),
                                new IriPayload(null, null, new IriContents.IpmmIri(ObjectId.relative("5.5.17.1"), sip)),
                                new IriPayload(
                                        IriType.IRI_END,
                                        null,
                                        new IriContents.IpmmIriOriginal(ObjectId.relative("5.5.17.1"), Octets.hex(""))),
                                new IriPayload(
                                        IriType.IRI_CONTINUE, null, new IriContents.Other(15, Octets.hex("af00"))))),
                new PsPdu(minimal, Payload.Tri.of(TriKind.KEEP_ALIVE)),
                new PsPdu(minimal, Payload.Tri.of(TriKind.KEEP_ALIVE_RESPONSE)),
                new PsPdu(minimal, Payload.Tri.of(TriKind.CIN_RESET)),
                new PsPdu(minimal, Payload.Tri.of(TriKind.TEST_PDU)),
                new PsPdu(minimal, new Payload.Tri(TriKind.OTHER, Octets.hex("820301020 3".replace(" ", "")))),
                new PsPdu(minimal, new Payload.Other(3, Octets.hex("a3020500"))),
                Pdus.ipIriBegin(FULL, 1, Instant.parse("2026-11-25T12:00:00Z"), "target1", V6, 56),
                Pdus.ipIriEnd(
                        MICRO,
                        2,
                        Instant.parse("2026-11-25T12:00:00.000001Z"),
                        "target1",
                        V4,
                        32,
                        InternetAccessType.CABLE_MODEM),
                Pdus.keepAliveResponse(FULL.withCin(null), 9, Instant.parse("2026-11-25T12:00:00Z")));
    }
}
