package io.kubeli.collector.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Issue 15: SIP parser golden messages (RFC 3261 / RFC 4475 style) and one test per rejection rule. */
class SipParserTest {
    static final String INVITE = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
            + "Max-Forwards: 70\r\n"
            + "To: Bob <sip:bob@biloxi.example.com>\r\n"
            + "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
            + "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
            + "CSeq: 314159 INVITE\r\n"
            + "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
            + "Content-Type: application/sdp\r\n"
            + "Content-Length: 4\r\n\r\nv=0\n";

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static SipParser.Result parse(String s, SipMessage m) {
        byte[] x = b(s);
        return SipParser.parse(x, 0, x.length, m);
    }

    @Test
    void goldenInvite() {
        SipMessage m = new SipMessage();
        assertEquals(SipParser.Result.OK, parse(INVITE, m));
        assertTrue(m.request);
        assertEquals("INVITE", m.method);
        assertEquals("sip:bob@biloxi.example.com", m.requestUri);
        assertEquals("a84b4c76e66710@pc33.atlanta.example.com", m.callId);
        assertEquals("1928301774", m.fromTag);
        assertNull(m.toTag);
        assertEquals(314159, m.cseq);
        assertEquals("INVITE", m.cseqMethod);
        assertTrue(m.hasSdp());
        assertEquals(4, m.bodyLength);
        assertEquals(INVITE.length(), m.length);
    }

    @Test
    void compactFormsFoldingOddSpacingAndBareLineFeeds() {
        // RFC 4475 3.1.1.1 "wsinv"-like: folded header values, compact names, spaces before the colon, bare LF
        String s = "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\n"
                + "TO :\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\n"
                + "f   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\n  ;\n  tag = 98asjd8\n"
                + "i: 0ha0isndaksdj@192.0.2.1\n"
                + "CSeq: 0009\n  INVITE\n"
                + "P-Asserted-Identity: <tel:+1-555-0100>\n"
                + "l: 0\n\n";
        SipMessage m = new SipMessage();
        assertEquals(SipParser.Result.OK, parse(s, m));
        assertEquals("0ha0isndaksdj@192.0.2.1", m.callId);
        assertEquals("98asjd8", m.fromTag);
        assertEquals("1918181833n", m.toTag);
        assertEquals(9, m.cseq);
        assertEquals("INVITE", m.cseqMethod);
        assertEquals(1, m.asserted.size());
        assertEquals(0, m.bodyLength);
    }

    @Test
    void responseAndSeveralMessagesInOneBuffer() {
        String ok = "SIP/2.0 200 OK\r\nCall-ID: x1\r\nCSeq: 1 BYE\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\n"
                + "Content-Length: 0\r\n\r\n";
        String all = "\r\n\r\n" + ok + INVITE + ok; // CRLF keep-alives first
        byte[] x = b(all);
        SipMessage m = new SipMessage();
        int off = 0;
        int n = 0;
        while (off < x.length && SipParser.parse(x, off, x.length - off, m) == SipParser.Result.OK) {
            off = m.start + m.length;
            n++;
        }
        assertEquals(3, n);
        assertEquals(x.length, off);
        assertEquals(SipParser.Result.OK, parse(ok, m));
        assertFalse(m.request);
        assertEquals(200, m.status);
        assertEquals("BYE", m.cseqMethod);
    }

    @Test
    void udpWithoutContentLengthTakesTheRestOfTheDatagram() {
        SipMessage m = new SipMessage();
        String s = INVITE.replace("Content-Length: 4\r\n", "");
        assertEquals(SipParser.Result.OK, parse(s, m));
        assertEquals(4, m.bodyLength);
    }

    @Test
    void noCallId() {
        assertEquals(
                SipParser.Result.NO_CALL_ID,
                parse(INVITE.replace("Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n", ""), new SipMessage()));
        assertEquals(
                SipParser.Result.NO_CALL_ID,
                parse(INVITE.replace("a84b4c76e66710@pc33.atlanta.example.com", ""), new SipMessage()));
    }

    @Test
    void badOrMissingCseq() {
        assertEquals(
                SipParser.Result.NO_CSEQ,
                parse(INVITE.replace("CSeq: 314159 INVITE", "CSeq: abc INVITE"), new SipMessage()));
        assertEquals(
                SipParser.Result.NO_CSEQ,
                parse(INVITE.replace("CSeq: 314159 INVITE", "CSeq: 99999999999 INVITE"), new SipMessage()));
        assertEquals(SipParser.Result.NO_CSEQ, parse(INVITE.replace("CSeq: 314159 INVITE\r\n", ""), new SipMessage()));
    }

