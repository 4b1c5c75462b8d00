package io.kubeli.capture.file;

import io.kubeli.capture.PacketBatch;

/** Walks the records of one mapped capture file and fills batches with views into the mapping. */
sealed interface CaptureFileCursor permits ClassicPcapCursor, PcapNgCursor {
    /** Positions at the first record (again). */
    void rewind();

    /** Resets {@code batch} and adds up to {@code max} packets; returns 0 at end of file. */
    int fill(PacketBatch batch, int max);

    /** Byte offset of the next record. */
    long position();
}
