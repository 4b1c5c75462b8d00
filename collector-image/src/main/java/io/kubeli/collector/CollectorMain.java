package io.kubeli.collector;

import java.util.concurrent.CountDownLatch;

/** Command-line entry point: {@code ./kubeli collector --help}. Exit 0 ok, 1 failure, 2 bad configuration. */
public final class CollectorMain {
    private CollectorMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        System.exit(run(args));
    }

    /** Runs the collector (or, with first argument {@code xdp-attach}, the XDP attach step); returns the exit code. */
    public static int run(String[] args) {
        if (args.length > 0 && args[0].equals("xdp-attach")) {
            // the operator's privileged init container: attach the XDP program and pin its map, then exit
            return io.kubeli.capture.bypass.XdpAttach.cli(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.out, System.err);
        }
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(CollectorConfig.usage());
                return 0;
            }
        }
        CollectorConfig config;
        try {
            config = CollectorConfig.parse(args);
        } catch (CollectorConfig.ConfigException e) {
            System.err.println("kubeli collector: " + e.getMessage());
            return 2;
        }
        CollectorApp app;
        try {
            app = CollectorApp.start(config);
        } catch (CollectorConfig.ConfigException | IllegalArgumentException | io.kubeli.capture.CaptureUriException e) {
            System.err.println("kubeli collector: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("kubeli collector: cannot start: " + e.getMessage());
            return 1;
        }
        if (app.metricsPort() >= 0) {
            System.err.println("kubeli collector: metrics on :" + app.metricsPort() + "/metrics");
        }
        if (app.finite()) {
            int rc = 0;
            try {
                app.awaitFiniteEnd();
            } catch (RuntimeException e) {
                System.err.println("kubeli collector: capture failed: " + e.getMessage());
                rc = 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                rc = 1;
            }
            app.close();
            System.out.println(app.summary());
            return rc;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            System.out.println(app.summary());
            done.countDown();
        }, "shutdown"));
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
