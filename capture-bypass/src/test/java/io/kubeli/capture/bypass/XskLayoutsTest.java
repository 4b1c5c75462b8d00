package io.kubeli.capture.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.capture.CaptureException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The libxdp/kernel structure layouts match their C definitions, and a ring struct that does not is refused. */
class XskLayoutsTest {
    @Test
    void layoutsHaveTheCSizesAndOffsets() {
        assertEquals(48, XskLayouts.RING.byteSize());
        assertEquals(8, XskLayouts.RING_MASK);
        assertEquals(12, XskLayouts.RING_SIZE);
        assertEquals(16, XskLayouts.RING_PRODUCER);
        assertEquals(24, XskLayouts.RING_CONSUMER);
        assertEquals(32, XskLayouts.RING_RING);
        assertEquals(40, XskLayouts.RING_FLAGS);
        assertEquals(20, XskLayouts.UMEM_CONFIG.byteSize());
        assertEquals(20, XskLayouts.SOCKET_CONFIG.byteSize());
        assertEquals(
                16,
                XskLayouts.SOCKET_CONFIG.byteOffset(
                        java.lang.foreign.MemoryLayout.PathElement.groupElement("bind_flags")));
        assertEquals(16, XskLayouts.DESC_SIZE);
        assertEquals(8, XskLayouts.DESC_LEN);
        assertEquals(48, XskLayouts.STATISTICS.byteSize());
        assertEquals(128, XskLayouts.MMAP_OFFSETS.byteSize());
    }

    /** A fake mmap area and a ring struct pointing into it the way libxdp does; {@code shift} misplaces the fields. */
    private static void check(Arena a, long shift, int size, int mask) {
        MemorySegment area = a.allocate(4096, 64);
        MemorySegment off = a.allocate(XskLayouts.MMAP_OFFSETS);
        long rx = 0; // "rx" first in xdp_mmap_offsets
        off.set(ValueLayout.JAVA_LONG, rx, 0); // producer
        off.set(ValueLayout.JAVA_LONG, rx + 8, 64); // consumer
        off.set(ValueLayout.JAVA_LONG, rx + 16, 256); // desc
        off.set(ValueLayout.JAVA_LONG, rx + 24, 128); // flags
        MemorySegment ring = a.allocate(XskLayouts.RING.byteSize() + 16, 8);
        ring.set(ValueLayout.JAVA_INT, XskLayouts.RING_MASK, mask);
        ring.set(ValueLayout.JAVA_INT, XskLayouts.RING_SIZE, size);
        ring.set(ValueLayout.ADDRESS, XskLayouts.RING_PRODUCER + shift, area);
        ring.set(ValueLayout.ADDRESS, XskLayouts.RING_CONSUMER + shift, area.asSlice(64));
        ring.set(ValueLayout.ADDRESS, XskLayouts.RING_RING + shift, area.asSlice(256));
        ring.set(ValueLayout.ADDRESS, XskLayouts.RING_FLAGS + shift, area.asSlice(128));
        XskLayouts.verify(ring, "rx", 1024, off);
    }

    @Test
    void aMatchingRingStructIsAccepted() {
        try (Arena a = Arena.ofConfined()) {
            check(a, 0, 1024, 1023);
        }
    }

    @Test
    void aLibxdpWithAnotherRingLayoutStopsWithOneLine() {
        try (Arena a = Arena.ofConfined()) {
            // a libxdp that added a word before the pointers: every pointer read at our offsets is wrong
            CaptureException e = assertThrows(CaptureException.class, () -> check(a, 8, 1024, 1023));
            assertTrue(
                    e.getMessage().contains("does not match the layout")
                            && !e.getMessage().contains("\n"),
                    e.getMessage());
            // a ring of another size than asked for (the mask/size words moved)
            e = assertThrows(CaptureException.class, () -> check(a, 0, 2048, 2047));
            assertTrue(e.getMessage().contains("size 2048/1024"), e.getMessage());
        }
    }
}
