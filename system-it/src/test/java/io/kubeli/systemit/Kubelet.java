package io.kubeli.systemit;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays the kubelet for one node: turns the pod template the operator rendered into a JVM process started from a
 * module's built artifacts. Env references are expanded, mounts become directories filled from the referenced
 * ConfigMaps and Secrets, names resolve through a hosts file (the "cluster DNS"), and the API server is the mock
 * server through a kubeconfig.
 */
final class Kubelet {
    private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private final KubernetesClient client;
    private final Path root; // repository root (module artifacts)
    private final Path work; // per-run directory under target/
    private final Path kubeconfig;
    private final Path hosts;
    private final String namespace;
    private final String nodeName;

    Kubelet(
            KubernetesClient client,
            Path root,
            Path work,
            Path kubeconfig,
            Path hosts,
            String namespace,
            String nodeName) {
        this.client = client;
        this.root = root;
        this.work = work;
        this.kubeconfig = kubeconfig;
        this.hosts = hosts;
        this.namespace = namespace;
        this.nodeName = nodeName;
    }

    /**
     * Starts the first container of {@code spec} as pod {@code podName}; {@code restart} > 0 is a container restart
     * (same volumes, so emptyDirs such as the collector's spool survive, as in Kubernetes).
     *
     * @param module module directory holding {@code target/<artifact>-*.jar} and {@code target/lib}
     * @param override the laptop's changes to the container args (ports, say), applied after expansion and mapping
     */
    PodProcess start(
            String podName,
            int restart,
            PodSpec spec,
            String module,
            String mainClass,
            UnaryOperator<List<String>> override)
            throws IOException {
        Container c = spec.getContainers().get(0);
        Map<String, String> env = env(c, podName);
        Path podDir = Files.createDirectories(work.resolve(podName));
        Map<String, Path> mounts = mounts(spec, c, podDir);
        List<String> args = new ArrayList<>();
        for (String a : c.getArgs() == null ? List.<String>of() : c.getArgs()) {
            args.add(mapPath(expand(a, env), mounts));
        }
        args = override.apply(args);

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-XX:+UseSerialGC"); // two cores shared by everything in this test
        cmd.add("-Xmx256m");
        cmd.add("-Djdk.net.hosts.file=" + hosts); // the cluster DNS
        Path tmp = mounts.get("/tmp");
        cmd.add("-Djava.io.tmpdir=" + (tmp != null ? tmp : Files.createDirectories(podDir.resolve("tmp"))));
        cmd.add("-cp");
        cmd.add(classpath(module));
        cmd.add(mainClass);
        cmd.addAll(args);

        ProcessBuilder pb = new ProcessBuilder(cmd).directory(podDir.toFile());
        Map<String, String> penv = pb.environment();
        penv.keySet().removeIf(k -> k.startsWith("KUBERNETES_")); // not "in a pod": use the kubeconfig
        penv.put("KUBECONFIG", kubeconfig.toString());
        penv.putAll(env);
        String log = restart == 0 ? podName : podName + "-restart" + restart;
        Path out = work.resolve(log + ".out");
        Path err = work.resolve(log + ".err");
        Files.writeString(work.resolve(log + ".cmd"), String.join(" ", cmd) + "\n");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new PodProcess(log, pb.start(), out, err);
    }

