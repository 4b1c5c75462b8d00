package io.kubeli.capture.bypass;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.kubeli.capture.CaptureException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The libxdp (xsk.h) and kernel (if_xdp.h) structures XdpSource reads and writes, as memory layouts; {@link #verify}
 * checks a ring struct libxdp filled against the kernel's own mmap offsets, so a libxdp layout change stops start-up
 * with one line instead of reading the wrong words.
 */
final class XskLayouts {
    /** struct xsk_ring_prod / xsk_ring_cons (DEFINE_XSK_RING in xsk.h): cached indices, mask, size, pointers. */
    static final StructLayout RING = MemoryLayout.structLayout(
                    JAVA_INT.withName("cached_prod"),
                    JAVA_INT.withName("cached_cons"),
                    JAVA_INT.withName("mask"),
                    JAVA_INT.withName("size"),
                    ADDRESS.withName("producer"),
                    ADDRESS.withName("consumer"),
                    ADDRESS.withName("ring"),
                    ADDRESS.withName("flags"))
            .withName("xsk_ring");
    /** struct xsk_umem_config. */
    static final StructLayout UMEM_CONFIG = MemoryLayout.structLayout(
                    JAVA_INT.withName("fill_size"),
                    JAVA_INT.withName("comp_size"),
                    JAVA_INT.withName("frame_size"),
                    JAVA_INT.withName("frame_headroom"),
                    JAVA_INT.withName("flags"))
            .withName("xsk_umem_config");
    /** struct xsk_socket_config (libxdp: libxdp_flags in the union with libbpf_flags). */
    static final StructLayout SOCKET_CONFIG = MemoryLayout.structLayout(
                    JAVA_INT.withName("rx_size"),
                    JAVA_INT.withName("tx_size"),
                    JAVA_INT.withName("libxdp_flags"),
                    JAVA_INT.withName("xdp_flags"),
                    JAVA_SHORT.withName("bind_flags"),
                    MemoryLayout.paddingLayout(2))
            .withName("xsk_socket_config");
    /** struct xdp_desc: one RX/TX ring entry. */
    static final StructLayout DESC = MemoryLayout.structLayout(
                    JAVA_LONG.withName("addr"), JAVA_INT.withName("len"), JAVA_INT.withName("options"))
            .withName("xdp_desc");
    /** struct xdp_statistics (getsockopt XDP_STATISTICS). */
    static final StructLayout STATISTICS = MemoryLayout.structLayout(
                    JAVA_LONG.withName("rx_dropped"), JAVA_LONG.withName("rx_invalid_descs"),
                    JAVA_LONG.withName("tx_invalid_descs"), JAVA_LONG.withName("rx_ring_full"),
                    JAVA_LONG.withName("rx_fill_ring_empty_descs"), JAVA_LONG.withName("tx_ring_empty_descs"))
            .withName("xdp_statistics");
    /** struct xdp_ring_offset. */
    static final StructLayout RING_OFFSET = MemoryLayout.structLayout(
                    JAVA_LONG.withName("producer"),
                    JAVA_LONG.withName("consumer"),
                    JAVA_LONG.withName("desc"),
                    JAVA_LONG.withName("flags"))
            .withName("xdp_ring_offset");
    /** struct xdp_mmap_offsets (getsockopt XDP_MMAP_OFFSETS): rx, tx, fill and completion rings. */
    static final StructLayout MMAP_OFFSETS = MemoryLayout.structLayout(
                    RING_OFFSET.withName("rx"),
                    RING_OFFSET.withName("tx"),
                    RING_OFFSET.withName("fr"),
                    RING_OFFSET.withName("cr"))
            .withName("xdp_mmap_offsets");

    static final int XDP_MMAP_OFFSETS = 1;

    static final long RING_MASK = RING.byteOffset(groupElement("mask"));
    static final long RING_SIZE = RING.byteOffset(groupElement("size"));
    static final long RING_PRODUCER = RING.byteOffset(groupElement("producer"));
    static final long RING_CONSUMER = RING.byteOffset(groupElement("consumer"));
    static final long RING_RING = RING.byteOffset(groupElement("ring"));
    static final long RING_FLAGS = RING.byteOffset(groupElement("flags"));
    static final long DESC_ADDR = DESC.byteOffset(groupElement("addr"));
    static final long DESC_LEN = DESC.byteOffset(groupElement("len"));
    static final long DESC_SIZE = DESC.byteSize();
    /** Fill and completion ring entries: one u64 UMEM address each. */
    static final long ADDR_SIZE = JAVA_LONG.byteSize();

    private XskLayouts() {}

    /** Sets an int field of {@code layout} in {@code s}. */
    static void setInt(MemorySegment s, StructLayout layout, String field, int v) {
        s.set(JAVA_INT, layout.byteOffset(groupElement(field)), v);
    }

    /** Sets a short field of {@code layout} in {@code s}. */
    static void setShort(MemorySegment s, StructLayout layout, String field, short v) {
        s.set(JAVA_SHORT, layout.byteOffset(groupElement(field)), v);
    }

    /** Pointer field {@code offset} of ring struct {@code ring}, as a segment of {@code size} bytes. */
    static MemorySegment ptr(MemorySegment ring, long offset, long size) {
        return ring.get(ValueLayout.ADDRESS, offset).reinterpret(size);
    }

    /**
     * Checks ring struct {@code ring} (filled by libxdp) against what the kernel says: {@code size} entries, mask
     * size-1, and its consumer, descriptor and flags pointers at the kernel's offsets from its producer pointer
     * ({@code which} is "rx" or "fr" in {@code offsets}, an {@link #MMAP_OFFSETS} struct). Throws one line otherwise.
     */
    static void verify(MemorySegment ring, String which, int size, MemorySegment offsets) {
        int gotSize = ring.get(JAVA_INT, RING_SIZE);
        int gotMask = ring.get(JAVA_INT, RING_MASK);
        long prod = ring.get(ADDRESS, RING_PRODUCER).address();
        long[] want = new long[3];
        long base = MMAP_OFFSETS.byteOffset(groupElement(which));
        long kProd = offsets.get(JAVA_LONG, base + RING_OFFSET.byteOffset(groupElement("producer")));
        want[0] = offsets.get(JAVA_LONG, base + RING_OFFSET.byteOffset(groupElement("consumer"))) - kProd;
        want[1] = offsets.get(JAVA_LONG, base + RING_OFFSET.byteOffset(groupElement("desc"))) - kProd;
        want[2] = offsets.get(JAVA_LONG, base + RING_OFFSET.byteOffset(groupElement("flags"))) - kProd;
        long[] got = {
            ring.get(ADDRESS, RING_CONSUMER).address() - prod,
            ring.get(ADDRESS, RING_RING).address() - prod,
            ring.get(ADDRESS, RING_FLAGS).address() - prod
        };
        if (gotSize != size || gotMask != size - 1 || prod == 0 || !java.util.Arrays.equals(want, got)) {
            throw new CaptureException("xdp: libxdp's " + which + " ring struct does not match the layout KubeLI reads"
                    + " (size " + gotSize + "/" + size + ", mask " + gotMask + ", consumer/desc/flags at "
                    + java.util.Arrays.toString(got) + " from the producer, kernel says "
                    + java.util.Arrays.toString(want)
                    + "): unsupported libxdp version");
        }
    }
}
