package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static io.kubeli.collector.SipCallTest.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import io.kubeli.etsi.PsPdu;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Media endpoints change per call: starting or ending one call touches only that call's keys of the media table
 * (other calls' entries are left as they are and still match, on every capture thread), and an INVITE flood stays
 * bounded by the call limit with a flat cost per call set up.
 */
class SipMediaTableTest {
    private static final String SIP = "  - {sipUri: \"sip:alice@example.org\"}";

    @TempDir
    Path tmp;

    /** The media address of alice's call {@code i}: 198.19.x.y, one per call. */
    private static String addr(int i) {
        return "198.19." + (i / 200) + "." + (i % 200 + 1);
    }

    private static void answered(SipRig r, int i) {
        String c = "call-" + i;
        r.sip(ALICE, PROXY, req("INVITE", c, 1, B, A, "a", B, null, sdp(addr(i), 40000)));
        r.sip(PROXY, ALICE, resp(200, "INVITE", c, 1, A, "a", B, "b", sdp(BOB, 50000)));
    }

    private static byte[] rtpFrame(int i) {
        return ether(0x0800, ipv4(addr(i), BOB, 17, udp(40000, 50000, new byte[] {(byte) 0x80, 0, 0, 1})));
    }

    /** Feeds one RTP packet of every call 0..n-1 to {@code w}: the records queued per call. */
    private static int[] media(SipRig r, CaptureWorker w, int n) {
        int[] q = new int[n];
        for (int i = 0; i < n; i++) {
            byte[] f = rtpFrame(i);
            q[i] = w.process(r.pipeline.table(), MemorySegment.ofArray(f), 0, f.length, LinkTypes.ETHERNET, r.ts);
        }
        return q;
    }

    /** Runs {@link #media} on two capture threads at once. */
    private static List<int[]> twoThreads(SipRig r, CaptureWorker w1, CaptureWorker w2, int n) throws Exception {
        List<int[]> out = new ArrayList<>(List.of(new int[0], new int[0]));
        AtomicReference<Throwable> fail = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            int at = k;
            CaptureWorker w = k == 0 ? w1 : w2;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    int[] q = media(r, w, n);
                    synchronized (out) {
                        out.set(at, q);
                    }
                } catch (Throwable e) {
                    fail.set(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(fail.get());
        synchronized (out) {
            return out;
        }
    }

    @Test
    void endingOneOfTenThousandCallsTouchesOnlyItsOwnKeysAndTheOthersStillMatchOnTwoThreads() throws Exception {
        int n = 10_000;
        SipRig r = new SipRig(tmp, 20_000);
        r.intercepts(SIP);
        for (int i = 0; i < n; i++) {
            answered(r, i);
        }
        assertEquals(n, r.calls.activeCalls());
        assertEquals(2 * n, r.calls.mediaEndpoints(), "RTP and RTCP of every call's target endpoint");
        r.pipeline.start(); // encoders drain the rings while the threads match
        CaptureWorker w1 = r.pipeline.newWorker();
        CaptureWorker w2 = r.pipeline.newWorker();
        for (int[] q : twoThreads(r, w1, w2, n)) {
            for (int i = 0; i < n; i++) {
                assertEquals(1, q[i], "call " + i + " matches before");
            }
        }

        MediaTable mt = r.pipeline.media();
        long writes = mt.writes();
        int ended = 4321;
        String c = "call-" + ended;
        r.sip(ALICE, PROXY, req("BYE", c, 2, B, A, "a", B, "b", null));
        assertEquals(2, mt.writes() - writes, "the BYE removes its own call's two keys and writes nothing else");
        r.sip(PROXY, ALICE, resp(200, "BYE", c, 2, A, "a", B, "b", null));
        assertEquals(2, mt.writes() - writes, "the final response has nothing left to remove");
        assertEquals(2 * (n - 1), r.calls.mediaEndpoints());

        for (int[] q : twoThreads(r, w1, w2, n)) {
            for (int i = 0; i < n; i++) {
                assertEquals(
                        i == ended ? 0 : 1,
                        q[i],
                        i == ended
                                ? "the ended call no longer matches"
                                : "call " + i + " still matches after another call ended");
            }
        }
        // a new call costs its own keys only (amortised: no rehash is due at this size)
        writes = mt.writes();
        answered(r, n);
        assertEquals(2, mt.writes() - writes);
        w1.onEnd();
        w2.onEnd();
        List<PsPdu> pdus = r.drain();
        assertEquals(
                (2 * n + 4) + 2 * n + 2 * (n - 1), pdus.size(), "IRI of every message, CC of every matched packet");
    }

    @Test
    void twoInterceptsOfOneIdentityBothGetTheCallsMedia() throws Exception {
        SipRig r = new SipRig(tmp, 100);
        r.intercepts(SIP, SIP.replace("alice", "alice")); // two warrants, one identity
        answered(r, 0);
        assertEquals(2, r.rtp(addr(0), 40000, BOB, 50000), "one IPMMCC per Intercept");
        assertEquals(2, r.rtp(BOB, 50000, addr(0), 40000));
        assertEquals(2, r.rtp(addr(0), 40001, BOB, 50001), "RTCP");
        assertEquals(0, r.rtp(addr(0), 40002, BOB, 50000), "another port of the address is not the call's");
        assertEquals(0, r.rtp(BOB, 50000, CAROL, 50000), "the other party's endpoint alone is not content");
        List<PsPdu> cc = cc(r.drain());
        assertEquals(6, cc.size());
        assertEquals(
                2,
                cc.stream()
                        .map(p -> new String(p.header().liid().toByteArray()))
                        .distinct()
                        .count());
    }

    @Test
    void inviteFloodStaysBoundedByTheCallLimitWithAFlatCostPerCall() throws Exception {
        int max = 5_000;
        SipRig r = new SipRig(tmp, max);
        r.intercepts(SIP);
        MediaTable mt = r.pipeline.media();
        long[] writesAt = new long[max + 1];
        int accepted = 0;
        for (int i = 0; i < 100_000; i++) {
            // a hostile mix: every other INVITE claims one and the same endpoint, the rest their own
            String media = i % 2 == 0 ? sdp("198.18.9.9", 30000) : sdp(addr(i % 40_000), 40000 + 2 * (i / 40_000));
            r.sip(ALICE, PROXY, req("INVITE", "flood-" + i, 1, B, A, "a", B, null, media));
            int now = (int) r.calls.totalCalls(); // calls followed so far (none ends here)
            if (now > accepted) {
                accepted = now;
                writesAt[now] = mt.writes();
            }
        }
        assertEquals(max, r.calls.activeCalls(), "bounded by --sip-max-calls");
        assertEquals(100_000 - max, r.calls.callsRefused.sum(), "the rest refused, counted");
        int keys = max / 2 * 2 + 2; // own endpoints (RTP + RTCP) of half the calls, plus the one shared pair
        assertEquals(keys, mt.size());
        assertTrue(mt.capacity() <= 8 * keys + 16, "the table is sized by the calls kept: " + mt.capacity());
        assertTrue(mt.displaced() > 0, "claims beyond the share limit displace the oldest, counted");
        // the shared endpoint holds a bounded number of calls: its lookup stays cheap
        TargetEntry[] shared = mt.lookup(4, 0, 0xC6120909L, 30000);
        assertEquals(MediaTable.MAX_SHARE, shared.length);
        // flat: the writes of the last 1000 calls set up are no more than those of the first 1000 plus one rehash,
        // and all writes are a constant per endpoint key (rehash copies amortised)
        long first = writesAt[1000] - writesAt[0];
        long last = writesAt[max] - writesAt[max - 1000];
        assertTrue(last <= first + 4L * keys, "first 1000 calls " + first + " writes, last 1000 " + last);
        assertTrue(mt.writes() <= 6L * 2 * max, "writes " + mt.writes() + " for " + max + " calls");
        assertEquals(MediaTable.MAX_SHARE, r.rtp("198.18.9.9", 30000, BOB, 50000), "one record per call sharing it");
    }
}
