package io.kubeli.system.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./kubeli demo --live}: the capture is replayed by tcpreplay in one namespace and captured live with
 * {@code afpacket:} at the other end of a veth pair. The whole pipeline (agency, mediator, collector) runs in a child
 * JVM inside the receiving namespace, on that namespace's loopback, because a capture socket sees the interfaces of
 * the namespace its process lives in. Parent and child talk over the child's stdin/stdout: the child says
 * {@code @kubeli-demo ready} once it captures, the parent answers {@code replayed N} after the replay; everything
 * else the child prints is passed through.
 */
final class LiveDemo {
    static final String READY = "@kubeli-demo ready";
    private static final Pattern SENT = Pattern.compile("Actual: (\\d+) packets");
    private static final long CHILD_START_SECONDS = 120;

    private LiveDemo() {}

    /** The parent: namespaces, child JVM, replay, clean-up (also on Ctrl-C); returns the exit status. */
    static int run(DemoOptions o, Path home, Path capture, Path outDir, PrintStream out, PrintStream err)
            throws Exception {
        String why = LiveNetwork.unavailable();
        if (why != null) {
            err.println("kubeli demo: --live " + why);
            return 2;
        }
        LiveNetwork net = LiveNetwork.create();
        Process[] child = new Process[1];
        Thread hook = Thread.ofPlatform().name("demo-live-cleanup").unstarted(() -> cleanUp(child[0], net));
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C: namespaces go too
        try {
            out.println("kubeli demo --live: namespaces " + net.txNamespace + " -> " + net.rxNamespace + ", veth "
                    + net.txInterface + " -> " + net.rxInterface + " (MTU " + LiveNetwork.MTU + ", IPv6 off)");
            List<String> cmd = new ArrayList<>(net.exec(net.rxNamespace));
            cmd.addAll(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-Dkubeli.home=" + home,
                    "-cp",
                    System.getProperty("java.class.path"),
                    DemoMain.class.getName(),
                    "--child-interface",
                    net.rxInterface,
                    "--out",
                    outDir.toString(),
                    "--capture",
                    capture.toString(),
                    "--pps",
                    Integer.toString(o.pps()),
                    "--timeout",
                    Integer.toString(o.timeoutSeconds())));
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            child[0] = p;
            BlockingQueue<String> control = new LinkedBlockingQueue<>();
            Thread.ofPlatform().name("demo-live-child-output").daemon().start(() -> forward(p, out, control));
            String ready = control.poll(CHILD_START_SECONDS, TimeUnit.SECONDS);
            if (!READY.equals(ready)) {
                err.println("kubeli demo: the pipeline in " + net.rxNamespace
                        + (p.isAlive()
                                ? " did not start within " + CHILD_START_SECONDS + " s"
                                : " ended before capturing (exit " + p.waitFor() + ")"));
                return 1;
            }
            long frames = Math.max(1, Files.size(capture) / 60); // an upper bound: no frame is shorter than 60 bytes
            out.println("kubeli demo --live: replaying " + DemoReport.display(capture) + " at " + o.pps()
                    + " packets/s ...");
            String replay = LiveNetwork.run(
                    frames / o.pps() + 60,
                    concat(
                            net.exec(net.txNamespace),
                            LiveNetwork.executable("tcpreplay"),
                            "-i",
                            net.txInterface,
                            "--pps",
                            Integer.toString(o.pps()),
                            capture.toString()));
            Matcher m = SENT.matcher(replay);
            long sent = m.find() ? Long.parseLong(m.group(1)) : -1;
            try (Writer w = p.outputWriter(StandardCharsets.UTF_8)) {
                w.write("replayed " + sent + "\n");
            }
            if (!p.waitFor(o.timeoutSeconds() + 60L, TimeUnit.SECONDS)) {
                err.println("kubeli demo: the pipeline did not finish within " + (o.timeoutSeconds() + 60) + " s");
                return 1;
            }
            return p.exitValue();
        } finally {
            cleanUp(child[0], net);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs (harmlessly) as well
            }
        }
    }

    private static void forward(Process p, PrintStream out, BlockingQueue<String> control) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("@kubeli-demo ")) {
                    control.add(line);
                } else {
                    out.println(line);
                }
            }
        } catch (IOException e) {
            // the child is gone; its exit status tells the rest
        }
        control.add("@kubeli-demo exited");
    }

    private static void cleanUp(Process child, LiveNetwork net) {
        if (child != null && child.isAlive()) {
            child.destroy();
            try {
                if (!child.waitFor(10, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        net.close();
    }

    private static String[] concat(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    /**
     * The child, inside the receiving namespace: captures on {@code iface} until the parent reports the replay done
     * and every sent packet has been seen (or none arrived for 2 s), then delivers and reports like the file demo.
     */
    static int child(
            DemoOptions o, Path home, Path capture, Path outDir, boolean defaultOut, PrintStream out, PrintStream err)
            throws Exception {
        long t0 = System.nanoTime();
        String iface = o.childInterface();
        try (DemoPipeline p = new DemoPipeline(home, outDir, "afpacket:" + iface)) {
            Thread hook = DemoMain.closeOnExit(p);
            p.start();
            out.println(READY);
            out.flush();
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            long sent = line != null && line.startsWith("replayed ")
                    ? Long.parseLong(line.substring(9).strip())
                    : -1;
            long last = -1;
            long lastChange = System.nanoTime();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && (sent < 0 || p.packetsCaptured() < sent)) {
                long now = p.packetsCaptured();
                if (now != last) {
                    last = now;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange
                        > Duration.ofSeconds(2).toNanos()) {
                    break; // nothing more is coming
                }
                Thread.sleep(20);
            }
            DemoResult r = p.finish(Duration.ofSeconds(o.timeoutSeconds()), sent);
            p.close();
            DemoMain.removeHook(hook);
            String source = "live: tcpreplay sent " + (sent < 0 ? "?" : Long.toString(sent)) + " packets of "
                    + DemoReport.display(capture) + " at " + o.pps() + "/s across veth " + iface.replace("kdrx", "kdtx")
                    + " -> "
                    + iface + ", captured with afpacket:" + iface;
            return DemoMain.report(r, source, outDir, defaultOut, System.nanoTime() - t0, out, err);
        }
    }
}
