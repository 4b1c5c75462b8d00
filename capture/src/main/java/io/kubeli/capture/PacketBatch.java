package io.kubeli.capture;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A batch of packets handed to {@link PacketConsumer#onBatch} on a capture thread. Packet {@code i}
 * occupies {@code segment()[offset(i), offset(i) + capturedLength(i))}; the segment is a view into the
 * ring, mapped file or thread buffer and is valid only during the callback. One instance per thread,
 * reused for every batch: sources fill it with {@link #reset} and {@link #add} (no allocation per packet).
 */
public final class PacketBatch {
    private final int threadIndex;
    private MemorySegment segment = MemorySegment.NULL;
    private int size;
    private long[] offsets;
    private long[] timestamps;
    private int[] capturedLengths;
    private int[] wireLengths;
    private int[] linkTypes;

    public PacketBatch(int threadIndex, int initialCapacity) {
        this.threadIndex = threadIndex;
        int c = Math.max(16, initialCapacity);
        offsets = new long[c];
        timestamps = new long[c];
        capturedLengths = new int[c];
        wireLengths = new int[c];
        linkTypes = new int[c];
    }

    /** Index of the capture thread delivering this batch. */
    public int threadIndex() {
        return threadIndex;
    }

    /** Number of packets in the batch. */
    public int size() {
        return size;
    }

    /** Capture time of packet i in nanoseconds since the epoch (0 where the format has none). */
    public long timestampNanos(int i) {
        return timestamps[check(i)];
    }

    /** Length of packet i on the wire. */
    public int wireLength(int i) {
        return wireLengths[check(i)];
    }

    /** Bytes of packet i present in {@link #segment()} (&lt;= wireLength when truncated by snaplen). */
    public int capturedLength(int i) {
        return capturedLengths[check(i)];
    }

    /** Link-layer type of packet i, see {@link LinkTypes}. */
    public int linkType(int i) {
        return linkTypes[check(i)];
    }

    /** Offset of packet i's first byte in {@link #segment()}. */
    public long offset(int i) {
        return offsets[check(i)];
    }

    /** The memory holding the packets (ring, mapping or buffer); valid only during the callback. */
    public MemorySegment segment() {
        return segment;
    }

    /** A slice over packet i (allocates a small view object; hot paths should use segment()+offset()). */
    public MemorySegment packet(int i) {
        return segment.asSlice(offsets[check(i)], capturedLengths[i]);
    }

    /** A copy of packet i's captured bytes (for tests and tools; allocates). */
    public byte[] copyPacket(int i) {
        return packet(i).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Sum of the wire lengths of all packets in the batch. */
    public long wireBytes() {
        long s = 0;
        for (int i = 0; i < size; i++) {
            s += wireLengths[i];
        }
        return s;
    }

    /** Producer side: empties the batch and sets the memory its packets live in. */
    public void reset(MemorySegment memory) {
        this.segment = memory;
        this.size = 0;
    }

    /** Producer side: appends one packet (grows the arrays only when a batch exceeds all previous ones). */
    public void add(long offset, int capturedLength, int wireLength, long timestampNanos, int linkType) {
        int n = size;
        if (n == offsets.length) {
            grow();
        }
        offsets[n] = offset;
        capturedLengths[n] = capturedLength;
        wireLengths[n] = wireLength;
        timestamps[n] = timestampNanos;
        linkTypes[n] = linkType;
        size = n + 1;
    }

    /** Current array capacity. */
    public int capacity() {
        return offsets.length;
    }

    private void grow() {
        int c = offsets.length * 2;
        offsets = Arrays.copyOf(offsets, c);
        timestamps = Arrays.copyOf(timestamps, c);
        capturedLengths = Arrays.copyOf(capturedLengths, c);
        wireLengths = Arrays.copyOf(wireLengths, c);
        linkTypes = Arrays.copyOf(linkTypes, c);
    }

    private int check(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException("packet " + i + " of batch size " + size);
        }
        return i;
    }
}
