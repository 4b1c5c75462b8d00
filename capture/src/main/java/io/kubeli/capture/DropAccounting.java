package io.kubeli.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Drops that happen before the capture socket: interface receive drops from
 * /sys/class/net/IFACE/statistics (rx_dropped + rx_missed_errors + rx_fifo_errors) and per-CPU
 * backlog drops from /proc/net/softnet_stat (column 2, hex, summed over CPUs), as deltas since
 * {@link #baseline()}. Missing files count as 0. Backlog drops are machine-wide, not per interface.
 */
public final class DropAccounting {
    private static final String[] IF_COUNTERS = {"rx_dropped", "rx_missed_errors", "rx_fifo_errors"};

    private final Path statisticsDir;
    private final Path softnetStat;
    private volatile long ifBase;
    private volatile long backlogBase;

    /** For interface {@code iface} on this host. */
    public DropAccounting(String iface) {
        this(Path.of("/sys/class/net", iface, "statistics"), Path.of("/proc/net/softnet_stat"));
    }

    /** For explicit paths (tests). */
    public DropAccounting(Path statisticsDir, Path softnetStat) {
        this.statisticsDir = statisticsDir;
        this.softnetStat = softnetStat;
    }

    /** Takes the current values as zero. */
    public void baseline() {
        ifBase = interfaceTotal();
        backlogBase = backlogTotal();
    }

    /** Interface drops since the baseline. */
    public long interfaceDrops() {
        return Math.max(0, interfaceTotal() - ifBase);
    }

    /** Backlog drops since the baseline. */
    public long backlogDrops() {
        return Math.max(0, backlogTotal() - backlogBase);
    }

    /** Absolute interface drop total now. */
    public long interfaceTotal() {
        long sum = 0;
        for (String c : IF_COUNTERS) {
            sum += parseCounter(read(statisticsDir.resolve(c)));
        }
        return sum;
    }

    /** Absolute backlog drop total now. */
    public long backlogTotal() {
        return parseSoftnetDrops(read(softnetStat));
    }

    /** Parses one decimal counter file ("123\n"); empty or unreadable text is 0. */
    public static long parseCounter(String text) {
        if (text == null) {
            return 0;
        }
        String s = text.trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Sums column 2 (dropped, hex) of /proc/net/softnet_stat text over all CPU lines. */
    public static long parseSoftnetDrops(String text) {
        if (text == null) {
            return 0;
        }
        long sum = 0;
        for (String line : text.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 2) {
                try {
                    sum += Long.parseUnsignedLong(cols[1], 16);
                } catch (NumberFormatException e) {
                    // not a data line
                }
            }
        }
        return sum;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
