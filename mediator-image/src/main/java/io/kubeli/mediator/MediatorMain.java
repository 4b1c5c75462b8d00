package io.kubeli.mediator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeli.cli.Cli;
import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.config.ConfigException;
import io.kubeli.mediator.config.FileResources;
import io.kubeli.mediator.config.KubeResources;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.ingest.LinkIngress;
import io.kubeli.mediator.status.MediatorMetrics;
import io.kubeli.mediator.status.StatusReporter;
import io.kubeli.mediator.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/** {@code ./kubeli mediator}: collector link in, durable per-agency buffers, HI2/HI3 handover out. */
public final class MediatorMain {
    private static final String COMMAND = "kubeli mediator";

    private MediatorMain() {}

    public static void main(String[] args) throws Exception {
        MediatorOptions o = new MediatorOptions();
        Integer done = Cli.parseOrExit(o, args, System.out, System.err);
        if (done != null) {
            System.exit(done); // --help (nothing started) or a bad option (one line)
            return;
        }
        MediatorSettings s;
        try {
            s = settings(o);
            o.log.format().install();
        } catch (IllegalArgumentException e) {
            System.exit(Cli.fail(System.err, COMMAND, e.getMessage()));
            return;
        }
        // SIGTERM/SIGINT: an orderly stop, then exit 0 (the JVM's own handling exits 143 from its hooks); installed
        // before start-up so a signal during it is not lost: the stop then follows the start
        CountDownLatch signalled = new CountDownLatch(1);
        for (String sig : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig), x -> signalled.countDown());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no such signal here: the shutdown hook still stops the mediator
            }
        }
        ResourceCatalog catalog = new ResourceCatalog();
        FileResources files = null;
        KubeResources kube = null;
        KubernetesClient client = null;
        Function<String, SSLContext> agencyTls = fileAgencyTls(s.agencyTlsDir());
        String ns = s.namespace();
        try {
            if (s.configDir() != null) {
                files = new FileResources(s.configDir(), catalog);
                files.load();
            }
            if (s.kubernetes()) {
                client = new KubernetesClientBuilder().build();
                if (ns == null) ns = client.getNamespace() == null ? "default" : client.getNamespace();
                kube = new KubeResources(client, ns, catalog);
                kube.start();
                agencyTls = kube::tls;
            }
        } catch (ConfigException e) {
            System.err.println("mediator: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Mediator mediator = new Mediator(s, catalog, agencyTls);
        try {
            mediator.start();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // e.g. a read-only or full volume: one line, no stack trace
            System.err.println("mediator: cannot use the data directory (" + s.dataDir() + "): " + e.getMessage());
            mediator.close();
            System.exit(2);
            return;
        }
        LinkIngress link;
        try {
            link = LinkIngress.start(s, mediator.ingest());
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("mediator: cannot start the link server: " + e.getMessage());
            mediator.close();
            System.exit(2);
            return;
        }
        System.out.println("kubeli-mediator: link listening on port " + link.port());
        MediatorMetrics metrics = new MediatorMetrics(mediator);
        metrics.bindLink(link.server()); // connections, refusals, protocol errors of the collector link
        if (s.metricsPort() >= 0) {
            int mp = metrics.serve(
                    s.metricsPort(), () -> mediator.started() && link.listening() && !mediator.storageFailed());
            System.out.println("kubeli-mediator: metrics on port " + mp);
        }
        System.out.flush();
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("status").daemon().unstarted(r));
        new StatusReporter(mediator, client, ns).schedule(exec, s.statusInterval());
        if (files != null) files.watch();
        FileResources f = files;
        KubeResources k = kube;
        KubernetesClient c = client;
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (!stopped.compareAndSet(false, true)) return;
            long t0 = System.nanoTime();
            link.close(); // stop acknowledging first
            exec.shutdownNow();
            if (f != null) f.close();
            if (k != null) k.close();
            mediator.close();
            metrics.close();
            if (c != null) c.close();
            System.out.println("kubeli-mediator: stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        };
        // any other way the JVM ends (SIGHUP, System.exit elsewhere) still stops in order
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "mediator-shutdown"));
        signalled.await();
        stop.run();
        System.out.flush();
        System.exit(0);
    }

    /** File mode: an agency's tlsSecretRef names a sub-directory of --agency-tls-dir. */
    private static Function<String, SSLContext> fileAgencyTls(Path dir) {
        return ref -> {
            if (dir == null)
                throw new IllegalStateException("agency needs TLS (" + ref + ") but --agency-tls-dir is not set");
            Path d = dir.resolve(ref);
            if (!Files.isDirectory(d))
                throw new IllegalStateException("agency TLS directory for " + ref + " not found");
            try {
                return TlsFiles.client(d);
            } catch (Exception e) {
                throw new IllegalStateException("agency TLS " + ref + ": " + e.getMessage(), e);
            }
        };
    }

    /** Parses the command line; null for --help. */
    static MediatorSettings parse(String[] args) {
        MediatorOptions o = new MediatorOptions();
        return Cli.parse(o, args, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                ? settings(o)
                : null;
    }

    /** Validates the parsed options. */
    static MediatorSettings settings(MediatorOptions o) {
        Path config = path(o.config), data = path(o.data), tls = path(o.tlsDir), agencyTls = path(o.agencyTlsDir);
        boolean kube = System.getenv("KUBERNETES_SERVICE_HOST") != null;
        if (o.listen == null) throw new Cli.UsageException("--listen PORT is required");
        if (o.kubernetes && config != null)
            throw new Cli.UsageException("--config (file mode) and --kubernetes (cluster mode) exclude each other");
        if (o.plain && tls != null) throw new Cli.UsageException("--plain and --tls-dir exclude each other");
        if (tls != null && !Files.isDirectory(tls))
            throw new Cli.UsageException("--tls-dir " + tls + " is not a directory");
        int metrics = o.metricsPort == -1 ? -1 : Cli.range("--metrics-port", o.metricsPort, 0, 65535);
        long buffer = size(o.bufferBytes, "--buffer-bytes"), segment = size(o.segmentBytes, "--segment-bytes");
        FsyncPolicy fsync = switch (o.fsync.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "batch", "always" -> FsyncPolicy.perBatch();
            case "none", "never" -> FsyncPolicy.none();
            default -> throw new Cli.UsageException("--fsync must be batch or none (got '" + o.fsync + "')");
        };
        // in a pod without --config: cluster mode
        boolean k = o.kubernetes || (kube && config == null);
        int replicaIndex = o.replicaIndex != null
                ? Cli.range("--replica-index", o.replicaIndex, 0, 65535)
                : replicaFromHostname(System.getenv("HOSTNAME"));
        return new MediatorSettings(
                config,
                k,
                o.namespace,
                o.listen,
                data,
                tls,
                o.plain,
                agencyTls,
                metrics,
                o.mediatorName,
                buffer,
                segment,
                fsync,
                o.statusInterval,
                replicaIndex);
    }

    private static Path path(String p) {
        return p == null ? null : Path.of(p);
    }

    /** A StatefulSet pod is named {@code <set>-<ordinal>}: the ordinal, else 0. */
    static int replicaFromHostname(String host) {
        if (host == null) return 0;
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("-(\\d{1,5})$").matcher(host);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static long size(String v, String opt) {
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        long mul = 1;
        if (t.endsWith("k")) mul = 1L << 10;
        else if (t.endsWith("m")) mul = 1L << 20;
        else if (t.endsWith("g")) mul = 1L << 30;
        if (mul > 1) t = t.substring(0, t.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(t), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(opt + " needs a size like 512m, got '" + v + "'");
        }
    }
}