    @Test
    void badContentLength() {
        assertEquals(
                SipParser.Result.BAD_CONTENT_LENGTH,
                parse(INVITE.replace("Content-Length: 4", "Content-Length: -4"), new SipMessage()));
        assertEquals(
                SipParser.Result.BAD_CONTENT_LENGTH,
                parse(INVITE.replace("Content-Length: 4", "Content-Length: 4294967301"), new SipMessage()));
        // a length beyond the datagram (RFC 4475 3.1.2.7 "clerr"): incomplete, never a read past the end
        assertEquals(
                SipParser.Result.INCOMPLETE,
                parse(INVITE.replace("Content-Length: 4", "Content-Length: 9999"), new SipMessage()));
        assertEquals(
                SipParser.Result.TOO_LARGE,
                parse(INVITE.replace("Content-Length: 4", "Content-Length: 99999"), new SipMessage()));
    }

    @Test
    void badStartLines() {
        assertEquals(
                SipParser.Result.BAD_START_LINE,
                parse(INVITE.replace("SIP/2.0\r\nVia", "SIP/7.0\r\nVia"), new SipMessage()));
        assertEquals(
                SipParser.Result.BAD_START_LINE,
                parse("SIP/2.0 99 Low\r\nCall-ID: a\r\nCSeq: 1 A\r\n\r\n", new SipMessage()));
        assertEquals(SipParser.Result.BAD_START_LINE, parse("SIP/2.0 2x0 OK\r\n\r\n", new SipMessage()));
        assertEquals(SipParser.Result.BAD_START_LINE, parse("IN<VITE sip:a@b SIP/2.0\r\n\r\n", new SipMessage()));
    }

    @Test
    void badHeaderLines() {
        assertEquals(
                SipParser.Result.BAD_HEADER,
                parse(INVITE.replace("Max-Forwards: 70", "Max-Forwards 70"), new SipMessage()));
        assertEquals(SipParser.Result.BAD_HEADER, parse(INVITE.replace("Max-Forwards: 70", ": 70"), new SipMessage()));
        assertEquals(
                SipParser.Result.BAD_HEADER,
                parse(INVITE.replace("Max-Forwards: 70", "Max\u0001Fwd: 70"), new SipMessage()));
    }

    @Test
    void hugeHeaderIsRejectedNotBuffered() {
        String big = "X-Big: " + "a".repeat(60_000) + "\r\n";
        assertEquals(
                SipParser.Result.HEADER_TOO_LONG, parse(INVITE.replace("Max-Forwards: 70\r\n", big), new SipMessage()));
        String folded = "X-Big: a\r\n" + " b\r\n".repeat(5000);
        assertEquals(
                SipParser.Result.HEADER_TOO_LONG,
                parse(INVITE.replace("Max-Forwards: 70\r\n", folded), new SipMessage()));
    }

    @Test
    void hundredThousandHeaders() {
        String many = "A: b\r\n".repeat(100_000);
        long t = System.nanoTime();
        assertEquals(
                SipParser.Result.TOO_MANY_HEADERS,
                parse(INVITE.replace("Max-Forwards: 70\r\n", many), new SipMessage()));
    }

    @Test
    void binaryGarbageNeverThrowsAndIsNeverOk() {
        Random r = new Random(15);
        SipMessage m = new SipMessage();
        byte[] x = new byte[1500];
        int ok = 0;
        for (int i = 0; i < 20_000; i++) {
            r.nextBytes(x);
            int len = r.nextInt(x.length + 1);
            SipParser.Result res = SipParser.parse(x, 0, len, m);
            ok += res == SipParser.Result.OK ? 1 : 0;
        }
        assertEquals(0, ok);
        assertEquals(SipParser.Result.NOT_SIP, parse("\u0000\u0001\u0002\u0003abc", m));
        // truncations of a valid message at every length: never OK before the end, never an exception
        byte[] inv = b(INVITE);
        for (int n = 0; n < inv.length; n++) {
            assertNotEquals(SipParser.Result.OK, SipParser.parse(inv, 0, n, m), "prefix " + n);
        }
    }
}
