package io.kubeli.etsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random mutations and truncations of valid PDUs: decoder, inspector and splitters either succeed or raise
 * {@link MalformedPduException} — any other exception fails the property.
 */
class MutationPropertyTest {
    private static final List<byte[]> SEEDS = seeds();

    private static List<byte[]> seeds() {
        List<byte[]> s = new ArrayList<>();
        for (String v : new String[] {
            "ipcc-udp.ber",
            "ipiri-accept.ber",
            "ipmmcc-rtp.ber",
            "keepalive.ber",
            "openli-ipcc.ber",
            "openli-ipiri.ber",
            "openli-keepalive.ber"
        }) {
            s.add(Vectors.load(v));
        }
        for (PsPdu p : Samples.all()) s.add(ReferenceEncoder.encode(p));
        s.add(ReferenceEncoder.encode(
                Pdus.ipcc(Samples.MICRO, 5, Instant.EPOCH, Direction.FROM_TARGET, new byte[200])));
        return s;
    }

    private static final long SEED = 20261126L;
    private static final int TRIES = 3000;

    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int n = 1 + r.nextInt(4);
        for (int k = 0; k < n && b.length > 0; k++) {
            int pos = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[pos] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[pos] = (byte) r.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, pos);
                case 3 -> { // delete a range
                    int len = Math.min(b.length - pos, 1 + r.nextInt(8));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, pos);
                    System.arraycopy(b, pos + len, c, pos, b.length - pos - len);
                    b = c;
                }
                case 4 -> { // insert random bytes
                    byte[] ins = new byte[1 + r.nextInt(4)];
                    r.nextBytes(ins);
                    b = Tlvs.cat(Arrays.copyOf(b, pos), ins, Arrays.copyOfRange(b, pos, b.length));
                }
                case 5 -> b[pos] = (byte) (0x80 | r.nextInt(5)); // plausible length/tag octets
                default -> b[pos] = (byte) (b[pos] + (r.nextBoolean() ? 1 : -1)); // off-by-one lengths
            }
        }
        return b;
    }

    @Test
    void mutatedInputOnlyRaisesTheTypedException() {
        Random r = new Random(SEED);
        for (int i = 0; i < TRIES; i++) {
            byte[] b = mutate(SEEDS.get(r.nextInt(SEEDS.size())), new Random(r.nextLong()));
            try {
                check(b);
            } catch (AssertionError | RuntimeException | MalformedPduException e) {
                throw new AssertionError(
                        "try " + i + " (seed " + SEED + "): input "
                                + java.util.HexFormat.of().formatHex(b),
                        e);
            }
        }
    }

    private static void check(byte[] b) throws MalformedPduException {
        PsPdu pdu = null;
        try {
            pdu = PsPduDecoder.DEFAULT.decode(b);
        } catch (MalformedPduException expected) {
            // the only allowed failure
        }
        if (pdu != null) {
            // whatever decodes can be printed and encoded again, and that encoding decodes to the same value
            // (unknown extensions outside the header are not re-emitted, so compare without them)
            PduJson.toJson(pdu);
            PsPdu again = PsPduDecoder.DEFAULT.decode(ReferenceEncoder.encode(pdu));
            assertEquals(pdu.payload(), again.payload());
            assertEquals(
                    pdu.header().withUnknownFields(List.of()), again.header().withUnknownFields(List.of()));
        }
        try {
            PduInspector.inspect(b, 0, b.length);
        } catch (MalformedPduException expected) {
            // allowed
        }
        try {
            PduSplitter.pduLength(b, 0, b.length);
        } catch (MalformedPduException expected) {
            // allowed
        }
        List<byte[]> out = new ArrayList<>();
        PduStreamSplitter s = PduStreamSplitter.copying(DecodeLimits.DEFAULT, out::add);
        try {
            s.feed(b, 0, b.length);
            s.finish();
        } catch (MalformedPduException expected) {
            // allowed
        }
    }
}
