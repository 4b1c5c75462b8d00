package io.kubeli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** One child JVM of a benchmark point: stdout lines queued for the harness (and copied to a log), stderr to a log. */
final class Child implements AutoCloseable {
    // children still running when the harness exits (Ctrl-C, failure) are terminated by a shutdown hook
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "bench-children-cleanup"));
    }

    private final String name;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Writer stdin;

    private Child(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Writer out = Files.newBufferedWriter(log.resolveSibling(log.getFileName() + ".out"));
        Thread.ofPlatform().name("bench-" + name + "-stdout").daemon().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    out) {
                for (String l; (l = r.readLine()) != null; ) {
                    out.write(l);
                    out.write('\n');
                    out.flush();
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the child ended
            }
        });
    }

    /** Starts {@code command}; stderr goes to {@code log}, stdout to {@code log.out} and {@link #awaitLine}. */
    static Child start(String name, List<String> command, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        return new Child(name, pb.start(), log);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for the first stdout line matching {@code p}; fails when the child dies or the time runs out. */
    String awaitLine(Predicate<String> p, long timeoutMillis) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < end) {
            String l = lines.poll(50, TimeUnit.MILLISECONDS);
            if (l != null && p.test(l)) return l;
            if (l == null && !process.isAlive() && lines.isEmpty()) {
                throw new IOException(name + " exited with status " + process.exitValue() + " (see its log)");
            }
        }
        throw new IOException(name + ": no expected output within " + timeoutMillis + " ms (see its log)");
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits for the exit; returns the status, or -1 on timeout. */
    int waitFor(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
