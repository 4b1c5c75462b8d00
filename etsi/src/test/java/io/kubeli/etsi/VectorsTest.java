package io.kubeli.etsi;

import static io.kubeli.etsi.Vectors.load;
import static io.kubeli.etsi.Vectors.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden bytes: every shared vector decodes to its documented value and our encoder reproduces its bytes. */
class VectorsTest {
    private static final PsPduDecoder DEC = PsPduDecoder.DEFAULT;

    private static PsHeader gbHeader(long seq, Instant ts, Instant micro, TimeStampQualifier q) {
        return new PsHeader(
                ObjectId.absolute("0.4.0.2.2.5.1.43"),
                Octets.ascii("LIID-0001"),
                "GB",
                new CommunicationIdentifier(Octets.ascii("OPERATOR1"), Octets.ascii("NE-01"), 42L, "GB"),
                seq,
                ts,
                null,
                micro,
                q,
                null,
                null,
                List.of());
    }

    @Test
    void ipccUdpDecodesToDocumentedValueAndReencodesByteForByte() throws Exception {
        byte[] wire = load("ipcc-udp.ber");
        PsPdu expected = new PsPdu(
                gbHeader(
                        7,
                        t("2026-11-25T12:00:00.5Z"),
                        Instant.ofEpochSecond(1795608000L, 500_000_000),
                        TimeStampQualifier.TIME_OF_INTERCEPTION),
                Payload.Cc.of(new CcPayload(
                        Direction.FROM_TARGET,
                        null,
                        new CcContents.Ipcc(
                                ObjectId.relative("5.3.20.2"),
                                Octets.hex("450000211234400040113c61c0000201c63364029c400035000d335568656c6c6f")))));
        assertEquals(expected, DEC.decode(wire));
        assertArrayEquals(wire, ReferenceEncoder.encode(expected));
    }

    @Test
    void ipiriAcceptDecodesToDocumentedValueAndReencodesByteForByte() throws Exception {
        byte[] wire = load("ipiri-accept.ber");
        IpIriContents c = IpIriContents.builder(
                        AccessEventType.ACCESS_ACCEPT,
                        Octets.ascii("alice@example.net"),
                        InternetAccessType.XDSL,
                        IpVersion.IPV4)
                .targetIpAddress(IpAddress.of(new byte[] {(byte) 192, 0, 2, 1}, IpAssignment.DYNAMIC))
                .startTime(t("2026-11-25T11:59:59Z"))
                .authenticationType(AuthenticationType.RADIUS_AAA)
                .build();
        PsPdu expected = new PsPdu(
                gbHeader(6, t("2026-11-25T11:59:59Z"), null, null),
                Payload.Iri.of(new IriPayload(
                        IriType.IRI_BEGIN, null, new IriContents.IpIri(ObjectId.relative("5.3.20.1"), c))));
        assertEquals(expected, DEC.decode(wire));
        assertArrayEquals(wire, ReferenceEncoder.encode(expected));
    }

    @Test
    void ipmmccRtpDecodesToDocumentedValueAndReencodesByteForByte() throws Exception {
        byte[] wire = load("ipmmcc-rtp.ber");
        PsHeader h = new PsHeader(
                ObjectId.absolute("0.4.0.2.2.5.1.43"),
                Octets.ascii("LIID-0002"),
                null,
                new CommunicationIdentifier(Octets.ascii("OPERATOR1"), Octets.ascii("NE-01"), 43L, null),
                1,
                t("2026-11-25T12:00:02Z"),
                null,
                null,
                null,
                null,
                null,
                List.of());
        PsPdu expected = new PsPdu(
                h,
                Payload.Cc.of(new CcPayload(
                        Direction.TO_TARGET,
                        null,
                        new CcContents.Ipmmcc(
                                ObjectId.relative("5.5.17.2"),
                                Octets.hex("80000001000000a011223344ffffffff"),
                                FrameType.RTP_FRAME,
                                Octets.ascii("audi0"),
                                MmccProtocol.RTP))));
        assertEquals(expected, DEC.decode(wire));
        assertArrayEquals(wire, ReferenceEncoder.encode(expected));
    }

    @Test
    void keepaliveDecodesToDocumentedValueAndIsWhatPdusBuilds() throws Exception {
        byte[] wire = load("keepalive.ber");
        PsPdu pdu = DEC.decode(wire);
        assertEquals(Payload.Tri.of(TriKind.KEEP_ALIVE), pdu.payload());
        assertNull(pdu.header().cin());
        assertEquals(t("2026-11-25T12:00:01Z"), pdu.header().timeStamp());
        byte[] built = ReferenceEncoder.encode(
                Pdus.keepAlive(Profile.LATEST, "LIID-0001", "OPERATOR1", 0, t("2026-11-25T12:00:01Z")));
        assertArrayEquals(wire, built);
    }

    @Test
    void streamHoldsTheFourVectorsInOrder() throws Exception {
        byte[] stream = load("stream.ber");
        String[] names = {"ipiri-accept.ber", "ipcc-udp.ber", "ipmmcc-rtp.ber", "keepalive.ber"};
        int off = 0;
        for (String n : names) {
            int len = PduSplitter.pduLength(stream, off, stream.length - off);
            assertArrayEquals(load(n), java.util.Arrays.copyOfRange(stream, off, off + len), n);
            off += len;
        }
        assertEquals(stream.length, off);
    }

