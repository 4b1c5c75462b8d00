package io.kubeli.mediator.store;

/** When appended records are forced to the device: per ingest batch (safe against power loss) or never (page cache only, survives process death). */
public enum FsyncPolicy {
    BATCH, NONE;

    public static FsyncPolicy parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "batch", "always" -> BATCH;
            case "none", "never" -> NONE;
            default -> throw new IllegalArgumentException("fsync policy must be 'batch' or 'none', got '" + s + "'");
        };
    }
}
