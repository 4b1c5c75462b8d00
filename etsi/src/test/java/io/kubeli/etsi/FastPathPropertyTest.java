package io.kubeli.etsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The fast template path writes exactly the bytes of the reference encoder, over random inputs. */
class FastPathPropertyTest {

    private static final long SEED = 20261126L;
    private static final int TRIES = 400;

    private static final Profile[] PROFILES = {Profile.LATEST, Profile.OPENLI, new Profile(200, 128, 1000)};

    /** A string of length in [min, max] over the given alphabet. */
    private static String string(Random r, String alphabet, int min, int max) {
        char[] c = new char[min + r.nextInt(max - min + 1)];
        for (int i = 0; i < c.length; i++) c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
        return new String(c);
    }

    private static <T> T orNull(Random r, double pNull, Supplier<T> v) {
        return r.nextDouble() < pNull ? null : v.get();
    }

    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String ALNUM = UPPER + "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String ASCII;

    static {
        StringBuilder sb = new StringBuilder();
        for (char ch = 0; ch < 128; ch++) sb.append(ch);
        ASCII = sb.toString();
    }

    static HeaderParams params(Random r) {
        return new HeaderParams(
                PROFILES[r.nextInt(PROFILES.length)],
                string(r, ASCII, 1, 25),
                orNull(r, 0.3, () -> string(r, UPPER, 2, 2)),
                string(r, ALNUM, 1, 16),
                orNull(r, 0.3, () -> string(r, UPPER + UPPER.toLowerCase(), 1, 16)),
                orNull(r, 0.2, () -> r.nextLong(0, 0x1_0000_0000L)),
                orNull(r, 0.3, () -> string(r, UPPER, 2, 2)),
                TimestampFormat.values()[r.nextInt(TimestampFormat.values().length)],
                orNull(r, 0.3, () -> string(r, "abcdefghijklmnopqrstuvwxyz0123456789", 1, 8)),
                orNull(r, 0.3, () -> TimeStampQualifier.values()[r.nextInt(TimeStampQualifier.values().length)]));
    }

    /** Mostly small packets (0..300 bytes), one in thirteen large (60..70 kB). */
    static byte[] packet(Random r) {
        byte[] b = r.nextInt(13) == 0 ? new byte[60_000 + r.nextInt(10_001)] : new byte[r.nextInt(301)];
        r.nextBytes(b);
        return b;
    }

    @Test
    void fastPathIsByteIdenticalToTheReferenceOverSeededRandomInputs() throws Exception {
        Random r = new Random(SEED);
        for (int i = 0; i < TRIES; i++) {
            HeaderParams p = params(r);
            long seq = r.nextLong(0, 0x1_0000_0000L);
            long nanos = r.nextLong(0, Long.MAX_VALUE);
            Direction dir = Direction.values()[r.nextInt(Direction.values().length)];
            byte[] packet = packet(r);
            try {
                check(p, seq, nanos, dir, packet);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "try " + i + " (seed " + SEED + "): " + p + " seq=" + seq + " nanos=" + nanos + " dir=" + dir
                                + " packet=" + packet.length + " bytes",
                        e);
            }
        }
    }

    private static void check(HeaderParams p, long seq, long nanos, Direction dir, byte[] packet) throws Exception {
        byte[] reference = ReferenceEncoder.encode(Pdus.ipcc(p, seq, nanos, dir, packet));
        IpccTemplate t = IpccTemplate.of(p);
        assertTrue(reference.length <= t.maxEncodedLength(packet.length));

        byte[] out = new byte[t.maxEncodedLength(packet.length) + 7];
        int n = t.encode(out, 7, seq, nanos, dir, packet, 0, packet.length);
        assertEquals(reference.length, n);
        assertArrayEquals(reference, Arrays.copyOfRange(out, 7, 7 + n));

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(packet.length + 3);
            MemorySegment.copy(packet, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 3, packet.length);
            byte[] out2 = new byte[n];
            assertEquals(n, t.encode(out2, 0, seq, nanos, dir, seg, 3, packet.length));
            assertArrayEquals(reference, out2);
        }
        // and what the fast path writes decodes to the value it was built from
        assertEquals(Pdus.ipcc(p, seq, nanos, dir, packet), PsPduDecoder.DEFAULT.decode(reference));
    }
}