    /** The container's environment with downward-API fields resolved. */
    Map<String, String> env(Container c, String podName) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), expand(e.getValue(), env));
            } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                String path = e.getValueFrom().getFieldRef().getFieldPath();
                env.put(
                        e.getName(),
                        switch (path) {
                            case "metadata.namespace" -> namespace;
                            case "metadata.name" -> podName;
                            case "spec.nodeName" -> nodeName;
                            case "status.podIP", "status.hostIP" -> "127.0.0.1";
                            default ->
                                throw new IllegalStateException(
                                        "fieldRef " + path + " is not supported by the test kubelet");
                        });
            }
        }
        return env;
    }

    /** Kubernetes $(VAR) expansion: defined variables are replaced, others stay as written. */
    static String expand(String s, Map<String, String> env) {
        Matcher m = VAR.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        return m.appendTail(sb).toString();
    }

    /** Mount path → directory on this machine, populated like the kubelet would. */
    private Map<String, Path> mounts(PodSpec spec, Container c, Path podDir) throws IOException {
        Map<String, Volume> volumes = new HashMap<>();
        for (Volume v : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
            volumes.put(v.getName(), v);
        }
        Map<String, Path> out = new LinkedHashMap<>();
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            Path dir = Files.createDirectories(podDir.resolve("vol-" + m.getName()));
            Volume v = volumes.get(m.getName()); // null: a StatefulSet volumeClaimTemplate (a fresh volume here)
            if (v != null && v.getConfigMap() != null) {
                ConfigMap cm = client.configMaps()
                        .inNamespace(namespace)
                        .withName(v.getConfigMap().getName())
                        .get();
                if (cm == null) {
                    throw new IllegalStateException(
                            "ConfigMap " + v.getConfigMap().getName() + " not found");
                }
                Map<String, byte[]> data = new HashMap<>();
                cm.getData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
                write(dir, data, v.getConfigMap().getItems());
            } else if (v != null && v.getSecret() != null) {
                Secret s = client.secrets()
                        .inNamespace(namespace)
                        .withName(v.getSecret().getSecretName())
                        .get();
                if (s == null) {
                    throw new IllegalStateException("Secret " + v.getSecret().getSecretName() + " not found");
                }
                Map<String, byte[]> data = new HashMap<>();
                if (s.getData() != null) {
                    s.getData()
                            .forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
                }
                if (s.getStringData() != null) {
                    s.getStringData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
                }
                write(dir, data, v.getSecret().getItems());
            }
            out.put(m.getMountPath(), dir);
        }
        return out;
    }

    private static void write(Path dir, Map<String, byte[]> data, List<KeyToPath> items) throws IOException {
        if (items == null || items.isEmpty()) {
            for (var e : data.entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
            }
            return;
        }
        for (KeyToPath i : items) {
            Path p = dir.resolve(i.getPath());
            Files.createDirectories(p.getParent());
            Files.write(p, data.get(i.getKey()));
        }
    }

    /** Rewrites an argument that is a mount path or a path below one. */
    static String mapPath(String arg, Map<String, Path> mounts) {
        List<String> paths = mounts.keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        for (String p : paths) {
            if (arg.equals(p)) {
                return mounts.get(p).toString();
            }
            if (arg.startsWith(p + "/")) {
                return mounts.get(p).resolve(arg.substring(p.length() + 1)).toString();
            }
        }
        return arg;
    }

    /** The module's jar plus its copied runtime dependencies (what the image would contain). */
    private String classpath(String module) throws IOException {
        Path target = root.resolve(module).resolve("target");
        Path jar;
        try (var files = Files.list(target)) {
            jar = files.filter(f -> {
                        String n = f.getFileName().toString();
                        return n.endsWith(".jar") && !n.endsWith("-tests.jar") && !n.endsWith("-sources.jar");
                    })
                    .findFirst()
                    .orElse(null);
        }
        if (jar == null || !Files.isDirectory(target.resolve("lib"))) {
            throw new IllegalStateException(module + " is not built (no jar or target/lib in " + target
                    + "): run the reactor build first, e.g. ./mvnw -B verify");
        }
        return jar + java.io.File.pathSeparator + target.resolve("lib") + java.io.File.separator + "*";
    }

    /** Replaces the value after {@code option} (e.g. a port the laptop must choose). */
    static List<String> withOption(List<String> args, String option, String value) {
        List<String> out = new ArrayList<>(args);
        int i = out.indexOf(option);
        if (i < 0 || i + 1 >= out.size()) {
            throw new IllegalStateException("the rendered container args have no " + option + ": " + args);
        }
        out.set(i + 1, value);
        return out;
    }
}
