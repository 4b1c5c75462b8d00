package io.kubeli.link;

/**
 * Snapshot of a {@link SegmentLog}'s counters and usage.
 *
 * @param firstIndex         index of the oldest retained record
 * @param nextIndex          index the next append gets
 * @param durableIndex       records below this index are on disk (forced)
 * @param sizeBytes          bytes used by all segment files
 * @param maxBytes           configured bound
 * @param segments           number of segment files
 * @param appendedRecords    records appended since open
 * @param appendedBytes      payload bytes appended since open
 * @param syncs              forces performed since open
 * @param fullRejections     appends refused because the log was full
 * @param recoveredTruncated bytes cut from a torn or corrupt tail at open
 * @param corruptSkipped     records skipped by readers because their checksum failed (counted, logged)
 * @param storageFailed      whether the last write or force failed (nothing of it kept; cleared by a later success)
 * @param storageFailures    writes or forces that failed since open
 * @param quarantinedBytes   unreadable bytes set aside in {@code quarantine/} (this run and earlier ones)
 * @param quarantinedParts   unreadable parts set aside in {@code quarantine/}
 */
public record SegmentLogStats(
        long firstIndex,
        long nextIndex,
        long durableIndex,
        long sizeBytes,
        long maxBytes,
        int segments,
        long appendedRecords,
        long appendedBytes,
        long syncs,
        long fullRejections,
        long recoveredTruncated,
        long corruptSkipped,
        boolean storageFailed,
        long storageFailures,
        long quarantinedBytes,
        long quarantinedParts) {
    /** Fraction of maxBytes in use, 0..1. */
    public double usage() {
        return maxBytes == 0 ? 0 : (double) sizeBytes / maxBytes;
    }
}
