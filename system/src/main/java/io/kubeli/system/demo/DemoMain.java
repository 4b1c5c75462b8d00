package io.kubeli.system.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code ./kubeli demo [--out DIR] [--live] [--capture FILE]}: the agency, a mediator and a collector on one machine,
 * configured from {@code deploy/examples}; the collector reads the bundled capture (or, with {@code --live}, captures
 * it from a veth pair), and a short summary says what the agency received and where the output went.
 */
public final class DemoMain {
    private DemoMain() {}

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /** Runs the demo; 0 = every record delivered, 1 = the run failed, 2 = bad usage or environment. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        DemoOptions o;
        Path home;
        try {
            o = DemoOptions.parse(args);
            if (o.help()) {
                out.print(DemoOptions.usage());
                return 0;
            }
            home = home();
        } catch (DemoOptions.UsageException e) {
            return io.kubeli.cli.Cli.fail(err, "kubeli demo", e.getMessage());
        }
        quietLogging();
        Path capture = (o.capture() != null
                        ? o.capture()
                        : home.resolve("system").resolve("demo").resolve("traffic.pcap"))
                .toAbsolutePath()
                .normalize();
        Path outDir =
                (o.out() != null ? o.out() : defaultOut(home)).toAbsolutePath().normalize();
        boolean defaultOut = outDir.equals(defaultOut(home));
        try {
            if (!Files.isRegularFile(capture)) {
                err.println("kubeli demo: the capture " + capture + " is missing");
                return 2;
            }
            if (o.childInterface() != null) {
                return LiveDemo.child(o, home, capture, outDir, defaultOut, out, err);
            }
            if (o.live()) {
                return LiveDemo.run(o, home, capture, outDir, out, err);
            }
            return fromFile(o, home, capture, outDir, defaultOut, out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("kubeli demo: interrupted");
            return 1;
        } catch (Exception e) {
            // components' messages name files and options, never targets; a stack trace would not help a new user
            err.println("kubeli demo: failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
    }

    private static int fromFile(
            DemoOptions o, Path home, Path capture, Path outDir, boolean defaultOut, PrintStream out, PrintStream err)
            throws Exception {
        long t0 = System.nanoTime();
        try (DemoPipeline p = new DemoPipeline(home, outDir, "pcapfile:" + capture)) {
            Thread hook = closeOnExit(p);
            p.start();
            p.awaitCaptureEnd();
            DemoResult r = p.finish(Duration.ofSeconds(o.timeoutSeconds()), -1);
            p.close(); // output files complete before the summary points at them
            removeHook(hook);
            return report(
                    r,
                    "pcapfile:" + DemoReport.display(capture) + " (frames keep their recorded time stamps)",
                    outDir,
                    defaultOut,
                    System.nanoTime() - t0,
                    out,
                    err);
        }
    }

    /** Prints the summary; 1 with the reason when something was not delivered exactly once and contiguously. */
    static int report(
            DemoResult r,
            String source,
            Path outDir,
            boolean defaultOut,
            long nanos,
            PrintStream out,
            PrintStream err) {
        DemoReport.print(out, r, source, outDir, DemoReport.display(outDir), defaultOut, Duration.ofNanos(nanos));
        out.flush();
        String problem = r.problem();
        if (problem != null) {
            err.println("kubeli demo: FAILED: " + problem);
            return 1;
        }
        return 0;
    }

    /** Closes the pipeline on Ctrl-C as well (its temporary state goes with it). */
    static Thread closeOnExit(DemoPipeline p) {
        Thread hook = Thread.ofPlatform().name("demo-shutdown").unstarted(p::close);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
    }

    static Path defaultOut(Path home) {
        return home.resolve("system")
                .resolve("target")
                .resolve("demo")
                .toAbsolutePath()
                .normalize();
    }

    /** The checkout: {@code -Dkubeli.home} (set by the launcher), else the nearest directory up with deploy/examples. */
    static Path home() {
        String h = System.getProperty("kubeli.home");
        if (h != null && !h.isBlank()) {
            Path p = Path.of(h).toAbsolutePath().normalize();
            if (!Files.isDirectory(p.resolve("deploy").resolve("examples"))) {
                throw new DemoOptions.UsageException("kubeli.home " + p + " has no deploy/examples");
            }
            return p;
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("deploy").resolve("examples").resolve("intercept.yaml"))) {
                return d;
            }
        }
        throw new DemoOptions.UsageException(
                "cannot find the KubeLI checkout (deploy/examples): run ./kubeli demo in it");
    }

    /** Warnings and errors only, one line each, without stack traces: the summary is the demo's output. */
    static void quietLogging() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler h = new ConsoleHandler();
        h.setLevel(Level.WARNING);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String name = r.getLoggerName() == null
                        ? ""
                        : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
                return "kubeli demo: " + r.getLevel().getName().toLowerCase(Locale.ROOT) + " (" + name + "): "
                        + formatMessage(r) + (r.getThrown() != null ? " [" + r.getThrown() + "]" : "")
                        + System.lineSeparator();
            }
        });
        root.addHandler(h);
        root.setLevel(Level.WARNING);
    }
}
