package io.kubeli.mediator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The mediator as a real child process (same class path as the test JVM), with its printed ports. */
public final class MediatorProcess implements AutoCloseable {
    private static final Pattern LINK = Pattern.compile("link listening on port (\\d+)");
    private final Process process;
    private final int port;
    private final Thread reader;
    private final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());

    /** The command line of the mediator in a child JVM on the test class path, with {@code args}. */
    public static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                MediatorMain.class.getName()));
        cmd.addAll(args);
        return cmd;
    }

    public MediatorProcess(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = command(args);
        cmd.add(1, "-Xmx512m");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        int[] found = {-1};
        Object lock = new Object();
        reader = Thread.ofPlatform().name("mediator-out").daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (output.size() < 5000) output.add(line);
                    Matcher m = LINK.matcher(line);
                    if (m.find())
                        synchronized (lock) {
                            found[0] = Integer.parseInt(m.group(1));
                            lock.notifyAll();
                        }
                }
            } catch (IOException ignored) {
                // process ended
            }
            synchronized (lock) {
                lock.notifyAll();
            }
        });
        long until = System.currentTimeMillis() + 30_000;
        synchronized (lock) {
            while (found[0] < 0 && process.isAlive() && System.currentTimeMillis() < until) lock.wait(200);
        }
        if (found[0] < 0) {
            process.destroyForcibly();
            throw new IOException("mediator did not start: " + String.join("\n", output));
        }
        port = found[0];
    }

    public int port() {
        return port;
    }

    public List<String> output() {
        return List.copyOf(output);
    }

    /** SIGKILL: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGTERM (what Kubernetes sends); waits up to {@code maxSeconds}; returns the milliseconds to exit, or -1. */
    public long terminate(int maxSeconds) throws InterruptedException {
        long t0 = System.nanoTime();
        process.toHandle().destroy(); // Process.destroy() would also close our end of its output pipe
        if (!process.waitFor(maxSeconds, TimeUnit.SECONDS)) return -1;
        long ms = (System.nanoTime() - t0) / 1_000_000;
        reader.join(5000); // its last lines
        return ms;
    }

    /** The exit status of an ended process. */
    public int exitValue() {
        return process.exitValue();
    }

    public int waitFor() throws InterruptedException {
        process.waitFor(30, TimeUnit.SECONDS);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
