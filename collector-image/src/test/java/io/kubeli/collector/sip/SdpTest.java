package io.kubeli.collector.sip;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 15: SDP media endpoints. */
class SdpTest {
    static List<Sdp.Endpoint> parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Sdp.parse(b, 0, b.length);
    }

    @Test
    void sessionAndMediaLevelConnectionRtcpAttributeAndIpv6() throws Exception {
        List<Sdp.Endpoint> l = parse("v=0\r\no=- 1 1 IN IP4 198.18.0.1\r\ns=-\r\nc=IN IP4 198.18.0.10\r\nt=0 0\r\n"
                + "m=audio 40000 RTP/AVP 0\r\na=rtcp:40005\r\n"
                + "m=video 40010 RTP/AVP 96\r\nc=IN IP6 2001:db8::7\r\n"
                + "m=audio 0 RTP/AVP 0\r\n" // declined
                + "m=audio 40020/2 RTP/AVP 8\n");
        assertEquals(3, l.size());
        assertArrayEquals(
                InetAddress.getByName("198.18.0.10").getAddress(), l.get(0).address());
        assertEquals(40000, l.get(0).port());
        assertEquals(40005, l.get(0).rtcpPort());
        assertArrayEquals(
                InetAddress.getByName("2001:db8::7").getAddress(), l.get(1).address());
        assertEquals(40011, l.get(1).rtcpPort(), "RTCP on port+1 otherwise");
        assertEquals(40020, l.get(2).port());
    }

    @Test
    void lyingOrUnusableLinesAreSkippedNeverResolved() {
        assertTrue(parse("c=IN IP4 host.example\r\nm=audio 4000 RTP/AVP 0\r\n").isEmpty(), "no DNS lookup of names");
        assertTrue(parse("c=IN IP4 999.1.1.1\r\nm=audio 4000 RTP/AVP 0\r\n").isEmpty());
        assertTrue(parse("c=IN IP4 198.18.0.1\r\nm=audio 70000 RTP/AVP 0\r\n").isEmpty());
        assertTrue(parse("c=IN IP4 198.18.0.1\r\nm=audio -1 RTP/AVP 0\r\n").isEmpty());
        assertTrue(parse("m=audio 4000 RTP/AVP 0\r\n").isEmpty(), "no connection address");
        assertTrue(parse("c=IN IP6 1:2\r\nm=audio 4000 RTP/AVP 0\r\n").isEmpty());
        assertTrue(parse("\u0000\u00ff garbage").isEmpty());
        assertEquals(
                Sdp.MAX_MEDIA,
                parse("c=IN IP4 198.18.0.1\r\n" + "m=audio 4000 RTP/AVP 0\r\n".repeat(1000))
                        .size());
    }
}
