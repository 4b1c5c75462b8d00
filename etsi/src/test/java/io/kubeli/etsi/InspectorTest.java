package io.kubeli.etsi;

import static io.kubeli.etsi.Tlvs.COMM;
import static io.kubeli.etsi.Tlvs.KEEPALIVE;
import static io.kubeli.etsi.Tlvs.LIID;
import static io.kubeli.etsi.Tlvs.OID;
import static io.kubeli.etsi.Tlvs.SEQ;
import static io.kubeli.etsi.Tlvs.cat;
import static io.kubeli.etsi.Tlvs.h;
import static io.kubeli.etsi.Tlvs.pdu;
import static io.kubeli.etsi.Tlvs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.etsi.MalformedPduException.Rule;
import io.kubeli.etsi.PduInspector.PayloadKind;
import io.kubeli.etsi.PduInspector.Summary;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The zero-copy peek used for routing, keep-alive detection and gap checks agrees with the full decoder. */
class InspectorTest {

    private static Summary inspect(String vector) throws MalformedPduException {
        byte[] b = Vectors.load(vector);
        return PduInspector.inspect(b, 0, b.length);
    }

    private static PduInspector wrap(byte[] b) throws MalformedPduException {
        return new PduInspector().wrap(b, 0, b.length);
    }

    private static final HeaderParams HP = new HeaderParams(
            Profile.LATEST, "LIID-V", "DE", "op", "ne", 1_048_577L, "DE", TimestampFormat.values()[0], null, null);
    private static final byte[] ADDR = {(byte) 198, 18, 0, 9};

    @Test
    void vectorsArePeekedCorrectly() throws Exception {
        assertEquals(
                new Summary(Octets.ascii("LIID-0001"), 42L, 7, PayloadKind.CC, null, 152), inspect("ipcc-udp.ber"));
        assertEquals(
                new Summary(Octets.ascii("LIID-0001"), 42L, 6, PayloadKind.IRI, null, 163),
                inspect("ipiri-accept.ber"));
        assertEquals(
                new Summary(Octets.ascii("LIID-0002"), 43L, 1, PayloadKind.CC, null, 119), inspect("ipmmcc-rtp.ber"));
        Summary ka = inspect("keepalive.ber");
        assertEquals(new Summary(Octets.ascii("LIID-0001"), null, 0, PayloadKind.TRI, TriKind.KEEP_ALIVE, 65), ka);
        assertTrue(ka.isKeepAlive());
        assertFalse(ka.isKeepAliveResponse());
        Summary openli = inspect("openli-keepalive.ber");
        assertEquals(0L, openli.cin());
        assertEquals(1, openli.sequenceNumber());
        assertTrue(openli.isKeepAlive());
        assertEquals(147, inspect("openli-ipcc.ber").length());
    }

    @Test
    void theFlyweightReadsHeaderPacketAndTimeWithoutCopying() throws Exception {
        byte[] b = Vectors.load("ipcc-udp.ber");
        PduInspector v = wrap(b);
        assertEquals("LIID-0001", v.liid());
        assertEquals("LIID-0001", new String(b, v.liidOffset(), v.liidLength(), StandardCharsets.US_ASCII));
        assertEquals(42, v.cin());
        assertEquals(7, v.sequenceNumber());
        assertEquals(PayloadKind.CC, v.kind());
        long packet = v.ccPacket();
        assertEquals(0x45, b[(int) (packet >>> 32)] & 0xff, "the packet starts at the IPv4 header");
        assertEquals(0x21, (int) packet);
        assertTrue(v.timeMicros() > 1_700_000_000_000_000L);
        PsPdu full = PsPduDecoder.DEFAULT.decode(b);
        Instant t = full.header().microSecondTimeStamp() != null
                ? full.header().microSecondTimeStamp()
                : full.header().timeStamp();
        assertEquals(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000, v.timeMicros(), "agrees with the decoder");
        PduInspector mm = wrap(Vectors.load("ipmmcc-rtp.ber"));
        assertEquals(16, (int) mm.ccPacket(), "IPMMCC mMCCContents");
        assertEquals(-1, wrap(Vectors.load("ipiri-accept.ber")).ccPacket(), "no packet in an IRI");
    }

    @Test
    void keepAliveAndResponseAreRecognised() throws Exception {
        byte[] b = ReferenceEncoder.encode(Pdus.keepAliveResponse(Profile.LATEST, "L1", "OP", 3, Instant.EPOCH));
        Summary s = PduInspector.inspect(b, 0, b.length);
        assertTrue(s.isKeepAliveResponse());
        assertNull(s.cin());
        PduInspector v =
                wrap(ReferenceEncoder.encode(Pdus.keepAlive(Profile.LATEST, "agency-a", "OP", 300, Instant.EPOCH)));
        assertTrue(v.isKeepAlive());
        assertEquals(300, v.sequenceNumber());
        assertEquals(-1, v.cin());
    }