    @Test
    void openliKeepaliveDecodesAndReencodesInOpenliStyle() throws Exception {
        byte[] wire = load("openli-keepalive.ber");
        PsPdu pdu = DEC.decode(wire);
        PsHeader h = pdu.header();
        assertEquals("0.4.0.2.2.5.1.17", h.domainId().toString());
        assertEquals(Octets.ascii("openli-1.1.20"), h.liid());
        assertEquals(Octets.ascii("med-6001"), h.communicationIdentifier().networkElementId());
        assertEquals(1, h.sequenceNumber());
        assertEquals(t("2026-11-25T18:50:31.388Z"), h.timeStamp());
        assertEquals(Payload.Tri.of(TriKind.KEEP_ALIVE), pdu.payload());
        // this one was sent with a minimal (short-form) outer length: DER as it is
        assertArrayEquals(wire, ReferenceEncoder.encode(pdu));
    }

    @Test
    void openliIpccDecodesAndReencodesInOpenliStyle() throws Exception {
        byte[] wire = load("openli-ipcc.ber");
        PsPdu pdu = DEC.decode(wire);
        PsHeader h = pdu.header();
        assertEquals(Octets.ascii("LIID0001"), h.liid());
        assertEquals("NZ", h.authCountryCode());
        assertEquals(
                new CommunicationIdentifier(Octets.ascii("TESTOP"), Octets.ascii("coll01"), 77L, "NZ"),
                h.communicationIdentifier());
        assertEquals(0, h.sequenceNumber());
        assertEquals("ip01", h.interceptionPointId());
        assertEquals(t("2026-11-25T18:49:33.030Z"), h.timeStamp());
        assertEquals(TimeStampQualifier.TIME_OF_INTERCEPTION, h.timeStampQualifier());
        CcPayload cc = ((Payload.Cc) pdu.payload()).payloads().getFirst();
        assertEquals(Direction.TO_TARGET, cc.direction());
        CcContents.Ipcc ipcc = (CcContents.Ipcc) cc.contents();
        assertEquals("5.3.10.2", ipcc.objId().toString());
        assertEquals(35, ipcc.packet().length());
        // OpenLI writes ".030Z" (not DER) and a non-minimal outer length: reproduced with the OpenLI-style options
        assertArrayEquals(wire, ReferenceEncoder.encode(pdu, ReferenceEncoder.Options.OPENLI_STYLE));
        // and the same PDU built from collector parameters with the OpenLI profile
        HeaderParams p = new HeaderParams(
                Profile.OPENLI, "LIID0001", "NZ", "TESTOP", "coll01", 77L, "NZ", TimestampFormat.GENERALIZED, "ip01");
        PsPdu built = Pdus.ipcc(
                p, 0, h.timeStamp(), Direction.TO_TARGET, ipcc.packet().toByteArray());
        assertArrayEquals(wire, ReferenceEncoder.encode(built, ReferenceEncoder.Options.OPENLI_STYLE));
    }

    @Test
    void openliIpiriIsWhatPdusIpIriBeginBuildsWithTheOpenliProfile() throws Exception {
        byte[] wire = load("openli-ipiri.ber");
        PsPdu pdu = DEC.decode(wire);
        IriPayload iri = ((Payload.Iri) pdu.payload()).payloads().getFirst();
        assertEquals(IriType.IRI_BEGIN, iri.iriType());
        IpIriContents c = ((IriContents.IpIri) iri.contents()).contents();
        assertEquals(AccessEventType.START_OF_INTERCEPTION_WITH_SESSION_ACTIVE, c.accessEventType());
        assertEquals(Octets.ascii("target1"), c.targetUsername());
        assertEquals(InternetAccessType.LAN, c.internetAccessType());
        assertEquals(IpVersion.IPV4, c.ipVersion());
        assertEquals(
                new IpAddress(
                        IpType.IPV4,
                        Octets.hex("c000020a"),
                        null,
                        IpAssignment.STATIC,
                        null,
                        Octets.hex("ffffffff"),
                        null),
                c.targetIpAddress());
        HeaderParams p = new HeaderParams(
                Profile.OPENLI, "LIID0001", "NZ", "TESTOP", "coll01", 77L, "NZ", TimestampFormat.GENERALIZED, "ip01");
        PsPdu built = Pdus.ipIriBegin(
                p, 0, pdu.header().timeStamp(), "target1", HexFormat.of().parseHex("c000020a"), 32);
        assertEquals(pdu, built);
        assertArrayEquals(wire, ReferenceEncoder.encode(built, ReferenceEncoder.Options.OPENLI_STYLE));
        assertArrayEquals(normaliseOuterLength(wire), ReferenceEncoder.encode(built));
    }

    /** Rewrites a long-form non-minimal outer length as the minimal one (DER). */
    static byte[] normaliseOuterLength(byte[] pdu) {
        int n = pdu[1] & 0x7F;
        byte[] content = java.util.Arrays.copyOfRange(pdu, 2 + n, pdu.length);
        return Tlvs.t(0x30, content); // minimal length form
    }
}
