package io.kubeli.capture.file;

import io.kubeli.capture.AbstractCaptureSource;
import io.kubeli.capture.CaptureException;
import io.kubeli.capture.CaptureFormatException;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Memory-mapped pcap/pcapng file source: one thread, batches are views into the mapping. Pages already read are
 * released from the mapping every {@link #RELEASE_BYTES} (they stay in the page cache), so the process's resident
 * memory stays bounded whatever the file size.
 */
public final class PcapFileSource extends AbstractCaptureSource {
    /** Bytes read between two releases of the pages behind the read position. */
    static final long RELEASE_BYTES = 8L << 20;

    private static final long PAGE = 4096;
    private final Arena arena;
    private final MemorySegment mapping;
    /** Start of the mapping's range still resident (capture thread); everything below it was released. */
    private long releasedTo;
    /** Bytes released so far (capture thread; for tests). */
    volatile long releasedBytes;

    private final CaptureFileCursor cursor;
    private final long loops;
    private final int batchSize;

    /** Maps {@code path}; {@code loops} passes over the file, {@code batchSize} packets per batch. */
    public PcapFileSource(String uri, Path path, long loops, int batchSize) {
        super(uri, 1, true);
        this.loops = loops;
        this.batchSize = batchSize;
        String name = path.toString();
        Arena a = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new CaptureFormatException(name, 0, "empty file");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, a);
            this.cursor = cursorFor(name, seg);
            this.mapping = seg;
        } catch (IOException e) {
            a.close();
            throw new CaptureException("cannot read capture file " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
        this.arena = a;
    }

    /** Chooses the reader from the first four bytes. */
    static CaptureFileCursor cursorFor(String name, MemorySegment seg) {
        if (seg.byteSize() < 4) {
            throw new CaptureFormatException(
                    name, 0, "file too short for a capture header (" + seg.byteSize() + " bytes)");
        }
        int m = seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (m == PcapNgCursor.SHB) {
            return new PcapNgCursor(name, seg);
        }
        int r = Integer.reverseBytes(m);
        if (m == ClassicPcapCursor.MAGIC_US
                || m == ClassicPcapCursor.MAGIC_NS
                || r == ClassicPcapCursor.MAGIC_US
                || r == ClassicPcapCursor.MAGIC_NS) {
            return new ClassicPcapCursor(name, seg);
        }
        throw new CaptureFormatException(name, 0, String.format("unknown capture file format (magic %08x)", m));
    }

    @Override
    protected int batchCapacity() {
        return batchSize;
    }

    @Override
    protected void runThread(int index, PacketConsumer consumer, PacketBatch batch) {
        long delivered = 0;
        try {
            for (long pass = 0; pass < loops && running(); pass++) {
                cursor.rewind();
                releasedTo = 0;
                while (running()) {
                    int n = cursor.fill(batch, batchSize);
                    if (n == 0) {
                        break;
                    }
                    deliver(index, consumer, batch);
                    delivered += n;
                    releaseBehind(cursor.position());
                }
            }
        } catch (CaptureFormatException e) {
            // the cursor hands out every packet before a format error, then the error itself
            throw e.afterDelivering(delivered);
        }
    }

    /**
     * Releases the pages below {@code position} once {@link #RELEASE_BYTES} accumulated: the consumer is done with
     * every delivered batch (it copies what it keeps), and the page holding {@code position} is kept for the next.
     */
    private void releaseBehind(long position) {
        long to = position & -PAGE;
        if (to - releasedTo >= RELEASE_BYTES) {
            mapping.asSlice(releasedTo, to - releasedTo)
                    .unload(); // madvise(MADV_DONTNEED): re-read from cache if touched
            releasedBytes += to - releasedTo;
            releasedTo = to;
        }
    }

    @Override
    protected void release() {
        arena.close();
    }
}
