package io.kubeli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process from {@code /proc/PID/stat} (utime + stime), so CPU can be attributed per process. */
public final class ProcCpu {
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcCpu() {}

    /** utime + stime of {@code pid} in nanoseconds, or -1 when the process is gone or /proc is unavailable. */
    public static long cpuNanos(long pid) {
        try {
            return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU per thread name (comm, 15 characters) of {@code pid} in ms, highest first, one "name ms" per line; "" if gone. */
    public static String threads(long pid) {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[0-9]+$", "N");
                    byName.merge(name, parseStat(stat) / 1_000_000, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        byName.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e ->
                        sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n'));
        return sb.toString();
    }

    /** CPU of {@code pid}'s JIT compiler threads (C1/C2) in nanoseconds: warm-up, not per-record work; -1 if gone. */
    public static long compilerNanos(long pid) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) sum += parseStat(stat);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Peak resident set size (VmHWM of /proc/PID/status) in bytes, or -1 when unavailable. */
    public static long rssPeakBytes(long pid) {
        return status(pid, "VmHWM:");
    }

    /**
     * Anonymous resident memory now (RssAnon: heap, stacks, native buffers) in bytes, or -1: unlike VmHWM it leaves
     * out mapped files (the collector maps its capture file; those pages are the page cache's, reclaimable).
     */
    public static long rssAnonBytes(long pid) {
        return status(pid, "RssAnon:");
    }

    private static long status(long pid, String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith(field))
                    return Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0]) * 1024;
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime in nanoseconds from the text of a /proc/PID/stat file. */
    static long parseStat(String stat) {
        // the command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    // USER_HZ is 100 on every Linux ABI the JDK supports; `getconf CLK_TCK` confirms it where available
    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            long v = Long.parseLong(out);
            return v > 0 ? v : 100;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return 100;
        }
    }
}
