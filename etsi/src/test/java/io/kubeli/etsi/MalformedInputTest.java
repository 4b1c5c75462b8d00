package io.kubeli.etsi;

import static io.kubeli.etsi.Tlvs.COMM;
import static io.kubeli.etsi.Tlvs.KEEPALIVE;
import static io.kubeli.etsi.Tlvs.LIID;
import static io.kubeli.etsi.Tlvs.OID;
import static io.kubeli.etsi.Tlvs.SEQ;
import static io.kubeli.etsi.Tlvs.TS;
import static io.kubeli.etsi.Tlvs.a;
import static io.kubeli.etsi.Tlvs.cat;
import static io.kubeli.etsi.Tlvs.h;
import static io.kubeli.etsi.Tlvs.pdu;
import static io.kubeli.etsi.Tlvs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubeli.etsi.MalformedPduException.Rule;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One malformed input per {@link Rule}: the decoder raises that rule at the offending byte offset. */
class MalformedInputTest {

    /** A malformed input, the limits to decode it with, the rule and offset expected. */
    record Case(Rule rule, byte[] input, DecodeLimits limits, long offset) {
        @Override
        public String toString() {
            return rule.name();
        }
    }

    private static final DecodeLimits D = DecodeLimits.DEFAULT;

    static List<Case> cases() {
        byte[] keepalive = Vectors.load("keepalive.ber");
        byte[] bad = Vectors.load("bad-truncated.ber");
        int hdrOff = 2 + 2; // 30 L A1 L: first header field
        return List.of(
                new Case(Rule.TRUNCATED, h("3082 00"), D, 0),
                new Case(Rule.LENGTH_EXCEEDS_INPUT, Arrays.copyOfRange(bad, 163, bad.length), D, 0),
                new Case(Rule.BAD_LENGTH, h("3085 0000000001 00"), D, 0),
                new Case(Rule.INDEFINITE_LENGTH, t(0x30, h("a180"), OID, LIID, COMM, SEQ, h("0000"), KEEPALIVE), D, 2),
                new Case(Rule.BAD_OUTER_TAG, h("3100"), D, 0),
                new Case(Rule.BAD_TAG, h("3004 bf800100"), D, 2),
                new Case(
                        Rule.UNEXPECTED_TAG,
                        pdu(KEEPALIVE, OID, LIID, LIID, COMM, SEQ),
                        D,
                        hdrOff + OID.length + LIID.length),
                new Case(Rule.MISSING_FIELD, pdu(KEEPALIVE, OID, LIID, COMM, TS), D, 2),
                new Case(
                        Rule.INTEGER_TOO_LONG,
                        pdu(KEEPALIVE, OID, LIID, COMM, h("840a 00000000000000000001")),
                        D,
                        hdrOff + OID.length + LIID.length + COMM.length),
                new Case(
                        Rule.BAD_INTEGER,
                        pdu(KEEPALIVE, OID, LIID, COMM, h("8402 0001")),
                        D,
                        hdrOff + OID.length + LIID.length + COMM.length),
                new Case(
                        Rule.INTEGER_OUT_OF_RANGE,
                        pdu(KEEPALIVE, OID, LIID, COMM, h("8405 0100000000")),
                        D,
                        hdrOff + OID.length + LIID.length + COMM.length),
                new Case(
                        Rule.UNKNOWN_ENUM,
                        pdu(KEEPALIVE, OID, LIID, COMM, SEQ, TS, h("880109")),
                        D,
                        hdrOff + OID.length + LIID.length + COMM.length + SEQ.length + TS.length),
                new Case(
                        Rule.BAD_TIME,
                        pdu(KEEPALIVE, OID, LIID, COMM, SEQ, t(0x85, a("20261325120001Z"))),
                        D,
                        hdrOff + OID.length + LIID.length + COMM.length + SEQ.length),
                new Case(Rule.BAD_OID, pdu(KEEPALIVE, h("8002 0482"), LIID, COMM, SEQ), D, hdrOff),
                new Case(
                        Rule.BAD_STRING,
                        pdu(KEEPALIVE, OID, LIID, h("8202 4e5f"), COMM, SEQ),
                        D,
                        hdrOff + OID.length + LIID.length),
                new Case(
                        Rule.SIZE_CONSTRAINT,
                        pdu(KEEPALIVE, OID, LIID, t(0x82, a("NZL")), COMM, SEQ),
                        D,
                        hdrOff + OID.length + LIID.length),
                new Case(
                        Rule.BAD_PRIMITIVE,
                        pdu(h("a205a203830100"), OID, LIID, COMM, SEQ),
                        D,
                        2 + 2 + OID.length + LIID.length + COMM.length + SEQ.length + 4),
                new Case(
                        Rule.LIID_TOO_LONG,
                        pdu(KEEPALIVE, OID, t(0x81, a("L".repeat(26))), COMM, SEQ),
                        D,
                        hdrOff + OID.length),
                new Case(Rule.PDU_TOO_LARGE, keepalive, D.withMaxPduSize(64), 0),
                // definite lengths only: a skipped extension is not descended, so only a known structure can go deep
                new Case(
                        Rule.DEPTH_EXCEEDED,
                        keepalive,
                        D.withMaxDepth(2),
                        26), // communicationIdentifier.networkIdentifier
                new Case(Rule.TOO_MANY_ELEMENTS, keepalive, D.withMaxElements(5), 24),
                new Case(Rule.TRAILING_BYTES, cat(keepalive, h("00")), D, keepalive.length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRuleIsReportedWithItsOffset(Case c) {
        MalformedPduException e =
                assertThrows(MalformedPduException.class, () -> new PsPduDecoder(c.limits()).decode(c.input()));
        assertEquals(c.rule(), e.rule(), e.getMessage());
        assertEquals(c.offset(), e.offset(), e.getMessage());
    }

    @Test
    void everyRuleHasACase() {
        Set<Rule> covered =
                cases().stream().map(Case::rule).collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
        assertEquals(EnumSet.allOf(Rule.class), covered);
    }

    @Test
    void offsetsAreRelativeToTheSliceStart() {
        byte[] bad = Vectors.load("bad-truncated.ber");
        MalformedPduException e = assertThrows(
                MalformedPduException.class, () -> PsPduDecoder.DEFAULT.decode(bad, 163, bad.length - 163));
        assertEquals(0, e.offset());
        assertEquals(163, e.rebase(163).offset());
    }

    @Test
    void localTimeWithoutZoneAndNegativeIntegersAreRejected() {
        byte[] local = pdu(KEEPALIVE, OID, LIID, COMM, SEQ, t(0x85, a("20261125120001.5")));
        assertEquals(
                Rule.BAD_TIME,
                assertThrows(MalformedPduException.class, () -> PsPduDecoder.DEFAULT.decode(local))
                        .rule());
        byte[] negative = pdu(KEEPALIVE, OID, LIID, COMM, h("8401ff"));
        assertEquals(
                Rule.INTEGER_OUT_OF_RANGE,
                assertThrows(MalformedPduException.class, () -> PsPduDecoder.DEFAULT.decode(negative))
                        .rule());
    }

    @Test
    void timeZoneOffsetsAreAcceptedAsBer() throws Exception {
        byte[] withOffset = pdu(KEEPALIVE, OID, LIID, COMM, SEQ, t(0x85, a("20261126010001+1300")));
        assertEquals(
                java.time.Instant.parse("2026-11-25T12:00:01Z"),
                PsPduDecoder.DEFAULT.decode(withOffset).header().timeStamp());
    }
}
