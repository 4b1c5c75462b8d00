package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LiveVeth;
import io.kubeli.capture.VethPair;
import io.kubeli.collector.peers.SipPeers;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 with real peers: Debian's SIPp as callee (root namespace, on the capture end of a veth pair, echoing RTP)
 * and as two concurrent callers in the namespace: the target alice@example.org and carol, each playing RTP from a
 * pcap. The collector on afpacket: delivers exactly alice's SIP messages as IPMMIRI (Begin .. End) and her call's
 * RTP as IPMMCC, nothing of carol's call; everything decodes strictly; a pcapfile: replay gives identical files.
 */
class SipLiveIT {
    private static final int TARGET_MEDIA = 7000;
    private static final int OTHER_MEDIA = 8000;

    @RegisterExtension
    static final LiveVeth net = new LiveVeth("ksip", 15, SipPeers::missing);

    private final VethPair veth = net.get();

    @TempDir
    Path tmp;

    @Test
    void exactlyTheTargetCallsSignallingAndMediaAndAByteIdenticalReplay() throws Exception {
        Path dir = LiveReplay.intercepts(tmp, "sip-1", "LIID-S1", "{sipUri: \"sip:alice@example.org\"}");
        Path live = Files.createDirectories(tmp.resolve("live"));
        Path cap = tmp.resolve("capture.pcap");
        CollectorApp app = null;
        try (SipPeers sip = new SipPeers(veth, tmp)) {
            sip.tcpdump(cap);
            app = LiveReplay.afpacket(veth, dir, live);
            sip.callee(2);
            Thread.sleep(500);
            Process alice = sip.caller("alice", 5061, TARGET_MEDIA);
            Process carol = sip.caller("carol", 5062, OTHER_MEDIA);
            assertTrue(alice.waitFor(30, TimeUnit.SECONDS), "alice's call ended");
            assertTrue(carol.waitFor(30, TimeUnit.SECONDS), "carol's call ended");
            assertEquals(0, alice.exitValue(), () -> sip.log("uac-alice.log"));
            assertEquals(0, carol.exitValue(), () -> sip.log("uac-carol.log"));
            Thread.sleep(1000); // the last packets through the capture ring and encoders
            app.close();
        } finally {
            if (app != null) {
                app.close();
            }
        }
        assertEquals(0, app.captureStats().drops(), app.summary());

        // what was on the wire: alice's SIP (her SIP port) and her media (her media port, RTP and RTCP)
        List<byte[]> wire = SipPeers.ipPackets(cap);
        int aliceSip = 0;
        int aliceMedia = 0;
        int carolMedia = 0;
        int afterBye = 0;
        boolean bye = false;
        for (byte[] ip : wire) {
            if (ip[9] != 17) {
                continue;
            }
            int s = SipPeers.port(ip, true);
            int d = SipPeers.port(ip, false);
            aliceSip += s == 5061 || d == 5061 ? 1 : 0;
            int ihl = (ip[0] & 0xF) * 4;
            bye |= s == 5061
                    && new String(ip, ihl + 8, Math.min(3, ip.length - ihl - 8), StandardCharsets.US_ASCII)
                            .equals("BYE"); // media stops at the BYE: what the player still sends after it is not
            // content
            boolean media = s == TARGET_MEDIA || d == TARGET_MEDIA || s == TARGET_MEDIA + 1 || d == TARGET_MEDIA + 1;
            aliceMedia += media && !bye ? 1 : 0;
            afterBye += media && bye ? 1 : 0;
            carolMedia += s == OTHER_MEDIA || d == OTHER_MEDIA ? 1 : 0;
        }
        assertTrue(
                aliceSip >= 6 && aliceMedia > 20 && carolMedia > 20,
                "both calls happened: " + aliceSip + " " + aliceMedia + " " + carolMedia);

        List<PsPdu> pdus = LiveReplay.decodeAll(live); // strict decoding, as ./kubeli decode --check
        List<IriType> types = new ArrayList<>();
        Set<Long> cins = new HashSet<>();
        int cc = 0;
        for (PsPdu p : pdus) {
            cins.add(p.header().communicationIdentifier().cin());
            if (p.payload() instanceof Payload.Cc c) {
                byte[] ip = ((CcContents.Ipmmcc) c.payloads().get(0).contents())
                        .contents()
                        .toByteArray();
                int s = SipPeers.port(ip, true);
                int d = SipPeers.port(ip, false);
                assertTrue(
                        s == TARGET_MEDIA || d == TARGET_MEDIA || s == TARGET_MEDIA + 1 || d == TARGET_MEDIA + 1,
                        "only alice's media: " + s + " -> " + d);
                cc++;
            } else {
                var iri = ((Payload.Iri) p.payload()).payloads().get(0);
                types.add(iri.iriType());
                String text = SipPeers.sipText(iri);
                assertTrue(text.contains("alice@example.org"), "only alice's SIP");
            }
        }
        assertEquals(
                aliceMedia,
                cc,
                "every packet of alice's media up to the BYE (" + afterBye + " after it), nothing" + " else: "
                        + app.summary());
        // a busy machine may make SIPp retransmit: retransmissions are IRI too (Continue, or Report after the End)
        assertEquals(aliceSip, types.size(), "every SIP message of alice's call: " + types);
        SipPeers.assertCallIri(types);
        assertEquals(1, cins.size(), "one CIN for the call's IRI and CC");

        // the same traffic replayed from the capture file: identical record files
        LiveReplay.assertIdentical(cap, dir, live, tmp.resolve("replay"), "--radius-ports", "none");
    }

