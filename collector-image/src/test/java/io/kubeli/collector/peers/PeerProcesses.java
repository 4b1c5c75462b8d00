package io.kubeli.collector.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real peer processes of a live test (freeradius, SIPp, tcpdump), each logging to a file in one directory, all stopped
 * by {@link #close} (SIGTERM to our own children only, SIGKILL after 10 s). Shared by collector-image and system-it.
 */
public abstract class PeerProcesses implements AutoCloseable {
    protected final Path dir;
    private final List<Process> procs = new ArrayList<>();

    protected PeerProcesses(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code cmd} with its output in {@code log} (a file name in the directory); stopped by {@link #close}. */
    public Process start(String log, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile())
                .start();
        procs.add(p);
        return p;
    }

    /** What a process wrote so far ("" before it wrote anything). */
    public String log(String name) {
        Path f = dir.resolve(name);
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Waits up to 15 s until {@code p}'s log shows {@code text}; fails at once when it exits early. */
    public void awaitLog(String log, String text, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!log(log).contains(text)) {
            if (!p.isAlive()) {
                throw new AssertionError(p.info().command().orElse("process") + " exited early: " + log(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + text + "' not seen within 15 s: " + log(log));
            }
            Thread.sleep(50);
        }
    }

    /** Stops one of our own processes now (SIGTERM, SIGKILL after 10 s). */
    public static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** Stops every process started here, the latest first. */
    @Override
    public void close() {
        for (Process p : procs.reversed()) {
            try {
                stop(p);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
