package io.kubeli.link;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link SegmentLog} forces appended records to disk.
 *
 * @param mode       PER_BATCH: every append call forces before returning; GROUPED: a sync thread forces once
 *                   {@code maxRecords} are pending or {@code maxDelay} has passed (group commit, callers wait with
 *                   {@link SegmentLog#awaitDurable}); NONE: never forces (the OS decides; tests and benchmarks only)
 * @param maxRecords GROUPED: pending records that trigger a sync (at least 1)
 * @param maxDelay   GROUPED: longest time a record waits for its sync; also the cursor persistence interval
 */
public record FsyncPolicy(Mode mode, int maxRecords, Duration maxDelay) {

    /** Sync modes. */
    public enum Mode {
        PER_BATCH,
        GROUPED,
        NONE
    }

    /** Validates the policy. */
    public FsyncPolicy {
        Objects.requireNonNull(mode, "fsync mode");
        Objects.requireNonNull(maxDelay, "fsync maxDelay");
        if (maxRecords < 1) {
            throw new IllegalArgumentException("fsync maxRecords must be >= 1, got " + maxRecords);
        }
        if (maxDelay.isNegative() || maxDelay.isZero() || maxDelay.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("fsync maxDelay must be in (0, 1 min], got " + maxDelay);
        }
    }

    /** Force at the end of every append call (each batch). */
    public static FsyncPolicy perBatch() {
        return new FsyncPolicy(Mode.PER_BATCH, 1, Duration.ofMillis(100));
    }

    /** Group commit: force when {@code maxRecords} are pending or after {@code maxDelay}. */
    public static FsyncPolicy grouped(int maxRecords, Duration maxDelay) {
        return new FsyncPolicy(Mode.GROUPED, maxRecords, maxDelay);
    }

    /** Never force (data survives a process crash but not a machine crash). */
    public static FsyncPolicy none() {
        return new FsyncPolicy(Mode.NONE, 1, Duration.ofMillis(100));
    }

    /** Parses "batch", "none", "10ms", "1s" or "N/10ms" (records/delay). */
    public static FsyncPolicy parse(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("batch")) {
            return perBatch();
        }
        if (v.equals("none")) {
            return none();
        }
        int slash = v.indexOf('/');
        int n = slash < 0 ? Integer.MAX_VALUE : Integer.parseInt(v.substring(0, slash));
        String d = slash < 0 ? v : v.substring(slash + 1);
        Duration delay;
        if (d.endsWith("ms")) {
            delay = Duration.ofMillis(Long.parseLong(d.substring(0, d.length() - 2)));
        } else if (d.endsWith("s")) {
            delay = Duration.ofSeconds(Long.parseLong(d.substring(0, d.length() - 1)));
        } else {
            throw new IllegalArgumentException(
                    "fsync policy must be batch, none, <n>ms, <n>s or <records>/<delay>: " + s);
        }
        return grouped(n, delay);
    }
}
