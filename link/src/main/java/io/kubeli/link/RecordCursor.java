package io.kubeli.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/** Buffered sequential reader of checksummed records in one segment file (recovery scan and log readers). */
final class RecordCursor {
    /** Result of {@link #next}: no complete record before the end of the data. */
    static final int END = -1;
    /** Result of {@link #next}: bad length or checksum. */
    static final int CORRUPT = -2;

    private final FileChannel ch;
    private final int maxRecordBytes;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buf;
    private long bufStart;
    private int bufLen;
    /** File position of the next record header. */
    long pos;
    /** Offset in {@link #array()} of the last payload returned. */
    int payloadOffset;

    RecordCursor(FileChannel ch, long pos, int maxRecordBytes, int bufferBytes) {
        this.ch = ch;
        this.pos = pos;
        this.maxRecordBytes = maxRecordBytes;
        this.buf = ByteBuffer.allocate(bufferBytes);
    }

    byte[] array() {
        return buf.array();
    }

    /** Reads the record at {@link #pos} (not beyond {@code limit}); advances on success, returns payload length. */
    int next(long limit) throws IOException {
        if (!ensure(RecordHeader.BYTES, limit)) {
            return END;
        }
        int off = (int) (pos - bufStart);
        ByteBuffer b = buf;
        int len = b.getInt(off);
        int sum = b.getInt(off + 4);
        if (len < 0 || len > maxRecordBytes) {
            return CORRUPT;
        }
        if (!ensure(RecordHeader.BYTES + len, limit)) {
            return pos + RecordHeader.BYTES + len > limit ? END : CORRUPT;
        }
        off = (int) (pos - bufStart);
        crc.reset();
        crc.update(buf.array(), off, 4);
        crc.update(buf.array(), off + RecordHeader.BYTES, len);
        if ((int) crc.getValue() != sum) {
            return CORRUPT;
        }
        payloadOffset = off + RecordHeader.BYTES;
        pos += RecordHeader.BYTES + len;
        return len;
    }

    private boolean ensure(int n, long limit) throws IOException {
        if (pos + n > limit) {
            return false;
        }
        if (pos >= bufStart && pos + n <= bufStart + bufLen) {
            return true;
        }
        if (n > buf.capacity()) {
            buf = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2));
        }
        buf.clear();
        bufStart = pos;
        bufLen = 0;
        while (bufLen < n) {
            int r = ch.read(buf, pos + bufLen);
            if (r < 0) {
                break;
            }
            bufLen += r;
            if (!buf.hasRemaining()) {
                break;
            }
        }
        return bufLen >= n;
    }

    /** Record header layout: u32 length, u32 CRC32C over (length bytes, payload). */
    static final class RecordHeader {
        static final int BYTES = 8;

        private RecordHeader() {}
    }
}
