package io.kubeli.link;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Configuration of a {@link SegmentLog}.
 *
 * @param directory      directory holding the segments ({@code *.seg}) and cursors ({@code cursors/})
 * @param segmentBytes   largest size of one segment file (default 64 MiB)
 * @param maxBytes       bound on the total size of all segments; appends beyond it fail (default 1 GiB)
 * @param fsync          when appended records are forced to disk (default 10 ms group commit)
 * @param maxRecordBytes largest single record (default 16 MiB)
 */
public record SegmentLogConfig(
        Path directory, long segmentBytes, long maxBytes, FsyncPolicy fsync, int maxRecordBytes) {
    /** Default segment size. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** Default total size bound. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    /** Validates the configuration with a clear message. */
    public SegmentLogConfig {
        Objects.requireNonNull(directory, "segment log directory");
        Objects.requireNonNull(fsync, "segment log fsync policy");
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("segment log segmentBytes must be >= 4096, got " + segmentBytes);
        }
        if (maxBytes < 2 * segmentBytes) {
            throw new IllegalArgumentException(
                    "segment log maxBytes (" + maxBytes + ") must be >= 2 x segmentBytes (" + segmentBytes + ")");
        }
        if (maxRecordBytes < 1
                || maxRecordBytes > segmentBytes - SegmentLog.SEGMENT_HEADER - SegmentLog.RECORD_HEADER) {
            throw new IllegalArgumentException(
                    "segment log maxRecordBytes must be in [1, segmentBytes - 24], got " + maxRecordBytes);
        }
    }

    /** Defaults for a directory. */
    public static SegmentLogConfig of(Path directory) {
        return new SegmentLogConfig(
                directory,
                DEFAULT_SEGMENT_BYTES,
                DEFAULT_MAX_BYTES,
                FsyncPolicy.grouped(Integer.MAX_VALUE, java.time.Duration.ofMillis(10)),
                16 << 20);
    }

    /** Copy with another segment size (maxRecordBytes shrunk to fit when needed). */
    public SegmentLogConfig withSegmentBytes(long v) {
        return new SegmentLogConfig(directory, v, maxBytes, fsync, (int)
                Math.min(maxRecordBytes, v - SegmentLog.SEGMENT_HEADER - SegmentLog.RECORD_HEADER));
    }

    /** Copy with another total size bound. */
    public SegmentLogConfig withMaxBytes(long v) {
        return new SegmentLogConfig(directory, segmentBytes, v, fsync, maxRecordBytes);
    }

    /** Copy with another fsync policy. */
    public SegmentLogConfig withFsync(FsyncPolicy v) {
        return new SegmentLogConfig(directory, segmentBytes, maxBytes, v, maxRecordBytes);
    }

    /** Copy with another record size limit. */
    public SegmentLogConfig withMaxRecordBytes(int v) {
        return new SegmentLogConfig(directory, segmentBytes, maxBytes, fsync, v);
    }
}
