package io.kubeli.systemit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One "container" the test kubelet started: a JVM process whose stdout/stderr go to files under target/. */
final class PodProcess implements AutoCloseable {
    final String name;
    final Process process;
    final Path out;
    final Path err;

    PodProcess(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Waits until a line of stdout or stderr matches {@code regex}; returns group 1 (or the line). */
    String awaitLine(String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Path f : List.of(out, err)) {
                for (String line : lines(f)) {
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        return m.groupCount() > 0 ? m.group(1) : line;
                    }
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError(
                        name + " exited with " + process.exitValue() + " before printing /" + regex + "/\n" + tail(40));
            }
            sleep(50);
        }
        throw new AssertionError(name + ": no line matching /" + regex + "/ within " + timeout + "\n" + tail(40));
    }

    /** The last {@code n} lines of stdout and of stderr (for failure messages). */
    String tail(int n) {
        StringBuilder sb = new StringBuilder();
        for (Path f : List.of(out, err)) {
            List<String> l = lines(f);
            sb.append("---- ")
                    .append(name)
                    .append(' ')
                    .append(f.getFileName())
                    .append(" (last ")
                    .append(Math.min(n, l.size()))
                    .append(" lines)\n");
            l.subList(Math.max(0, l.size() - n), l.size())
                    .forEach(s -> sb.append("  ").append(s).append('\n'));
        }
        return sb.toString();
    }

    private static List<String> lines(Path f) {
        try {
            return Files.exists(f)
                    ? List.of(new String(Files.readAllBytes(f), StandardCharsets.UTF_8).split("\n"))
                    : List.of();
        } catch (IOException e) {
            return List.of("(cannot read " + f + ": " + e.getMessage() + ")");
        }
    }

    /** Waits for a finite process (pcapfile collector) to end by itself. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout + "\n" + tail(40));
        }
        return process.exitValue();
    }

    /** SIGTERM like the kubelet, then SIGKILL after a grace period. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
