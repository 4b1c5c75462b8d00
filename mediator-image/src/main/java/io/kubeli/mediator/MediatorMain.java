package io.kubeli.mediator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeli.mediator.config.ConfigException;
import io.kubeli.mediator.config.FileResources;
import io.kubeli.mediator.config.KubeResources;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.ingest.LinkIngress;
import io.kubeli.mediator.status.MediatorMetrics;
import io.kubeli.mediator.status.StatusReporter;
import io.kubeli.mediator.store.FsyncPolicy;
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
    private static final String USAGE = """
            Usage: ./kubeli mediator --config DIR --listen PORT --data DIR (--tls-dir DIR | --plain) [options]

            Receives records from collectors over the acknowledged link, stores them durably per agency and
            hands them over to each agency's HI2 (IRI) and HI3 (CC) endpoints (ETSI TS 102 232).

              --config DIR           Agency and Intercept YAML (multi-document allowed); reloaded on change
              --kubernetes           read Agencies/Intercepts from the API server (default when run in a pod)
              --namespace NS         namespace to watch in cluster mode (default: the pod's / kubeconfig's)
              --listen PORT          collector link port (0 = ephemeral; the bound port is printed)
              --data DIR             durable buffers, delivery cursors and dedup state (a persistent volume)
              --tls-dir DIR          link TLS 1.3 with client certificates: DIR/tls.crt, tls.key, ca.crt
              --plain                plain TCP on the link (tests only)
              --agency-tls-dir DIR   file mode: DIR/<tlsSecretRef>/{ca.crt,tls.crt,tls.key} for agency TLS
              --metrics-port P       serve /metrics, /healthz, /readyz on P
              --mediator-name NAME   this mediator's name (default: mediator)
              --buffer-bytes N       size bound of each agency buffer per HI and of the holding log (default 1g)
              --segment-bytes N      segment file size (default 64m)
              --fsync POLICY         batch (fsync each stored batch before the ack; default) or none (page cache)
              --status-interval S    seconds between status log lines (default 10)
              --replica-index N      this replica's index (default: the numeric suffix of HOSTNAME name-N, else 0);
                                     only replica 0 sends HI1 notifications (activation/modification/deactivation)
              --help                 this text
            Sizes take k, m, g suffixes (binary). Exit status 2 on invalid options or configuration.
            """;

    private MediatorMain() {}

    public static void main(String[] args) throws Exception {
        MediatorSettings s;
        try {
            s = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mediator: " + e.getMessage());
            System.err.println("Try './kubeli mediator --help'.");
            System.exit(2);
            return;
        }
        if (s == null) {
            System.out.print(USAGE);
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
            int mp = metrics.serve(s.metricsPort(), () -> mediator.started() && link.listening() && !mediator.storageFailed());
            System.out.println("kubeli-mediator: metrics on port " + mp);
        }
        System.out.flush();
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("status").daemon().unstarted(r));
        new StatusReporter(mediator, client, ns).schedule(exec, s.statusInterval());
        if (files != null) files.watch();
        FileResources f = files;
        KubeResources k = kube;
        KubernetesClient c = client;
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (!stopped.compareAndSet(false, true)) return;
            long t0 = System.nanoTime();
            link.close();                  // stop acknowledging first
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
            if (dir == null) throw new IllegalStateException("agency needs TLS (" + ref + ") but --agency-tls-dir is not set");
            Path d = dir.resolve(ref);
            if (!Files.isDirectory(d)) throw new IllegalStateException("agency TLS directory for " + ref + " not found");
            try {
                return TlsFiles.client(d);
            } catch (Exception e) {
                throw new IllegalStateException("agency TLS " + ref + ": " + e.getMessage(), e);
            }
        };
    }

    /** Parses the command line; null for --help. */
    static MediatorSettings parse(String[] args) {
        Path config = null, data = null, tls = null, agencyTls = null;
        boolean kube = System.getenv("KUBERNETES_SERVICE_HOST") != null, plain = false, kubeFlag = false;
        String ns = null, name = "mediator";
        Integer listen = null;
        int metrics = -1, statusInterval = 10;
        Integer replica = null;
        long buffer = 1L << 30, segment = 64L << 20;
        FsyncPolicy fsync = FsyncPolicy.BATCH;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> { return null; }
                case "--config" -> config = Path.of(val(args, ++i, a));
                case "--kubernetes" -> kubeFlag = true;
                case "--namespace" -> ns = val(args, ++i, a);
                case "--listen" -> listen = (int) num(args, ++i, a);
                case "--data" -> data = Path.of(val(args, ++i, a));
                case "--tls-dir" -> tls = Path.of(val(args, ++i, a));
                case "--plain" -> plain = true;
                case "--agency-tls-dir" -> agencyTls = Path.of(val(args, ++i, a));
                case "--metrics-port" -> metrics = (int) num(args, ++i, a);
                case "--mediator-name" -> name = val(args, ++i, a);
                case "--buffer-bytes" -> buffer = size(val(args, ++i, a), a);
                case "--segment-bytes" -> segment = size(val(args, ++i, a), a);
                case "--fsync" -> fsync = FsyncPolicy.parse(val(args, ++i, a));
                case "--status-interval" -> statusInterval = (int) num(args, ++i, a);
                case "--replica-index" -> {
                    long r = num(args, ++i, a);
                    if (r < 0 || r > 65535) throw new IllegalArgumentException("--replica-index must be 0..65535, got " + r);
                    replica = (int) r;
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (listen == null) throw new IllegalArgumentException("--listen PORT is required");
        if (kubeFlag && config != null) throw new IllegalArgumentException("--config (file mode) and --kubernetes (cluster mode) exclude each other");
        if (plain && tls != null) throw new IllegalArgumentException("--plain and --tls-dir exclude each other");
        if (tls != null && !Files.isDirectory(tls)) throw new IllegalArgumentException("--tls-dir " + tls + " is not a directory");
        if (metrics > 65535) throw new IllegalArgumentException("--metrics-port must be 0..65535");
        // in a pod without --config: cluster mode
        boolean k = kubeFlag || (kube && config == null);
        int replicaIndex = replica != null ? replica : replicaFromHostname(System.getenv("HOSTNAME"));
        return new MediatorSettings(config, k, ns, listen, data, tls, plain, agencyTls, metrics, name, buffer, segment, fsync, statusInterval,
                replicaIndex);
    }

    /** A StatefulSet pod is named {@code <set>-<ordinal>}: the ordinal, else 0. */
    static int replicaFromHostname(String host) {
        if (host == null) return 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(\\d{1,5})$").matcher(host);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String val(String[] args, int i, String opt) {
        if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
        return args[i];
    }

    private static long num(String[] args, int i, String opt) {
        String v = val(args, i, opt);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a number, got '" + v + "'");
        }
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
