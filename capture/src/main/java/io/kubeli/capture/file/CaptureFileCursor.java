package io.kubeli.capture.file;

import io.kubeli.capture.CaptureFormatException;
import io.kubeli.capture.PacketBatch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Walks the records of one mapped capture file and fills batches with views into the mapping. */
abstract sealed class CaptureFileCursor permits ClassicPcapCursor, PcapNgCursor {
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    final String name;
    final MemorySegment seg;
    final long end;
    /** The file's byte order is not little-endian. */
    boolean swap;
    /** Byte offset of the next record. */
    long pos;
    /** A format error found after good packets of the same batch: thrown by the next fill, after they went out. */
    CaptureFormatException pending;

    CaptureFileCursor(String name, MemorySegment seg) {
        this.name = name;
        this.seg = seg;
        this.end = seg.byteSize();
    }

    /** Positions at the first record (again). */
    abstract void rewind();

    /** Adds up to {@code max} packets from {@link #pos} to {@code batch}, advancing pos; returns how many. */
    abstract int read(PacketBatch batch, int max);

    /** Resets {@code batch} and adds up to {@code max} packets; returns 0 at end of file. */
    final int fill(PacketBatch batch, int max) {
        batch.reset(seg);
        CaptureFormatException p = pending;
        if (p != null) {
            pending = null;
            throw p;
        }
        try {
            return read(batch, max);
        } catch (CaptureFormatException e) {
            pos = end;
            if (batch.size() == 0) {
                throw e;
            }
            pending = e; // deliver what was read before the error first
            return batch.size();
        }
    }

    /** Byte offset of the next record. */
    final long position() {
        return pos;
    }

    final int i32(long off) {
        int v = seg.get(INT, off);
        return swap ? Integer.reverseBytes(v) : v;
    }

    final int u16(long off) {
        short v = seg.get(SHORT, off);
        return (swap ? Short.reverseBytes(v) : v) & 0xffff;
    }
}
