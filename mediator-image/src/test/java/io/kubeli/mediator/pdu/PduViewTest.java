package io.kubeli.mediator.pdu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads the real ETSI vectors: header fields, kinds, payload location, splitting a concatenated stream. */
class PduViewTest {
    static byte[] vector(String name) throws IOException {
        try (InputStream in = PduViewTest.class.getResourceAsStream("/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void parsesIpccHeaderAndPacket() throws Exception {
        byte[] b = vector("ipcc-udp.ber");
        PduView v = PduView.parse(b, 0, b.length);
        assertEquals("LIID-0001", v.liid());
        assertEquals(42, v.cin());
        assertEquals(7, v.seq());
        assertEquals(PduView.Kind.CC, v.kind());
        assertEquals(0x45, b[v.payloadOff()] & 0xff, "payload starts at the IPv4 header");
        assertEquals(0x21, v.payloadLen());
        assertTrue(v.timeMicros() > 1_700_000_000_000_000L);
    }

    @Test
    void kindsOfEveryVector() throws Exception {
        assertEquals(PduView.Kind.IRI, parse("ipiri-accept.ber").kind());
        assertEquals(PduView.Kind.KEEP_ALIVE, parse("keepalive.ber").kind());
        PduView mm = parse("ipmmcc-rtp.ber");
        assertEquals(PduView.Kind.CC, mm.kind());
        assertEquals(16, mm.payloadLen(), "IPMMCC mMCCContents");
    }

    @Test
    void splitsAConcatenatedStreamReadInSmallPieces() throws Exception {
        byte[] s = vector("stream.ber");
        InputStream slow = new ByteArrayInputStream(s) {
            @Override public synchronized int read(byte[] b, int off, int len) { return super.read(b, off, Math.min(len, 7)); }
        };
        PduStreamReader r = new PduStreamReader(slow, 1 << 16);
        List<PduView.Kind> kinds = new ArrayList<>();
        while (r.readOnce(null, (b, o, l) -> kinds.add(PduView.parse(b, o, l).kind()))) { }
        assertEquals(List.of(PduView.Kind.IRI, PduView.Kind.CC, PduView.Kind.CC, PduView.Kind.KEEP_ALIVE), kinds);
        assertEquals(0, r.pending());
    }

    @Test
    void truncatedInputIsReportedNotHung() throws Exception {
        byte[] s = vector("bad-truncated.ber");
        PduStreamReader r = new PduStreamReader(new ByteArrayInputStream(s), 1 << 16);
        int[] n = {0};
        while (r.readOnce(null, (b, o, l) -> n[0]++)) { }
        assertEquals(1, n[0]);
        assertTrue(r.pending() > 0, "the truncated second PDU stays pending");
    }

    @Test
    void garbageIsRejected() {
        byte[] g = {0x13, 0x37, 0x00};
        assertThrows(MalformedPduException.class, () -> PduView.frameLength(g, 0, g.length));
    }

    @Test
    void keepAliveRoundTrip() throws Exception {
        byte[] ka = KeepAlives.encode(false, "agency-a", "OP", 300, Instant.parse("2026-11-25T12:00:01Z"));
        PduView v = PduView.parse(ka, 0, ka.length);
        assertEquals(PduView.Kind.KEEP_ALIVE, v.kind());
        assertEquals(300, v.seq());
        byte[] kar = KeepAlives.encode(true, "agency-a", "OP", 300, Instant.now());
        assertEquals(PduView.Kind.KEEP_ALIVE_RESPONSE, PduView.parse(kar, 0, kar.length).kind());
        byte[] ref = vector("keepalive.ber");
        byte[] ours = KeepAlives.encode(false, "LIID-0001", "OPERATOR1", 0, Instant.parse("2026-11-25T12:00:01Z"));
        assertEquals(ref.length + 4, ours.length, "same as the reference vector plus a .SSS fraction");
    }

    private static PduView parse(String name) throws Exception {
        byte[] b = vector(name);
        return PduView.parse(b, 0, b.length);
    }

    @Test
    void iriTypeFindsBeginAndEndAndIsMinusOneElsewhere() throws Exception {
        var hp = new io.kubeli.etsi.HeaderParams(io.kubeli.etsi.Profile.LATEST, "LIID-1", "DE", "op", "ne", 3L, "DE",
                io.kubeli.etsi.TimestampFormat.values()[0], null, null);
        byte[] addr = {(byte) 198, 18, 0, 1};
        byte[] begin = io.kubeli.etsi.ReferenceEncoder.encode(io.kubeli.etsi.Pdus.ipIriBegin(hp, 0, Instant.EPOCH, "t", addr, 32));
        byte[] end = io.kubeli.etsi.ReferenceEncoder.encode(io.kubeli.etsi.Pdus.ipIriEnd(hp, 1, Instant.EPOCH, "t", addr, 32));
        assertEquals(1, PduView.iriType(begin, 0, begin.length));
        assertEquals(2, PduView.iriType(end, 0, end.length));
        byte[] accept = vector("ipiri-accept.ber");
        assertEquals(1, PduView.iriType(accept, 0, accept.length));
        byte[] cc = vector("ipcc-udp.ber");
        assertEquals(-1, PduView.iriType(cc, 0, cc.length));
        assertEquals(-1, PduView.iriType(end, 0, end.length - 3), "truncated: -1, no exception");
    }

    /** Issue 14: the session events the Intercept status counts (IPIRI Begin/End with their CIN), nothing else. */
    @Test
    void ipiriSessionEventsOnlyFromIpiriBeginAndEnd() throws Exception {
        var hp = new io.kubeli.etsi.HeaderParams(io.kubeli.etsi.Profile.LATEST, "LIID-S", "DE", "op", "ne", 4_294_967_295L, "DE",
                io.kubeli.etsi.TimestampFormat.values()[0], null, null);
        byte[] addr = {(byte) 198, 18, 0, 9};
        byte[] begin = io.kubeli.etsi.ReferenceEncoder.encode(io.kubeli.etsi.Pdus.ipIriBegin(hp, 1, Instant.now(), "u", addr, 32));
        byte[] end = io.kubeli.etsi.ReferenceEncoder.encode(io.kubeli.etsi.Pdus.ipIriEnd(hp, 2, Instant.now(), "u", addr, 32));
        assertEquals((4_294_967_295L << 2) | 1, PduView.ipiriSession(begin, 0, begin.length));
        assertEquals((4_294_967_295L << 2) | 2, PduView.ipiriSession(end, 0, end.length));
        byte[] cont = io.kubeli.etsi.ReferenceEncoder.encode(io.kubeli.etsi.Pdus.staticIri(hp, 3, Instant.now(), io.kubeli.etsi.IriType.IRI_CONTINUE,
                io.kubeli.etsi.AccessEventType.INTERIM_UPDATE, "u", addr, 32, io.kubeli.etsi.InternetAccessType.LAN));
        assertEquals(-1, PduView.ipiriSession(cont, 0, cont.length), "IRI-Continue opens nothing");
        byte[] cc = vector("ipcc-udp.ber");
        assertEquals(-1, PduView.ipiriSession(cc, 0, cc.length));
        byte[] ka = vector("keepalive.ber");
        assertEquals(-1, PduView.ipiriSession(ka, 0, ka.length));
        // hostile: every truncation of a Begin is either unreadable (-1) or, never, a different event
        for (int n = 0; n < begin.length; n++) {
            long ev = PduView.ipiriSession(begin, 0, n);
            assertTrue(ev == -1, "truncated to " + n + " octets gave " + ev);
        }
        // another IRI kind (iPMMIRI [11] instead of iPIRI [2]) is not a subscriber session
        byte[] mm = begin.clone();
        int at = indexOfIpiri(mm);
        mm[at] = (byte) 0xAB;
        assertEquals(-1, PduView.ipiriSession(mm, 0, mm.length));
    }

    /** Issue 15: the call events the Intercept status counts (IPMMIRI Begin/End with their CIN), nothing else. */
    @Test
    void ipmmiriCallEventsOnlyFromIpmmiriBeginAndEnd() throws Exception {
        var hp = new io.kubeli.etsi.HeaderParams(io.kubeli.etsi.Profile.LATEST, "LIID-V", "DE", "op", "ne", 1_048_577L, "DE",
                io.kubeli.etsi.TimestampFormat.values()[0], null, null);
        byte[] begin = io.kubeli.mediator.TestPdus.callIri(hp, 0, io.kubeli.etsi.IriType.IRI_BEGIN, false);
        byte[] end = io.kubeli.mediator.TestPdus.callIri(hp, 3, io.kubeli.etsi.IriType.IRI_END, false);
        byte[] endNoMessage = io.kubeli.mediator.TestPdus.callIri(hp, 4, io.kubeli.etsi.IriType.IRI_END, true);
        assertEquals((1_048_577L << 2) | 1, PduView.ipmmiriCall(begin, 0, begin.length));
        assertEquals((1_048_577L << 2) | 2, PduView.ipmmiriCall(end, 0, end.length));
        assertEquals((1_048_577L << 2) | 2, PduView.ipmmiriCall(endNoMessage, 0, endNoMessage.length),
                "the End of a call ended without a SIP message (media timeout, window end) closes it too");
        byte[] cont = io.kubeli.mediator.TestPdus.callIri(hp, 1, io.kubeli.etsi.IriType.IRI_CONTINUE, false);
        byte[] report = io.kubeli.mediator.TestPdus.callIri(hp, 2, io.kubeli.etsi.IriType.IRI_REPORT, false);
        assertEquals(-1, PduView.ipmmiriCall(cont, 0, cont.length), "IRI-Continue opens nothing");
        assertEquals(-1, PduView.ipmmiriCall(report, 0, report.length), "a REGISTER (IRI-Report) is no call");
        assertEquals(-1, PduView.ipiriSession(begin, 0, begin.length), "a call is not a subscriber session");
        byte[] ipiri = io.kubeli.etsi.ReferenceEncoder.encode(io.kubeli.etsi.Pdus.ipIriBegin(hp, 1, Instant.now(), "u",
                new byte[] {(byte) 198, 18, 0, 9}, 32));
        assertEquals(-1, PduView.ipmmiriCall(ipiri, 0, ipiri.length), "a subscriber session is not a call");
        byte[] cc = vector("ipcc-udp.ber");
        assertEquals(-1, PduView.ipmmiriCall(cc, 0, cc.length));
        for (int n = 0; n < begin.length; n++) {  // hostile: truncations are unreadable, never another event
            long ev = PduView.ipmmiriCall(begin, 0, n);
            assertTrue(ev == -1, "truncated to " + n + " octets gave " + ev);
        }
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
        String[][] ok = {{"20250301120000Z", "2025-03-01T12:00:00Z"}, {"20241231235959.123456Z", "2024-12-31T23:59:59.123456Z"},
                {"20240229000000.5", "2024-02-29T00:00:00.5Z"}, {"19700101000000.000000001Z", "1970-01-01T00:00:00Z"}};
        for (String[] c : ok) {
            Instant t = Instant.parse(c[1]);
            assertEquals(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000, gt(c[0]), c[0]);
        }
        // hostile: wrong digits, impossible dates, trailing bytes, an empty fraction: 0 (unreadable), never an exception
        for (String bad : new String[] {"", "2025030112000", "2025-3-01120000Z", "20250230120000Z", "20251301120000Z",
                "20250301246000Z", "20250301120000.Z", "20250301120000ZZ", "20250301120000.1234567890Z", "2025030112000x"}) {
            assertEquals(0, gt(bad), bad);
        }
    }

    private static long gt(String s) {
        byte[] b = ("xx" + s).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return PduView.generalizedTime(b, 2, b.length - 2);
    }
}
