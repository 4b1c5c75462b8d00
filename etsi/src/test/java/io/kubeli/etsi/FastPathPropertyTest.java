package io.kubeli.etsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** The fast template path writes exactly the bytes of the reference encoder, over random inputs. */
class FastPathPropertyTest {

    /** First half of the header parameters (jqwik combines at most 8 arbitraries at once). */
    record Ids(Profile profile, String liid, String acc, String op, String ne, Long cin) {
    }

    @Provide
    Arbitrary<HeaderParams> params() {
        Arbitrary<String> printable2 = Arbitraries.strings().withCharRange('A', 'Z').ofLength(2);
        Arbitrary<Ids> ids = Combinators.combine(
                Arbitraries.of(Profile.LATEST, Profile.OPENLI, new Profile(200, 128, 1000)),
                Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(25),
                printable2.injectNull(0.3),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(16),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(16).injectNull(0.3),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).injectNull(0.2)).as(Ids::new);
        return Combinators.combine(ids, printable2.injectNull(0.3), Arbitraries.of(TimestampFormat.class),
                        Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(8).injectNull(0.3),
                        Arbitraries.of(TimeStampQualifier.class).injectNull(0.3))
                .as((i, dcc, fmt, ipid, q) -> new HeaderParams(i.profile(), i.liid(), i.acc(), i.op(), i.ne(), i.cin(), dcc,
                        fmt, ipid, q));
    }

    @Provide
    Arbitrary<byte[]> packets() {
        Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
        Arbitrary<byte[]> large = Arbitraries.bytes().array(byte[].class).ofMinSize(60_000).ofMaxSize(70_000);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, small), net.jqwik.api.Tuple.of(1, large));
    }

    @Property(tries = 400)
    void fastPathIsByteIdenticalToTheReference(@ForAll("params") HeaderParams p,
                                               @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long seq,
                                               @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long nanos,
                                               @ForAll Direction dir, @ForAll("packets") byte[] packet) throws Exception {
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
