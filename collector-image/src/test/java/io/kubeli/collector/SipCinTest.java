package io.kubeli.collector;

import static io.kubeli.collector.SipCallTest.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: call CINs are CRC-32(Call-ID) mod 2^20 only while that base is free; two concurrent calls whose Call-IDs
 * collide (constructed here) get different CINs, each with its own sequence numbers, stable for the call's life.
 */
class SipCinTest {
    @TempDir
    Path tmp;

    /**
     * {@code n} Call-IDs of equal length whose CRC-32 agree in the low 20 bits: CRC-32 is affine over GF(2) for
     * equal-length inputs, so flips in the null space of the 20-bit map keep the CIN base (letters stay letters).
     */
    static List<String> colliding(int n) {
        byte[] base = ("cid-" + "d".repeat(24) + "@h").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int k = 48; // bits 0x01 and 0x02 of the 24 letters: d, e, f, g
        long c0 = crc(base);
        long[] v = new long[k];
        long[] comb = new long[k];
        for (int i = 0; i < k; i++) {
            byte[] b = base.clone();
            b[4 + i / 2] ^= (byte) (1 << (i % 2));
            v[i] = (crc(b) ^ c0) & 0xFFFFF;
            comb[i] = 1L << i;
        }
        List<Long> nulls = new ArrayList<>();
        long[] pivotV = new long[20];
        long[] pivotC = new long[20];
        boolean[] has = new boolean[20];
        for (int i = 0; i < k; i++) {
            long x = v[i];
            long c = comb[i];
            for (int bit = 19; bit >= 0 && x != 0; bit--) {
                if ((x >>> bit & 1) != 0) {
                    if (!has[bit]) {
                        has[bit] = true;
                        pivotV[bit] = x;
                        pivotC[bit] = c;
                        x = -1;
                        break;
                    }
                    x ^= pivotV[bit];
                    c ^= pivotC[bit];
                }
            }
            if (x == 0) {
                nulls.add(c);
            }
        }
        List<String> out = new ArrayList<>();
        for (long sel = 1; out.size() < n; sel++) {
            long mask = 0;
            for (int j = 0; j < nulls.size(); j++) {
                if ((sel >>> j & 1) != 0) {
                    mask ^= nulls.get(j);
                }
            }
            byte[] b = base.clone();
            for (int i = 0; i < k; i++) {
                if ((mask >>> i & 1) != 0) {
                    b[4 + i / 2] ^= (byte) (1 << (i % 2));
                }
            }
            out.add(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
        }
        return out;
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private static void call(SipRig r, String id, int media) {
        r.sip(ALICE, PROXY, req("INVITE", id, 1, B, A, "a", B, null, sdp(ALICE, media)));
        r.sip(PROXY, ALICE, resp(200, "INVITE", id, 1, A, "a", B, "b", sdp(BOB, media + 10_000)));
        r.sip(ALICE, PROXY, req("ACK", id, 1, "sip:bob@" + BOB, A, "a", B, "b", null));
    }

    private static void hangUp(SipRig r, String id) {
        r.sip(ALICE, PROXY, req("BYE", id, 2, "sip:bob@" + BOB, A, "a", B, "b", null));
        r.sip(PROXY, ALICE, resp(200, "BYE", id, 2, A, "a", B, "b", null));
    }

    @Test
    void constructedCallIdsReallyCollide() {
        List<String> ids = colliding(300);
        assertEquals(300, new HashSet<>(ids).size());
        for (String id : ids) {
            assertEquals(SipIntercepts.cinBase(ids.get(0)), SipIntercepts.cinBase(id), id);
        }
    }

    /**
     * Two concurrent target calls with colliding Call-IDs, interleaved, with an Intercept reload in the middle: two
     * CINs (the first call keeps its Call-ID's base), each call's IRI is Begin..End and each (CIN, stream) numbers
     * its records 0, 1, 2 ... on its own. On the old code both calls shared one CIN and one sequence.
     */
    @Test
    void collidingConcurrentCallsGetTheirOwnCinAndSequenceNumbers() throws Exception {
        SipRig r = new SipRig(tmp, 1000);
        r.intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        List<String> ids = colliding(2);
        call(r, ids.get(0), 40000);
        call(r, ids.get(1), 41000);
        assertEquals(1, r.rtp(ALICE, 40000, BOB, 50000));
        assertEquals(1, r.rtp(BOB, 51000, ALICE, 41000));
        r.intercepts("  - {sipUri: \"sip:alice@example.org\"}"); // a reload rebinds the calls: CINs must not move
        assertEquals(1, r.rtp(ALICE, 41000, BOB, 51000));
        hangUp(r, ids.get(1));
        assertEquals(1, r.rtp(ALICE, 40000, BOB, 50000));
        hangUp(r, ids.get(0));
        assertEquals(1, r.calls.cinCollisions.sum());

        Map<Long, List<PsPdu>> byCin = new LinkedHashMap<>();
        for (PsPdu p : r.drain()) {
            byCin.computeIfAbsent(SipRig.cin(p), x -> new ArrayList<>()).add(p);
        }
        assertEquals(2, byCin.size(), "one CIN per call: " + byCin.keySet());
        assertEquals(
                SipIntercepts.cinBase(ids.get(0)), byCin.keySet().iterator().next(), "the first call keeps its base");
        for (List<PsPdu> l : byCin.values()) {
            List<PsPdu> iri = iri(l);
            List<IriType> types = iri.stream().map(SipRig::type).toList();
            assertEquals(
                    List.of(
                            IriType.IRI_BEGIN,
                            IriType.IRI_CONTINUE,
                            IriType.IRI_CONTINUE,
                            IriType.IRI_CONTINUE,
                            IriType.IRI_END),
                    types);
            String callId = SipRig.text(iri.get(0)).replaceAll("(?s).*Call-ID: ([^\r]+).*", "$1");
            for (PsPdu p : iri) {
                assertTrue(SipRig.text(p).contains("Call-ID: " + callId + "\r"), "one call's messages per CIN");
            }
            for (List<PsPdu> stream : List.of(iri, cc(l))) {
                for (int i = 0; i < stream.size(); i++) {
                    assertEquals(i, stream.get(i).header().sequenceNumber(), "own sequence per CIN and stream");
                }
            }
            assertEquals(2, cc(l).size());
        }
    }

    /**
     * Hostile: 2,000 concurrent target calls whose Call-IDs all collide get 2,000 different CINs (double hashing,
     * no long cluster); the same calls in the same order give the same CINs (deterministic, as on a replay); once
     * they ended and were forgotten, the first Call-ID gets its own base again. An IP target of the Intercept that
     * uses that base (explicit cin) is probed past: a call never shares a CIN with it.
     */
    @Test
    void aFloodOfCollidingCallIdsGetsDistinctDeterministicCins() throws Exception {
        List<String> ids = colliding(2000);
        List<Long> first = null;
        for (int run = 0; run < 2; run++) {
            SipRig r = new SipRig(tmp.resolve("r" + run), 100_000);
            r.intercepts("  - {sipUri: \"sip:alice@example.org\"}");
            for (String id : ids) { // no SDP: CIN allocation only, no table rebuild per call
                r.sip(ALICE, PROXY, req("INVITE", id, 1, B, A, "a", B, null, null));
            }
            assertEquals(2000, r.calls.activeCalls());
            assertEquals(1999, r.calls.cinCollisions.sum());
            List<Long> cins = new ArrayList<>();
            for (PsPdu p : r.drain()) {
                assertTrue(p.payload() instanceof Payload.Iri);
                cins.add(SipRig.cin(p));
                assertTrue(SipRig.cin(p) >= 0 && SipRig.cin(p) < InterceptManager.CIN_SPACE, "slot 0");
            }
            assertEquals(2000, new HashSet<>(cins).size(), "2,000 calls, 2,000 CINs");
            if (first == null) {
                first = cins;
            } else {
                assertEquals(first, cins, "the same calls in the same order: the same CINs");
            }
        }

        SipRig r = new SipRig(tmp.resolve("r3"), 1000);
        long base = SipIntercepts.cinBase(ids.get(0));
        r.intercepts("  - {sipUri: \"sip:alice@example.org\"}\n  - {ip: \"198.18.9.9/32\", cin: " + base + "}");
        call(r, ids.get(0), 40000);
        hangUp(r, ids.get(0));
        r.calls.tick(r.ts + 3_600_000_000_000L); // linger over: the call and its CIN are forgotten
        r.intercepts("  - {sipUri: \"sip:alice@example.org\"}");
        call(r, ids.get(0), 40000);
        Set<Long> cins = new java.util.LinkedHashSet<>();
        for (PsPdu p : r.drain()) {
            if (p.payload() instanceof Payload.Iri i
                    && i.payloads().get(0).contents() instanceof io.kubeli.etsi.IriContents.IpmmIri
                    && SipRig.text(p).startsWith("INVITE")) {
                cins.add(SipRig.cin(p));
            }
        }
        assertEquals(2, cins.size(), cins.toString());
        assertNotEquals(base, cins.iterator().next(), "the IP target's CIN is not given to a call");
        assertEquals(base, cins.stream().skip(1).findFirst().orElseThrow(), "free again: the Call-ID's own base");
    }
}