    @Test
    void oneInstanceReadsAStreamOfPdusInPlace() throws Exception {
        byte[] stream = Vectors.load("stream.ber");
        PduInspector v = new PduInspector();
        PayloadKind[] kinds = new PayloadKind[4];
        int n = 0;
        for (int off = 0; off < stream.length; ) {
            int len = PduSplitter.pduLength(stream, off, stream.length - off);
            kinds[n++] = v.wrap(stream, off, len).kind();
            assertEquals(len, v.length());
            off += len;
        }
        assertEquals(
                Arrays.asList(PayloadKind.IRI, PayloadKind.CC, PayloadKind.CC, PayloadKind.TRI), Arrays.asList(kinds));
        assertEquals(7, v.wrap(stream, 163, 152).sequenceNumber(), "the second PDU, inside a larger buffer");
    }

    @Test
    void iriTypeAndContentsFindBeginEndAndTheIriKind() throws Exception {
        byte[] begin = ReferenceEncoder.encode(Pdus.ipIriBegin(HP, 0, Instant.EPOCH, "t", ADDR, 32));
        byte[] end = ReferenceEncoder.encode(Pdus.ipIriEnd(HP, 1, Instant.EPOCH, "t", ADDR, 32));
        PduInspector v = new PduInspector();
        assertEquals(1, v.wrap(begin, 0, begin.length).iriType());
        assertEquals(2, v.iriContents(), "iPIRI [2]");
        assertEquals(1_048_577L, v.cin());
        assertEquals(2, v.wrap(end, 0, end.length).iriType());
        assertEquals(1, wrap(Vectors.load("ipiri-accept.ber")).iriType());
        assertEquals(-1, wrap(Vectors.load("ipcc-udp.ber")).iriType());
        assertEquals(-1, wrap(Vectors.load("keepalive.ber")).iriContents());
        byte[] cont = ReferenceEncoder.encode(Pdus.staticIri(
                HP,
                3,
                Instant.now(),
                IriType.IRI_CONTINUE,
                AccessEventType.INTERIM_UPDATE,
                "u",
                ADDR,
                32,
                InternetAccessType.LAN));
        assertEquals(3, wrap(cont).iriType());
        for (IriType type : IriType.values()) {
            PduInspector call = wrap(callIri(type, false));
            assertEquals(11, call.iriContents(), "iPMMIRI [11]");
            assertEquals(type.code(), call.iriType());
        }
        assertEquals(
                11, wrap(callIri(IriType.IRI_END, true)).iriContents(), "an End without a SIP message is iPMMIRI too");
        // another IRI kind (iPMMIRI [11] instead of iPIRI [2]) patched in: read as such
        byte[] mm = begin.clone();
        mm[indexOfIpiri(mm)] = (byte) 0xAB;
        assertEquals(11, wrap(mm).iriContents());
    }

