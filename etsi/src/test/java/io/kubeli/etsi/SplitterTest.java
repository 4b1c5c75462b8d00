package io.kubeli.etsi;

import static io.kubeli.etsi.Tlvs.cat;
import static io.kubeli.etsi.Tlvs.h;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.etsi.MalformedPduException.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting a TCP byte stream into PDUs: any chunking, BER length forms, truncation, resynchronisation. */
class SplitterTest {
    private static final String[] FOUR = {"ipiri-accept.ber", "ipcc-udp.ber", "ipmmcc-rtp.ber", "keepalive.ber"};

    private static List<byte[]> splitInChunks(byte[] stream, int chunk) throws MalformedPduException {
        List<byte[]> out = new ArrayList<>();
        PduStreamSplitter s = PduStreamSplitter.copying(DecodeLimits.DEFAULT, out::add);
        for (int i = 0; i < stream.length; i += chunk) s.feed(stream, i, Math.min(chunk, stream.length - i));
        s.finish();
        return out;
    }

    @Test
    void streamSplitsIntoTheFourVectorsWhateverTheChunking() throws Exception {
        byte[] stream = Vectors.load("stream.ber");
        for (int chunk : new int[] {1, 2, 3, 7, 64, 151, 152, 153, 499, 4096}) {
            List<byte[]> pdus = splitInChunks(stream, chunk);
            assertEquals(4, pdus.size(), "chunk " + chunk);
            for (int i = 0; i < 4; i++) assertArrayEquals(Vectors.load(FOUR[i]), pdus.get(i), "chunk " + chunk);
        }
    }

    @Test
    void openliNonMinimalLengthsAreSplit() throws Exception {
        byte[] stream = cat(
                Vectors.load("openli-ipcc.ber"),
                Vectors.load("openli-keepalive.ber"),
                Vectors.load("openli-ipiri.ber"));
        List<byte[]> pdus = splitInChunks(stream, 5);
        assertEquals(List.of(147, 94, 150), pdus.stream().map(p -> p.length).toList());
        assertEquals(147, PduSplitter.pduLength(stream, 0, stream.length));
    }

    /** One behaviour everywhere (DecodeLimits): the indefinite form is refused by splitter, inspector and decoder. */
    @Test
    void indefiniteLengthsAreRefusedWithOneClearRule() throws Exception {
        // the keep-alive vector with indefinite outer, header and payload lengths
        byte[] ka = Vectors.load("keepalive.ber");
        byte[] header = Arrays.copyOfRange(ka, 4, 4 + 0x37);
        byte[] indefinite = cat(h("3080 a180"), header, h("0000 a280 a2028300 0000 0000"));
        MalformedPduException e =
                assertThrows(MalformedPduException.class, () -> PduSplitter.pduLength(indefinite, 0, 2));
        assertEquals(Rule.INDEFINITE_LENGTH, e.rule());
        assertTrue(e.getMessage().contains("definite lengths"), e.getMessage());
        byte[] stream = cat(Vectors.load("ipcc-udp.ber"), indefinite);
        List<byte[]> out = new ArrayList<>();
        PduStreamSplitter s = PduStreamSplitter.copying(DecodeLimits.DEFAULT, out::add);
        e = assertThrows(MalformedPduException.class, () -> {
            for (byte x : stream) s.feed(new byte[] {x});
        });
        assertEquals(Rule.INDEFINITE_LENGTH, e.rule());
        assertEquals(152, e.offset(), "the stream offset of the refused PDU");
        assertEquals(1, out.size(), "the PDU before it was split");
        assertEquals(
                Rule.INDEFINITE_LENGTH,
                assertThrows(MalformedPduException.class, () -> PduInspector.inspect(indefinite, 0, indefinite.length))
                        .rule());
        assertEquals(
                Rule.INDEFINITE_LENGTH,
                assertThrows(MalformedPduException.class, () -> PsPduDecoder.DEFAULT.decode(indefinite))
                        .rule());
        // inside a definite outer length too
        byte[] inner = Tlvs.t(0x30, h("a180"), header, h("0000"), h("a204a2028300"));
        MalformedPduException d = assertThrows(MalformedPduException.class, () -> PsPduDecoder.DEFAULT.decode(inner));
        assertEquals(Rule.INDEFINITE_LENGTH, d.rule());
        assertEquals(2, d.offset());
        assertEquals(
                Rule.INDEFINITE_LENGTH,
                assertThrows(MalformedPduException.class, () -> PduInspector.inspect(inner, 0, inner.length))
                        .rule());
    }

