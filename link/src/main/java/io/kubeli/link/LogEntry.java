package io.kubeli.link;

/**
 * One record read from a {@link SegmentLog}.
 *
 * @param index the record's position in the log (0, 1, 2, … over the log's whole life)
 * @param data  the record bytes (a copy owned by the caller)
 */
public record LogEntry(long index, byte[] data) {}
