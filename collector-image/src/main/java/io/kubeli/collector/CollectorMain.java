package io.kubeli.collector;

import io.kubeli.cli.Cli;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/** Command-line entry point: {@code ./kubeli collector --help}. Exit 0 ok, 1 failure, 2 bad configuration. */
public final class CollectorMain {
    private static final String COMMAND = "kubeli collector";

    private CollectorMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the collector (or, with first argument {@code xdp-attach}, the XDP attach step); returns the exit code. */
    public static int run(String[] args) {
        if (args.length > 0 && args[0].equals("xdp-attach")) {
            // the operator's privileged init container: attach the XDP program and pin its map, then exit
            return io.kubeli.capture.bypass.XdpAttach.cli(
                    java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
        }
        Integer done = Cli.parseOrExit(new CollectorOptions(), args, System.out, System.err);
        if (done != null) {
            return done; // --help (nothing started) or a bad option (one line)
        }
        CollectorSettings config;
        try {
            config = CollectorSettings.parse(args);
        } catch (CollectorSettings.ConfigException e) {
            return Cli.fail(System.err, COMMAND, e.getMessage());
        }
        config.logFormat().install();
        // SIGTERM/SIGINT (what Kubernetes and a terminal send) end the run in order and with exit 0: the stop was
        // asked for and completed; the JVM's own handling would exit 143 from inside its shutdown hooks. Installed
        // before start-up, so a signal during it is not lost (the stop follows the start).
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<CollectorApp> started = new AtomicReference<>();
        onStopSignals(() -> {
            stop.countDown();
            CollectorApp a = started.get();
            if (a != null && a.finite()) {
                a.close(); // ends the files early; the main thread then prints the summary
            }
        });
        CollectorApp app;
        try {
            app = CollectorApp.start(config);
        } catch (CollectorSettings.ConfigException
                | IllegalArgumentException
                | io.kubeli.capture.CaptureUriException e) {
            return Cli.fail(System.err, COMMAND, e.getMessage());
        } catch (Exception e) {
            System.err.println("kubeli collector: cannot start: " + e.getMessage());
            return 1;
        }
        if (app.metricsPort() >= 0) {
            System.err.println("kubeli collector: metrics on :" + app.metricsPort() + "/metrics");
        }
        started.set(app);
        boolean finite = app.finite();
        if (finite && stop.getCount() == 0) {
            app.close(); // signalled during start-up
        }
        if (finite) {
            int rc = 0;
            try {
                app.awaitFiniteEnd();
            } catch (RuntimeException e) {
                if (stop.getCount() > 0) {
                    System.err.println("kubeli collector: capture failed: " + e.getMessage());
                    rc = 1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                rc = 1;
            }
            app.close();
            System.out.println(app.summary());
            return rc;
        }
        AtomicBoolean summarized = new AtomicBoolean();
        Runnable finish = () -> {
            app.close();
            if (summarized.compareAndSet(false, true)) {
                System.out.println(app.summary());
            }
        };
        // any other way the JVM ends (SIGHUP, System.exit elsewhere) still drains and stops
        Runtime.getRuntime().addShutdownHook(new Thread(finish, "shutdown"));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finish.run();
        return 0;
    }

    /** Routes SIGTERM and SIGINT to {@code action} (on a signal thread) instead of the JVM's exit with 143/130. */
    static void onStopSignals(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> action.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no such signal here: the shutdown hook still stops the collector, with the JVM's exit code
            }
        }
    }
}
