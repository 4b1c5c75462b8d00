package io.kubeli.etsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The fast IPCC path: bounds, ranges, and no allocation per record. */
class IpccTemplateTest {
    private static final byte[] PACKET =
            Arrays.copyOf(Tlvs.h("450000211234400040113c61c0000201c63364029c400035000d335568656c6c6f"), 100);

    @Test
    void reproducesTheOpenliIpccRecordUpToItsNonDerTimeAndLength() throws Exception {
        // OpenLI's IPCC vector, built by the fast path from collector parameters: same value when decoded
        byte[] openli = Vectors.load("openli-ipcc.ber");
        PsPdu expected = PsPduDecoder.DEFAULT.decode(openli);
        HeaderParams p = new HeaderParams(
                Profile.OPENLI, "LIID0001", "NZ", "TESTOP", "coll01", 77L, "NZ", TimestampFormat.GENERALIZED, "ip01");
        byte[] packet = ((CcContents.Ipcc)
                        ((Payload.Cc) expected.payload()).payloads().getFirst().contents())
                .packet()
                .toByteArray();
        Instant t = expected.header().timeStamp();
        IpccTemplate tpl = IpccTemplate.of(p);
        byte[] out = new byte[tpl.maxEncodedLength(packet.length)];
        long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        int n = tpl.encode(out, 0, 0, nanos, Direction.TO_TARGET, packet, 0, packet.length);
        assertEquals(expected, PsPduDecoder.DEFAULT.decode(out, 0, n));
        // DER: ".03Z" instead of OpenLI's ".030Z" and "81 8f" instead of "82 00 8f": two bytes less
        assertEquals(openli.length - 2, n);
    }

    @Test
    void tooSmallOutputBufferThrowsIndexOutOfBounds() {
        IpccTemplate tpl = IpccTemplate.of(Samples.FULL);
        byte[] out = new byte[50];
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> tpl.encode(out, 0, 1, 0, Direction.FROM_TARGET, PACKET, 0, PACKET.length));
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> tpl.encode(new byte[1000], 0, 1, 0, Direction.FROM_TARGET, PACKET, 90, 20));
    }

    @Test
    void sequenceNumbersOutsideTheAsn1RangeAreRejected() {
        IpccTemplate tpl = IpccTemplate.of(Samples.FULL);
        byte[] out = new byte[1000];
        assertThrows(
                IllegalArgumentException.class, () -> tpl.encode(out, 0, -1, 0, Direction.FROM_TARGET, PACKET, 0, 10));
        assertThrows(
                IllegalArgumentException.class,
                () -> tpl.encode(out, 0, 1L << 32, 0, Direction.FROM_TARGET, PACKET, 0, 10));
    }

    @Test
    void encodingAllocatesNothingPerRecord() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        IpccTemplate gen = IpccTemplate.of(Samples.FULL);
        IpccTemplate micro = IpccTemplate.of(Samples.MICRO);
        byte[] out = new byte[gen.maxEncodedLength(PACKET.length)];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(PACKET.length);
            MemorySegment.copy(PACKET, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, PACKET.length);
            long sink = 0;
            for (int round = 0; round < 2; round++) { // round 0 warms up (JIT), round 1 measures
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200_000; i++) {
                    sink += gen.encode(
                            out,
                            0,
                            i,
                            1_795_608_000_000_000_000L + i * 1_000_003L,
                            Direction.FROM_TARGET,
                            PACKET,
                            0,
                            100);
                    sink += micro.encode(
                            out, 0, i, 1_795_608_000_000_000_000L + i * 1_000_003L, Direction.TO_TARGET, seg, 0, 100);
                }
                long allocated = mx.getCurrentThreadAllocatedBytes() - before;
                if (round == 1) assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 400k records");
            }
            assertTrue(sink > 0);
        }
    }

    @Test
    void sameBytesAsTheReferenceForAVectorLikeRecord() throws Exception {
        HeaderParams p = Samples.FULL;
        long nanos = 1_795_608_000_500_000_000L;
        byte[] reference = ReferenceEncoder.encode(Pdus.ipcc(p, 7, nanos, Direction.FROM_TARGET, PACKET));
        IpccTemplate tpl = IpccTemplate.of(p);
        byte[] out = new byte[tpl.maxEncodedLength(PACKET.length)];
        int n = tpl.encode(out, 0, 7, nanos, Direction.FROM_TARGET, PACKET, 0, PACKET.length);
        assertArrayEquals(reference, Arrays.copyOf(out, n));
    }

    /** IPMMCC of RTP (issue 15): byte-identical to the reference encoder for every length form and both clocks. */
    @Test
    void ipmmccSameBytesAsTheReference() throws Exception {
        long nanos = 1_795_608_000_500_123_456L;
        for (HeaderParams p : new HeaderParams[] {Samples.FULL, Samples.MICRO}) {
            IpccTemplate tpl = IpccTemplate.ipmmcc(p);
            for (int len : new int[] {0, 1, 100, 127, 128, 172, 255, 256, 1500, 65_535}) {
                byte[] packet = new byte[len];
                for (int i = 0; i < len; i++) {
                    packet[i] = (byte) (i * 7);
                }
                for (Direction d : new Direction[] {Direction.FROM_TARGET, Direction.TO_TARGET}) {
                    byte[] reference = ReferenceEncoder.encode(Pdus.ipmmcc(p, 4_000_000_000L + len, nanos, d, packet));
                    byte[] out = new byte[tpl.maxEncodedLength(len) + 3];
                    int n = tpl.encode(out, 3, 4_000_000_000L + len, nanos, d, packet, 0, len);
                    assertArrayEquals(reference, Arrays.copyOfRange(out, 3, 3 + n), "length " + len);
                    PsPdu back = PsPduDecoder.DEFAULT.decode(reference);
                    assertTrue(back.payload() instanceof Payload.Cc);
                }
            }
        }
    }
}
