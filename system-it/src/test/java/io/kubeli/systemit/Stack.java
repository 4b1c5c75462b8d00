package io.kubeli.systemit;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import io.kubeli.operator.common.OperatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One self-contained deployment for a scenario (instance-based, so a test can run two side by side or one after
 * the other): mock API server with the operator's reconcilers, the LEA receiver as the agency, and the mediator and
 * collector processes the test kubelet starts from what the operator rendered (as {@link SystemIT} does).
 */
final class Stack implements AutoCloseable {
    static final String NS = "kubeli";
    static final String NODE = "sysit-node";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration FINALIZER_TIMEOUT = Duration.ofSeconds(90);

    final Path work;
    final MockCluster cluster;
    final LeaReceiver agency;
    final Kubelet kubelet;
    final List<PodProcess> pods = new ArrayList<>();
    PodProcess mediator;
    PodProcess collector;
    int mediatorLinkPort;
    int collectorMetricsPort = -1;
    private int collectorRuns;
    private boolean closed;

    Stack(Path root, Path work) throws Exception {
        this.work = work;
        SystemIT.deleteTree(work); // a previous run's spool and recordings would continue its sequence numbers
        Files.createDirectories(work);
        agency = new LeaReceiver(LeaOptions.defaults().withRecordDir(work.resolve("agency")));
        agency.start();
        cluster = new MockCluster();
        cluster.applyCrds(root.resolve("crds"), NS);
        Path kubeconfig = cluster.writeKubeconfig(work.resolve("kubeconfig"), NS);
        cluster.startOperator(OperatorSettings.defaults().withFinalizerTimeout(FINALIZER_TIMEOUT));
        Path artifacts = Path.of(System.getProperty("kubeli.systemit.artifacts", root.toString()));
        kubelet = new Kubelet(cluster.client, artifacts, work, kubeconfig, work.resolve("hosts"), NS, NODE);
        Path events = work.resolve("collector-status.log"); // what a failure needs: who changed cinSlots when
        cluster.client.resources(Collector.class).inNamespace(NS).watch(new io.fabric8.kubernetes.client.Watcher<>() {
            @Override
            public void eventReceived(Action action, Collector c) {
                String line = java.time.Instant.now() + " " + action + " "
                        + c.getMetadata().getName() + " rv="
                        + c.getMetadata().getResourceVersion() + " cinSlots="
                        + (c.getStatus() == null ? "(no status)" : c.getStatus().getCinSlots()) + "\n";
                try {
                    Files.writeString(
                            events,
                            line,
                            java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    // diagnostics only
                }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException e) {}
        });
    }

    KubernetesClient k() {
        return cluster.client;
    }

    /** Applies a resource written as YAML (as a user would with kubectl). */
    <T extends io.fabric8.kubernetes.api.model.HasMetadata> T apply(String yaml, Class<T> type) {
        return k().resource(Serialization.unmarshal(yaml, type)).create();
    }

    /** Plays the kubelet for the mediator StatefulSet's pod 0 (laptop overrides as in SystemIT). */
    void startMediator(String name) throws Exception {
        String sts = "kubeli-mediator-" + name;
        StatefulSet s = await(
                "StatefulSet " + sts,
                () -> k().apps().statefulSets().inNamespace(NS).withName(sts).get());
        await(
                "Secret " + sts + "-tls",
                () -> k().secrets().inNamespace(NS).withName(sts + "-tls").get());
        await(
                "Service " + sts,
                () -> k().services().inNamespace(NS).withName(sts).get());
        String svc = sts + "." + NS;
        Files.writeString(
                work.resolve("hosts"),
                "127.0.0.1 localhost " + localHost() + "\n127.0.0.1 " + svc + " " + svc + ".svc " + svc
                        + ".svc.cluster.local\n");
        mediator = kubelet.start(
                sts + "-0",
                0,
                s.getSpec().getTemplate().getSpec(),
                "mediator-image",
                "io.kubeli.mediator.MediatorMain",
                a -> Kubelet.withOption(Kubelet.withOption(a, "--listen", "0"), "--metrics-port", "0"));
        pods.add(mediator);
        mediatorLinkPort = Integer.parseInt(mediator.awaitLine("link listening on port (\\d+)", WAIT));
        int metrics = Integer.parseInt(mediator.awaitLine("metrics on port (\\d+)", WAIT));
        await("mediator /readyz", () -> Http.status(metrics, "/readyz") == 200);
        Resources.statefulSetReady(k(), NS, sts, 1);
    }

    /**
     * Plays the kubelet for the collector DaemonSet's pod on this node; a later call is a container restart (same
     * volumes: the spool and the RADIUS session table survive). {@code live}: waits for /readyz and reports Ready.
     */
    PodProcess startCollector(String name, boolean live) throws Exception {
        String ds = "kubeli-collector-" + name;
        String clientTls = ds + "-tls";
        DaemonSet d = await("DaemonSet " + ds + " mounting " + clientTls, () -> {
            DaemonSet x = k().apps().daemonSets().inNamespace(NS).withName(ds).get();
            return x != null
                            && x.getSpec().getTemplate().getSpec().getVolumes().stream()
                                    .anyMatch(v -> v.getSecret() != null
                                            && clientTls.equals(v.getSecret().getSecretName()))
                    ? x
                    : null;
        });
        if (collectorRuns == 0) { // the DaemonSet controller + scheduler: a Pod bound to this node gets a CIN slot
            k().pods()
                    .inNamespace(NS)
                    .resource(new PodBuilder()
                            .withNewMetadata()
                            .withName(ds + "-sysit")
                            .withNamespace(NS)
                            .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
                            .endMetadata()
                            .withNewSpecLike(d.getSpec().getTemplate().getSpec())
                            .withNodeName(NODE)
                            .endSpec()
                            .build())
                    .create();
            Resources.daemonSetReady(k(), NS, ds, 0);
            await("CIN slot of node " + NODE, () -> {
                Collector c = k().resources(Collector.class)
                        .inNamespace(NS)
                        .withName(name)
                        .get();
                return c != null
                        && c.getStatus() != null
                        && c.getStatus().getCinSlots() != null
                        && c.getStatus().getCinSlots().containsKey(NODE);
            });
        }
        collector = kubelet.start(
                ds + "-sysit",
                collectorRuns++,
                d.getSpec().getTemplate().getSpec(),
                "collector-image",
                "io.kubeli.collector.CollectorMain",
                a -> {
                    String target = a.get(a.indexOf("--output") + 1);
                    return Kubelet.withOption(
                            Kubelet.withOption(
                                    a, "--output", target.substring(0, target.lastIndexOf(':') + 1) + mediatorLinkPort),
                            "--metrics-port",
                            "0");
                });
        pods.add(collector);
        if (live) {
            collectorMetricsPort = Integer.parseInt(collector.awaitLine("metrics on :(\\d+)/metrics", WAIT));
            await("collector /readyz", () -> Http.status(collectorMetricsPort, "/readyz") == 200);
            Resources.daemonSetReady(k(), NS, ds, 1);
        }
        return collector;
    }

    long metric(String name) {
        return Http.metric(collectorMetricsPort, name);
    }

    /** Unique records per LIID and stream at the agency (in-process counters). */
    long received(String liid, String stream) {
        return agency.summary().streams().stream()
                .filter(s -> s.liid().equals(liid) && s.stream().equals(stream))
                .mapToLong(s -> s.unique())
                .sum();
    }

    <T> T await(String what, Supplier<T> condition) {
        return await(what, WAIT, condition);
    }

    /** Polls until the condition yields non-null/non-false; fails with the processes' last log lines. */
    <T> T await(String what, Duration timeout, Supplier<T> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                T v = condition.get();
                if (v != null && !Boolean.FALSE.equals(v)) {
                    return v;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            PodProcess.sleep(20);
        }
        throw failure("timed out after " + timeout + " waiting for " + what, last);
    }

    /** A failure with the agency's counts and the processes' last log lines. */
    AssertionError failure(String message) {
        return failure(message, null);
    }

    AssertionError failure(String message, Throwable last) {
        StringBuilder sb = new StringBuilder(message + (last != null ? " (last error: " + last + ")" : "") + "\n"
                + agency.summary().oneLine() + "\n");
        try { // what the operator and the mediator wrote: names, phases and conditions only
            var k = cluster.client;
            for (var kind : List.<Class<? extends io.fabric8.kubernetes.api.model.HasMetadata>>of(
                    io.kubeli.api.v1alpha1.Agency.class,
                    io.kubeli.api.v1alpha1.Mediator.class,
                    Collector.class,
                    io.kubeli.api.v1alpha1.Intercept.class)) {
                for (var r : k.resources(kind).inNamespace(NS).list().getItems()) {
                    var st = io.fabric8.kubernetes.client.utils.Serialization.asJson(
                            ((io.fabric8.kubernetes.client.CustomResource<?, ?>) r).getStatus());
                    sb.append(kind.getSimpleName())
                            .append('/')
                            .append(r.getMetadata().getName())
                            .append(" status ")
                            .append(st.replaceAll("\"ip\":\"[^\"]*\"", "\"ip\":\"…\""))
                            .append('\n');
                }
            }
        } catch (RuntimeException e) {
            sb.append("(resources not readable: ").append(e.getMessage()).append(")\n");
        }
        for (PodProcess p : pods) {
            sb.append(p.tail(25));
        }
        return new AssertionError(sb.toString());
    }

    private static String localHost() throws Exception {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return Files.exists(Path.of("/etc/hostname"))
                    ? Files.readString(Path.of("/etc/hostname")).trim()
                    : "localhost";
        }
    }

    /** Collectors first, then the mediator (as a drain would), the operator, the mock server and the agency. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (PodProcess p : pods.reversed()) {
            p.close();
        }
        cluster.close();
        agency.stop();
    }
}
