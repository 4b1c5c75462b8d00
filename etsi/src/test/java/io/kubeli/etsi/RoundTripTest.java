package io.kubeli.etsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Encode → decode → equal value and identical bytes, for every record type. */
class RoundTripTest {

    static List<PsPdu> samples() {
        return Samples.all();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void decodeOfEncodeIsTheSameValue(PsPdu pdu) throws Exception {
        byte[] wire = ReferenceEncoder.encode(pdu);
        PsPdu back = PsPduDecoder.DEFAULT.decode(wire);
        assertEquals(pdu, back);
        assertArrayEquals(wire, ReferenceEncoder.encode(back));
        // the OpenLI-style outer length decodes to the same value too
        assertEquals(
                pdu, PsPduDecoder.DEFAULT.decode(ReferenceEncoder.encode(pdu, new ReferenceEncoder.Options(4, false))));
    }

    @Test
    void unknownFieldsOutsideTheHeaderAreRecordedWithTheirPath() throws Exception {
        // CCPayload with microSecondTimeStamp [3] and timeStampQualifier [4], which this codec does not model
        PsPdu base = Pdus.ipcc(
                Samples.FULL, 3, Instant.parse("2026-11-25T12:00:00Z"), Direction.FROM_TARGET, new byte[] {0x45});
        byte[] wire = ReferenceEncoder.encode(base);
        String hex = java.util.HexFormat.of().formatHex(wire);
        // append [4] timeStampQualifier inside the CCPayload: patch lengths of 30, A1, A2 and the outer PDU
        byte[] ext = {(byte) 0x84, 1, 1};
        byte[] patched = insertIntoCcPayload(wire, ext);
        PsPdu back = PsPduDecoder.DEFAULT.decode(patched);
        assertEquals(
                List.of(new UnknownField("payload.cc[0]", 2, 4, false, Octets.hex("01"))),
                back.header().unknownFields());
        assertEquals(((Payload.Cc) base.payload()).payloads(), ((Payload.Cc) back.payload()).payloads());
        assertEquals(hex.length() / 2 + 3, patched.length);
    }

    /** Appends bytes at the end of the (only) CCPayload of a small DER IPCC PDU, fixing the short-form lengths. */
    private static byte[] insertIntoCcPayload(byte[] wire, byte[] ext) {
        // walk: 30 L A1 L1 ... A2 L2 A1 L3 30 L4 ...
        int p = 2 + 2 + (wire[3] & 0xFF); // start of payload A2
        int[] lenPositions = {1, p + 1, p + 3, p + 5};
        byte[] out = new byte[wire.length + ext.length];
        System.arraycopy(wire, 0, out, 0, wire.length);
        System.arraycopy(ext, 0, out, wire.length, ext.length);
        for (int lp : lenPositions) out[lp] = (byte) ((out[lp] & 0xFF) + ext.length);
        return out;
    }

    @Test
    void headerParamsRejectOutOfRangeValues() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new HeaderParams(
                        Profile.LATEST,
                        "x".repeat(26),
                        null,
                        "op",
                        null,
                        null,
                        null,
                        TimestampFormat.GENERALIZED,
                        null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new HeaderParams(
                        Profile.LATEST, "L", "GBR", "op", null, null, null, TimestampFormat.GENERALIZED, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new HeaderParams(
                        Profile.LATEST, "L", null, "op", null, 1L << 32, null, TimestampFormat.GENERALIZED, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new HeaderParams(
                        Profile.LATEST, "L", null, "op", null, null, null, TimestampFormat.GENERALIZED, "ip_01"));
        assertThrows(IllegalArgumentException.class, () -> Profile.byName("v99"));
        assertEquals(Profile.OPENLI, Profile.byName("OpenLI"));
    }

    @Test
    void integersUseMinimalTwosComplement() throws Exception {
        HeaderParams p = Samples.FULL;
        byte[] seq128 = ReferenceEncoder.encode(Pdus.keepAlive(p, 128, Instant.EPOCH));
        byte[] seqMax = ReferenceEncoder.encode(Pdus.keepAlive(p, 4294967295L, Instant.EPOCH));
        String h128 = java.util.HexFormat.of().formatHex(seq128);
        String hMax = java.util.HexFormat.of().formatHex(seqMax);
        org.junit.jupiter.api.Assertions.assertTrue(h128.contains("84020080"), h128);
        org.junit.jupiter.api.Assertions.assertTrue(hMax.contains("840500ffffffff"), hMax);
    }
}