    /** An IPMMIRI record (TS 102 232-5) of a call: an INVITE, or with {@code noMessage} an ended call without one. */
    static byte[] callIri(IriType type, boolean noMessage) {
        IriContents c = noMessage
                ? new IriContents.IpmmIriOriginal(HP.profile().ipmmIriObjId(), Octets.of(new byte[0]))
                : new IriContents.IpmmIri(
                        HP.profile().ipmmIriObjId(),
                        new SipMessage(
                                IpAddress.of(new byte[] {(byte) 198, 18, 0, 1}, IpAssignment.NOT_KNOWN),
                                IpAddress.of(new byte[] {(byte) 198, 18, 0, 2}, IpAssignment.NOT_KNOWN),
                                Octets.of("INVITE sip:x SIP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        return ReferenceEncoder.encode(
                new PsPdu(Pdus.header(HP, 1, Instant.now()), Payload.Iri.of(new IriPayload(type, null, c))));
    }

    // IRIPayload = 30 L 80 01 01 (iRI-Begin) A2 L (iRIContents) A2 (iPIRI): the offset of that last tag
    private static int indexOfIpiri(byte[] b) {
        for (int i = 0; i + 6 < b.length; i++) {
            if ((b[i] & 0xff) == 0x80 && b[i + 1] == 1 && b[i + 2] == 1 && (b[i + 3] & 0xff) == 0xA2) {
                int inner = i + 5 + ((b[i + 4] & 0x80) != 0 ? (b[i + 4] & 0x7f) : 0);
                if ((b[inner] & 0xff) == 0xA2) return inner;
            }
        }
        throw new AssertionError("no iPIRI choice found");
    }

    @Test
    void generalizedTimeMatchesJavaTimeAndRejectsGarbage() {
        String[][] ok = {
            {"20250301120000Z", "2025-03-01T12:00:00Z"},
            {"20241231235959.123456Z", "2024-12-31T23:59:59.123456Z"},
            {"20240229000000,5Z", "2024-02-29T00:00:00.5Z"},
            {"19700101000000.000000001Z", "1970-01-01T00:00:00Z"},
            {"00000101000000Z", "0000-01-01T00:00:00Z"},
            {"99991231235959.999999Z", "9999-12-31T23:59:59.999999Z"},
            {"21000301000000Z", "2100-03-01T00:00:00Z"}
        };
        for (String[] c : ok) {
            Instant t = Instant.parse(c[1]);
            assertEquals(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000, gt(c[0]), c[0]);
        }
        // hostile: wrong digits, impossible dates, local time, trailing bytes, an empty fraction: -1, never an
        // exception
        for (String bad : new String[] {
            "",
            "2025030112000",
            "2025-3-01120000Z",
            "20250230120000Z",
            "20251301120000Z",
            "20250301246000Z",
            "20250301120000.Z",
            "20250301120000ZZ",
            "20250301120000.1234567890Z",
            "2025030112000x",
            "20240229000000.5",
            "21000229000000Z",
            "20250301120000+0100"
        }) {
            assertEquals(-1, gt(bad), bad);
        }
    }

    private static long gt(String s) {
        byte[] b = ("xx" + s).getBytes(StandardCharsets.US_ASCII);
        return PduInspector.generalizedTimeMicros(b, 2, b.length - 2);
    }

    // one test per malformed rule the hot path meets: each is refused with its rule and offset, never misread

    @Test
    void truncatedInputIsRefused() {
        byte[] bad = Vectors.load("bad-truncated.ber");
        MalformedPduException e =
                assertThrows(MalformedPduException.class, () -> new PduInspector().wrap(bad, 163, bad.length - 163));
        assertEquals(Rule.LENGTH_EXCEEDS_INPUT, e.rule());
        assertEquals(0, e.offset());
        byte[] ipcc = Vectors.load("ipcc-udp.ber");
        PduInspector v = new PduInspector();
        for (int n = 0; n < ipcc.length; n++) {
            int len = n;
            Rule r = assertThrows(MalformedPduException.class, () -> v.wrap(ipcc, 0, len), "prefix " + n)
                    .rule();
            assertTrue(r == Rule.TRUNCATED || r == Rule.LENGTH_EXCEEDS_INPUT, "prefix " + n + ": " + r);
        }
    }

    @Test
    void anOverLimitPduIsRefusedByLengthBeforeItIsRead() throws Exception {
        byte[] ipcc = Vectors.load("ipcc-udp.ber");
        DecodeLimits small = DecodeLimits.DEFAULT.withMaxPduSize(100);
        MalformedPduException e =
                assertThrows(MalformedPduException.class, () -> new PduInspector(small).wrap(ipcc, 0, ipcc.length));
        assertEquals(Rule.PDU_TOO_LARGE, e.rule());
        assertEquals(
                Rule.PDU_TOO_LARGE,
                assertThrows(MalformedPduException.class, () -> PduSplitter.pduLength(ipcc, 0, 4, small))
                        .rule());
        // the one limit: a PDU of exactly MAX_PDU_SIZE passes, one octet more does not
        byte[] big = bigCc(DecodeLimits.MAX_PDU_SIZE);
        assertEquals(DecodeLimits.MAX_PDU_SIZE, big.length);
        assertEquals(PayloadKind.CC, wrap(big).kind());
        assertEquals(big.length, PduSplitter.pduLength(big, 0, big.length));
        byte[] over = bigCc(DecodeLimits.MAX_PDU_SIZE + 1);
        assertEquals(
                Rule.PDU_TOO_LARGE,
                assertThrows(MalformedPduException.class, () -> wrap(over)).rule());
        assertEquals(
                Rule.PDU_TOO_LARGE,
                assertThrows(MalformedPduException.class, () -> PduSplitter.pduLength(over, 0, 6))
                        .rule());
    }

    // a CC PDU of exactly {@code total} octets: PS-PDU, payload, cCPayloadSequence, CCPayload, cCContents, iPCC,
    // iPCCContents and iPPackets, each with a 6-octet header
    private static byte[] bigCc(int total) {
        byte[] hdr = t(0xA1, OID, LIID, COMM, SEQ);
        byte[] packet = new byte[total - 8 * 6 - hdr.length];
        return long4(
                0x30,
                hdr,
                long4(0xA2, long4(0xA1, long4(0x30, long4(0xA2, long4(0xA2, long4(0xA1, long4(0x80, packet))))))));
    }

    private static byte[] long4(int tag, byte[]... parts) {
        byte[] content = cat(parts);
        int n = content.length;
        return cat(
                new byte[] {(byte) tag, (byte) 0x84, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n},
                content);
    }

    @Test
    void theIndefiniteLengthFormIsRefused() {
        byte[] outer = cat(h("3080"), t(0xA1, OID, LIID, COMM, SEQ), KEEPALIVE, h("0000"));
        MalformedPduException e = assertThrows(MalformedPduException.class, () -> wrap(outer));
        assertEquals(Rule.INDEFINITE_LENGTH, e.rule());
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("definite lengths"), e.getMessage());
        byte[] header = t(0x30, h("a180"), OID, LIID, COMM, SEQ, h("0000"), KEEPALIVE);
        assertEquals(
                2, assertThrows(MalformedPduException.class, () -> wrap(header)).offset());
    }

    @Test
    void aWrongTagIsRefused() {
        assertEquals(
                Rule.BAD_OUTER_TAG,
                assertThrows(MalformedPduException.class, () -> wrap(h("3100"))).rule());
        assertEquals(
                Rule.BAD_OUTER_TAG,
                assertThrows(MalformedPduException.class, () -> wrap(h("133700")))
                        .rule());
        byte[] noHeader = t(0x30, t(0xA2, OID), KEEPALIVE);
        MalformedPduException e = assertThrows(MalformedPduException.class, () -> wrap(noHeader));
        assertEquals(Rule.UNEXPECTED_TAG, e.rule());
        assertEquals(2, e.offset());
        byte[] badPayload = pdu(h("a304a2028300"), OID, LIID, COMM, SEQ);
        assertEquals(
                Rule.UNEXPECTED_TAG,
                assertThrows(MalformedPduException.class, () -> wrap(badPayload))
                        .rule());
        byte[] constructedLiid = pdu(KEEPALIVE, OID, t(0xA1, LIID), COMM, SEQ);
        assertEquals(
                Rule.UNEXPECTED_TAG,
                assertThrows(MalformedPduException.class, () -> wrap(constructedLiid))
                        .rule());
        assertEquals(
                Rule.MISSING_FIELD,
                assertThrows(MalformedPduException.class, () -> wrap(pdu(KEEPALIVE, OID, COMM, SEQ)))
                        .rule());
        assertEquals(
                Rule.LIID_TOO_LONG,
                assertThrows(
                                MalformedPduException.class,
                                () -> wrap(pdu(KEEPALIVE, OID, t(0x81, Tlvs.a("L".repeat(26))), COMM, SEQ)))
                        .rule());
        assertEquals(
                Rule.BAD_INTEGER,
                assertThrows(MalformedPduException.class, () -> wrap(pdu(KEEPALIVE, OID, LIID, COMM, h("8402 0001"))))
                        .rule());
        assertEquals(
                Rule.INTEGER_OUT_OF_RANGE,
                assertThrows(
                                MalformedPduException.class,
                                () -> wrap(pdu(KEEPALIVE, OID, LIID, COMM, h("8405 0100000000"))))
                        .rule());
    }

    @Test
    void trailingGarbageIsRefused() {
        byte[] ka = Vectors.load("keepalive.ber");
        MalformedPduException e = assertThrows(MalformedPduException.class, () -> wrap(cat(ka, h("00"))));
        assertEquals(Rule.TRAILING_BYTES, e.rule());
        assertEquals(ka.length, e.offset());
        assertEquals(
                Rule.TRAILING_BYTES,
                assertThrows(MalformedPduException.class, () -> wrap(cat(ka, ka)))
                        .rule());
    }

    /** The hot path allocates nothing per PDU (the mediator reads every record's header, ~500 k/s). */
    @Test
    void wrappingAllocatesNothing() throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[][] pdus = {Vectors.load("ipcc-udp.ber"), Vectors.load("ipiri-accept.ber"), Vectors.load("openli-ipcc.ber")
        };
        PduInspector v = new PduInspector();
        long sum = 0;
        for (int i = 0; i < 20_000; i++) sum += run(v, pdus); // warm: JIT-compiled before measuring
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) sum += run(v, pdus);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(sum > 0);
        assertTrue(allocated < 10_000, allocated + " bytes allocated for 30000 PDUs");
    }

    private static long run(PduInspector v, byte[][] pdus) throws MalformedPduException {
        long s = 0;
        for (byte[] p : pdus) {
            v.wrap(p, 0, p.length);
            s += v.sequenceNumber()
                    + v.cin()
                    + v.liidLength()
                    + v.kind().ordinal()
                    + v.iriType()
                    + v.iriContents()
                    + (v.ccPacket() & 0xff);
        }
        return s;
    }
}
