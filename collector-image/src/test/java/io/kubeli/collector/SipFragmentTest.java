package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static io.kubeli.collector.SipCallTest.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.etsi.IriType;
import io.kubeli.etsi.PsPdu;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a large INVITE with SDP over UDP, fragmented at the IP level (IPv4 and IPv6), is reassembled and
 * followed; overlapping, never-completed and garbage fragments are bounded and counted, and match nothing.
 */
class SipFragmentTest {
    @TempDir
    Path tmp;

    /** An INVITE of about 3 KB: SDP padded with attribute lines, as real offers with many codecs are. */
    static String bigInvite(String callId, int media) {
        StringBuilder sdp = new StringBuilder(sdp(ALICE, media));
        for (int i = 0; sdp.length() < 3000; i++) {
            sdp.append("a=rtpmap:")
                    .append(96 + i % 30)
                    .append(" codec-")
                    .append(i)
                    .append("/8000\r\n");
        }
        return req("INVITE", callId, 1, B, A, "a", B, null, sdp.toString());
    }

    /** The UDP datagram split into IPv4 fragments of {@code size} octets (a multiple of 8), in order. */
    static List<byte[]> fragments4(String src, String dst, byte[] udp, int id, int size) {
        List<byte[]> l = new java.util.ArrayList<>();
        for (int off = 0; off < udp.length; off += size) {
            int end = Math.min(udp.length, off + size);
            l.add(ipv4(src, dst, 17, Arrays.copyOfRange(udp, off, end), id, off / 8, end < udp.length, null));
        }
        return l;
    }

    private static long notOk(SipIntercepts calls) {
        long n = 0;
        for (io.kubeli.collector.sip.SipParser.Result x : io.kubeli.collector.sip.SipParser.Result.values()) {
            n += x == io.kubeli.collector.sip.SipParser.Result.OK ? 0 : calls.results(x);
        }
        return n;
    }

    private static byte[] udpOf(String msg) {
        return udp(5060, 5060, msg.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** IPv4 and IPv6; a fragmented INVITE on a port that is not configured for SIP is left alone. */
    @Test
    void aFragmentedInviteIsReassembledFollowedAndItsMediaIntercepted() throws Exception {
        SipRig r = new SipRig(tmp, 100);
        r.intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        String invite = bigInvite("frag-1@h", 40000);
        List<byte[]> frags = fragments4(ALICE, PROXY, udpOf(invite), 4242, 1480);
        assertEquals(3, frags.size());
        for (byte[] f : frags) {
            r.ip(f);
        }
        assertEquals(1, r.rtp(ALICE, 40000, BOB, 50000), "the SDP of the reassembled INVITE made its media CC");
        r.sip(PROXY, ALICE, resp(200, "INVITE", "frag-1@h", 1, A, "a", B, "b", sdp(BOB, 50000)));
        // IPv6: the same over fragment headers (a second call)
        String invite6 = bigInvite("frag-6@h", 42000);
        byte[] u = udpOf(invite6);
        r.ip(ipv6("2001:db8::1", "2001:db8::2", 44, v6frag(17, 0, true, 99, Arrays.copyOf(u, 1448))));
        r.ip(ipv6(
                "2001:db8::1",
                "2001:db8::2",
                44,
                v6frag(17, 1448 / 8, false, 99, Arrays.copyOfRange(u, 1448, u.length))));
        // misconfiguration: SIP on a port not in --sip-ports (5080) is not SIP to the collector, fragmented or not
        byte[] u5080 = udp(5080, 5080, bigInvite("frag-5080@h", 43000).getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] f : fragments4(ALICE, PROXY, u5080, 4343, 1480)) {
            r.ip(f);
        }
        assertEquals(0, r.rtp(ALICE, 43000, BOB, 50000), "not followed: its port is not a SIP port");
        assertEquals(2, r.pipeline.sipFragments());
        assertEquals(0, r.pipeline.sipFragmentDrops());
        List<PsPdu> iri = iri(r.drain());
        assertEquals(
                List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_BEGIN),
                iri.stream().map(SipRig::type).toList());
        assertEquals(invite, SipRig.text(iri.get(0)), "the whole INVITE, as sent");
        assertEquals(invite6, SipRig.text(iri.get(2)));
    }

    /**
     * Hostile and faults: overlapping fragments (dropped, counted), a lost last fragment (the stale datagram times
     * out after 5 s of capture time, counted, and the INVITE's retransmission in new fragments is followed), garbage
     * fragmented on 5060 (parsed as malformed, nothing else), and 10^4 first fragments that never complete (at most
     * 16 datagrams held per thread, the rest counted).
     */
    @Test
    void overlapsLossGarbageAndFloodsAreBoundedAndCounted() throws Exception {
        SipRig r = new SipRig(tmp, 100);
        r.intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        byte[] u = udpOf(bigInvite("frag-2@h", 40000));
        // overlap: 0..1480, then 1400..end
        r.ip(ipv4(ALICE, PROXY, 17, Arrays.copyOf(u, 1480), 7, 0, true, null));
        r.ip(ipv4(ALICE, PROXY, 17, Arrays.copyOfRange(u, 1400, u.length), 7, 1400 / 8, false, null));
        assertEquals(1, r.pipeline.sipFragmentDrops(), "overlap dropped");
        assertEquals(0, r.calls.totalCalls());
        // the last fragment lost: nothing until a later datagram finds the stale one (5 s) and evicts it
        List<byte[]> lost = fragments4(ALICE, PROXY, u, 8, 1480);
        r.ip(lost.get(0));
        r.ip(lost.get(1));
        assertEquals(0, r.calls.totalCalls());
        for (int i = 0; i < 15; i++) { // fill the other slots
            r.ip(ipv4(ALICE, PROXY, 17, Arrays.copyOf(udpOf("garbage " + i), 16), 100 + i, 0, true, null));
        }
        r.ts += 6_000_000_000L;
        for (byte[] f : fragments4(ALICE, PROXY, u, 9, 1480)) { // SIP retransmits the INVITE: new IP id
            r.ip(f);
        }
        assertTrue(
                r.pipeline.sipFragmentDrops() >= 2,
                "the stale datagram was given up: " + r.pipeline.sipFragmentDrops());
        assertEquals(1, r.calls.totalCalls(), "the retransmission was reassembled and followed");
        // garbage: random octets fragmented on 5060
        byte[] junk = new byte[3000];
        new java.util.Random(15).nextBytes(junk);
        long rejected = notOk(r.calls);
        for (byte[] f : fragments4(PROXY, ALICE, udp(5060, 5060, junk), 10, 1480)) {
            r.ip(f);
        }
        assertEquals(rejected + 1, notOk(r.calls), "reassembled garbage is one rejected message");
        // flood of first fragments that never complete
        long drops = r.pipeline.sipFragmentDrops();
        for (int i = 0; i < 10_000; i++) {
            r.ip(ipv4(
                    CAROL, PROXY, 17, Arrays.copyOf(udpOf("INVITE sip:x SIP/2.0\r\n"), 16), 20_000 + i, 0, true, null));
        }
        assertEquals(
                drops + 15 + 10_000 - SipFeed.FRAGMENT_SLOTS,
                r.pipeline.sipFragmentDrops(),
                "the 15 stale ones and the flood: at most " + SipFeed.FRAGMENT_SLOTS + " held, every other counted");
        List<PsPdu> iri = iri(r.drain());
        assertEquals(1, iri.size(), "only the reassembled INVITE: " + iri.size());
        assertEquals(IriType.IRI_BEGIN, SipRig.type(iri.get(0)));
    }
}