    @Test
    void pduLengthNeedsMoreBytesUntilThePduIsComplete() throws Exception {
        byte[] v = Vectors.load("ipcc-udp.ber");
        for (int n = 0; n < v.length; n++) assertEquals(-1, PduSplitter.pduLength(v, 0, n), "prefix " + n);
        assertEquals(v.length, PduSplitter.pduLength(v, 0, v.length));
    }

    @Test
    void badTruncatedReportsOffset163AtEndOfStream() throws Exception {
        byte[] bad = Vectors.load("bad-truncated.ber");
        for (int chunk : new int[] {1, 10, 200}) {
            List<byte[]> out = new ArrayList<>();
            PduStreamSplitter s = PduStreamSplitter.copying(DecodeLimits.DEFAULT, out::add);
            for (int i = 0; i < bad.length; i += chunk) s.feed(bad, i, Math.min(chunk, bad.length - i));
            MalformedPduException e = assertThrows(MalformedPduException.class, s::finish);
            assertEquals(163, e.offset());
            assertEquals(Rule.LENGTH_EXCEEDS_INPUT, e.rule());
            assertEquals(1, out.size());
        }
    }

    @Test
    void garbageIsReportedAtItsStreamOffsetAndResyncFindsTheNextPdu() throws Exception {
        byte[] ka = Vectors.load("keepalive.ber");
        byte[] stream = cat(ka, h("ff ee"), ka);
        List<byte[]> out = new ArrayList<>();
        PduStreamSplitter s = PduStreamSplitter.copying(DecodeLimits.DEFAULT, out::add);
        MalformedPduException e = assertThrows(MalformedPduException.class, () -> s.feed(stream));
        assertEquals(ka.length, e.offset());
        assertEquals(Rule.BAD_OUTER_TAG, e.rule());
        assertThrows(IllegalStateException.class, () -> s.feed(new byte[1]));
        s.resync();
        s.finish();
        assertEquals(2, out.size());
        assertEquals(2L * ka.length + 2, s.streamOffset());
    }

    @Test
    void anInspectingSplitterRefusesAWellFramedButMalformedPduAtItsStreamOffset() throws Exception {
        byte[] ka = Vectors.load("keepalive.ber");
        byte[] noSeq = Tlvs.pdu(Tlvs.KEEPALIVE, Tlvs.OID, Tlvs.LIID, Tlvs.COMM); // framed, but no sequenceNumber
        byte[] stream = cat(ka, noSeq, Vectors.load("ipcc-udp.ber"));
        PduInspector v = new PduInspector();
        List<Long> seqs = new ArrayList<>();
        PduStreamSplitter s =
                new PduStreamSplitter(DecodeLimits.DEFAULT, v, (b, o, l, at) -> seqs.add(v.sequenceNumber()));
        MalformedPduException e = assertThrows(MalformedPduException.class, () -> s.feed(stream));
        assertEquals(Rule.MISSING_FIELD, e.rule());
        assertEquals(ka.length + 2, e.offset(), "the header's stream offset");
        assertEquals(List.of(0L), seqs);
        // resync skips to the next 0x30 (first ones inside the refused PDU, refused again), then finds the good one
        for (int i = 0; i < noSeq.length; i++) {
            try {
                s.resync();
                s.finish();
                break;
            } catch (MalformedPduException again) {
                // the next candidate
            }
        }
        assertEquals(List.of(0L, 7L), seqs, "the PDU after the refused one is still delivered");
    }

    @Test
    void anOversizedDeclaredLengthIsRejectedBeforeBuffering() {
        byte[] huge = h("3084 7fffffff 00");
        MalformedPduException e =
                assertThrows(MalformedPduException.class, () -> PduSplitter.pduLength(huge, 0, huge.length));
        assertEquals(Rule.PDU_TOO_LARGE, e.rule());
        PduStreamSplitter s = new PduStreamSplitter(DecodeLimits.DEFAULT.withMaxPduSize(100), (b, o, l, so) -> {});
        byte[] ipcc = Vectors.load("ipcc-udp.ber");
        assertEquals(
                Rule.PDU_TOO_LARGE,
                assertThrows(MalformedPduException.class, () -> s.feed(ipcc, 0, 3))
                        .rule());
    }

    @Test
    void badLengthOctetsAreRejected() {
        assertEquals(
                Rule.BAD_LENGTH,
                assertThrows(MalformedPduException.class, () -> PduSplitter.pduLength(h("30ff00"), 0, 3))
                        .rule());
        assertEquals(
                Rule.BAD_OUTER_TAG,
                assertThrows(MalformedPduException.class, () -> PduSplitter.pduLength(h("a000"), 0, 2))
                        .rule());
    }
}
