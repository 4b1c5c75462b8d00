package io.kubeli.system.demo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Two network namespaces ({@code kdemo-tx-ID}, {@code kdemo-rx-ID}) joined by a veth pair with 198.19.250.0/30
 * addresses and IPv6 off (so the kernel adds no traffic of its own). {@link #close} removes them; it is safe to call
 * from a shutdown hook and more than once.
 */
final class LiveNetwork implements AutoCloseable {
    static final String PREFIX = "kdemo-";
    /** Larger than any Ethernet frame of the bundled capture (1,531 bytes with QinQ tags). */
    static final int MTU = 9000;

    private static final long COMMAND_SECONDS = 20;

    final String txNamespace;
    final String rxNamespace;
    final String txInterface;
    final String rxInterface;
    private final String ip;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LiveNetwork(String ip, String id) {
        this.ip = ip;
        this.txNamespace = PREFIX + "tx-" + id;
        this.rxNamespace = PREFIX + "rx-" + id;
        this.txInterface = "kdtx" + id; // interface names have at most 15 characters
        this.rxInterface = "kdrx" + id;
    }

    /** Why live mode cannot run here (not root, a tool missing), or null when it can. */
    static String unavailable() {
        if (!isRoot()) {
            return "needs root (it creates network namespaces and captures with raw sockets): run 'sudo ./kubeli demo --live'";
        }
        if (executable("ip") == null) {
            return "needs the 'ip' command (Debian/Ubuntu package iproute2)";
        }
        if (executable("tcpreplay") == null) {
            return "needs tcpreplay (Debian/Ubuntu package tcpreplay)";
        }
        return null;
    }

    /** Creates the namespaces and the veth pair, after removing any {@code kdemo-*} namespaces an earlier run left. */
    static LiveNetwork create() throws IOException, InterruptedException {
        String ip = executable("ip");
        removeLeftovers(ip);
        LiveNetwork n =
                new LiveNetwork(ip, Long.toString(ProcessHandle.current().pid()));
        try {
            n.setUp();
            return n;
        } catch (IOException | InterruptedException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    private void setUp() throws IOException, InterruptedException {
        run(ip, "netns", "add", txNamespace);
        run(ip, "netns", "add", rxNamespace);
        run(
                ip,
                "link",
                "add",
                txInterface,
                "netns",
                txNamespace,
                "type",
                "veth",
                "peer",
                "name",
                rxInterface,
                "netns",
                rxNamespace);
        configure(txNamespace, txInterface, "198.19.250.1/30");
        configure(rxNamespace, rxInterface, "198.19.250.2/30");
    }

    private void configure(String ns, String dev, String address) throws IOException, InterruptedException {
        // IPv6 off before the link comes up: no router solicitations, no DAD, nothing but the replayed frames
        run(
                ip,
                "netns",
                "exec",
                ns,
                "sh",
                "-c",
                "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
        run(ip, "-n", ns, "link", "set", "dev", dev, "mtu", Integer.toString(MTU));
        run(ip, "-n", ns, "addr", "add", address, "dev", dev);
        run(ip, "-n", ns, "link", "set", "dev", dev, "up");
        run(ip, "-n", ns, "link", "set", "dev", "lo", "up"); // the pipeline's own connections use this loopback
    }

    /** A command prefix that runs what follows inside the namespace. */
    List<String> exec(String ns) {
        return List.of(ip, "netns", "exec", ns);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (String ns : List.of(txNamespace, rxNamespace)) {
            try {
                runQuietly(ip, "netns", "del", ns); // the veth pair goes with its namespaces
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void removeLeftovers(String ip) throws IOException, InterruptedException {
        for (String line : run(ip, "netns", "list").split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (name.startsWith(PREFIX)) {
                runQuietly(ip, "netns", "del", name);
            }
        }
    }

    /** Runs a command (bounded in time); its output, or an IOException with its error text. */
    static String run(String... cmd) throws IOException, InterruptedException {
        return run(COMMAND_SECONDS, cmd);
    }

    /** As {@link #run(String...)} with its own time bound. */
    static String run(long seconds, String... cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile("kubeli-demo-cmd", ".txt"); // a file, so a hung command cannot block a read
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", cmd) + "' did not finish within " + seconds + " s");
            }
            String out = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("'" + String.join(" ", cmd) + "' failed: " + out.strip());
            }
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void runQuietly(String... cmd) throws InterruptedException {
        try {
            run(cmd);
        } catch (IOException e) {
            // already gone, or being removed by someone else: nothing left to do
        }
    }

    /** The absolute path of a program on PATH (or in the sbin directories root's PATH has). */
    static String executable(String name) {
        List<String> dirs =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