    /** A cancelled call: INVITE, 180, CANCEL, 200, 487 are IRI (Begin .. End); the ACK after the end an IRI-Report. */
    @Test
    void cancelledCallIsBeginContinueEnd() throws Exception {
        Path dir = LiveReplay.intercepts(tmp, "sip-2", "LIID-S2", "{sipUri: \"sip:alice@example.org\"}");
        Path live = Files.createDirectories(tmp.resolve("live"));
        CollectorApp app = null;
        try (SipPeers sip = new SipPeers(veth, tmp)) {
            app = LiveReplay.afpacket(veth, dir, live, "--sip-ports", "5060,5070");
            sip.uas(
                    "uas-cancel.log",
                    new String[] {"-sf", sip.scenario("uas-cancel.xml").toString()},
                    5070,
                    0,
                    1,
                    30);
            Thread.sleep(500);
            Process alice =
                    sip.uac("uac-cancel.log", sip.scenario("uac-cancel.xml"), 5070, 5063, 7100, "bob", "alice", false);
            assertTrue(alice.waitFor(30, TimeUnit.SECONDS), "the call ended");
            assertEquals(0, alice.exitValue(), () -> sip.log("uac-cancel.log"));
            Thread.sleep(1000);
            app.close();
        } finally {
            if (app != null) {
                app.close();
            }
        }
        List<PsPdu> pdus = LiveReplay.decodeAll(live);
        List<IriType> types = new ArrayList<>();
        List<String> first = new ArrayList<>();
        for (PsPdu p : pdus) {
            var iri = ((Payload.Iri) p.payload()).payloads().get(0);
            types.add(iri.iriType());
            String text = SipPeers.sipText(iri);
            first.add(text.substring(0, text.indexOf('\r')));
        }
        SipPeers.assertCallIri(types); // retransmissions (a busy machine) are IRI too
        int end = types.indexOf(IriType.IRI_END);
        assertTrue(first.get(0).startsWith("INVITE"), first.toString());
        assertTrue(first.subList(1, end).stream().anyMatch(l -> l.startsWith("CANCEL")), first.toString());
        assertTrue(first.get(end).startsWith("SIP/2.0 487"), first.toString());
        assertTrue(
                first.subList(end + 1, first.size()).stream().anyMatch(l -> l.startsWith("ACK")),
                "the ACK after the end: IRI-Report " + first);
    }
}
