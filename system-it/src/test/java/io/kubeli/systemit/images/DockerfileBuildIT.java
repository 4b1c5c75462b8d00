package io.kubeli.systemit.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeli.api.v1alpha1.MediatorServiceSpec;
import io.kubeli.systemit.images.Dockerfile.Instruction;
import io.kubeli.systemit.images.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped Dockerfiles build: each one's build stage is replayed on the context Docker would send (the
 * {@code .dockerignore} and every COPY honoured) with its own RUN lines, Maven offline against the local repository
 * minus KubeLI's own artefacts (so only the reactor in the context can supply them). Then every runtime-stage
 * {@code COPY --from} source must exist, ENTRYPOINT and HEALTHCHECK must name classes that are in the copied jars,
 * EXPOSE must be the ports the operator renders and the image must run as a non-root user.
 */
class DockerfileBuildIT {
    static Path root;
    static Path out;
    static Map<String, String> env;

    @BeforeAll
    static void environment() throws IOException {
        root = Path.of(System.getProperty("kubeli.root", "..")).toAbsolutePath().normalize();
        out = Path.of(System.getProperty("kubeli.systemit.out", "target"))
                .toAbsolutePath()
                .resolve("images");
        Path userHome =
                Path.of(System.getenv().getOrDefault("MAVEN_USER_HOME", System.getProperty("user.home") + "/.m2"));
        // the wrapper's Maven distribution must already be unpacked: the replay has no network
        Properties wrapper = new Properties();
        try (var in = Files.newInputStream(root.resolve(".mvn/wrapper/maven-wrapper.properties"))) {
            wrapper.load(in);
        }
        String url = wrapper.getProperty("distributionUrl", "");
        String dist = url.substring(url.lastIndexOf('/') + 1).replaceAll("-bin\\.zip$", "");
        Assumptions.assumeTrue(
                Files.isDirectory(userHome.resolve("wrapper/dists").resolve(dist)),
                "skipped: the Maven wrapper's " + dist + " is not unpacked under " + userHome + "/wrapper/dists");
        Path repo = Path.of(System.getProperty(
                "kubeli.m2.repo", userHome.resolve("repository").toString()));
        Assumptions.assumeTrue(Files.isDirectory(repo), "skipped: no local Maven repository at " + repo);

        Files.createDirectories(out);
        Path tail = out.resolve("m2-tail");
        deleteTree(tail);
        linkRepositoryWithoutKubeli(repo, tail);
        Path head = out.resolve("m2-head");
        deleteTree(head);
        Files.createDirectories(head);

        env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("MAVEN_") || k.equals("MAVEN_USER_HOME")) {
                env.put(k, v); // the outer build's MAVEN_* settings are not the image's
            }
        });
        String javaHome = System.getProperty("java.home");
        env.put("JAVA_HOME", javaHome);
        env.put("PATH", javaHome + "/bin:" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        // offline; a fresh local repository in front of a read-only view of the host's without io/kubeli
        env.put("MAVEN_ARGS", "-o -Dmaven.repo.local=" + head + " -Dmaven.repo.local.tail=" + tail);
    }

    @Test
    void collectorImageBuildsAndRunsItsMainClass() throws Exception {
        replay(
                root.resolve("Dockerfile.collector"),
                "collector",
                true,
                Set.of(io.kubeli.operator.collector.CollectorConfig.METRICS_PORT),
                (image, r) -> {
                    if (r.nativeStepsRun()) {
                        assertNotNull(
                                image.resolve("/opt/kubeli/lib/native/libkubeli_dpdk.so"),
                                "the DPDK shim is not where DpdkShim looks for it (next to the capture-bypass jar, in native/)");
                    } else {
                        System.out.println(
                                "  the DPDK shim was not built (host lacks " + r.missingPackages() + "): not checked");
                    }
                });
    }

    @Test
    void mediatorImageBuildsAndRunsItsMainClass() throws Exception {
        replay(
                root.resolve("Dockerfile.mediator"),
                "mediator",
                true,
                Set.of(MediatorServiceSpec.DEFAULT_PORT, io.kubeli.operator.mediator.MediatorConfig.METRICS_PORT),
                (image, r) -> {});
    }

    @Test
    void operatorImageBuildsAndRunsQuarkusRunJar() throws Exception {
        replay(root.resolve("operator/Dockerfile"), "operator", false, Set.of(8080), (image, r) -> {});
    }

    /** The images' old build stages copied only some module POMs: Maven stops at the parent's module list. */
    @Test
    void aBuildStageMissingAModulePomFails() throws Exception {
        Path df = Path.of(getClass().getResource("Dockerfile.partial").toURI());
        BuildStage.RunFailed e = assertThrows(BuildStage.RunFailed.class, () -> replayBuild(df, "partial"));
        assertTrue(e.log.contains("does not exist"), e.log);
    }

    /** A .dockerignore that leaves out a reactor module breaks the build: the replay honours it. */
    @Test
    void aDockerignoreExcludingAModuleFails() throws Exception {
        Path dir = out.resolve("ignore-case-dockerfile");
        deleteTree(dir);
        Files.createDirectories(dir);
        Path df = Files.copy(root.resolve("Dockerfile.mediator"), dir.resolve("Dockerfile"));
        Files.writeString(
                dir.resolve("Dockerfile.dockerignore"),
                Files.readString(root.resolve(".dockerignore")) + "\nsystem-it\n");
        BuildStage.RunFailed e = assertThrows(BuildStage.RunFailed.class, () -> replayBuild(df, "ignore-case"));
        assertTrue(e.log.contains("system-it") && e.log.contains("does not exist"), e.log);
    }

    /** Checks specific to one image, run on the replayed build. */
    interface Extra {
        void check(ImageView image, BuildStage.Result replay) throws Exception;
    }

    private static BuildStage.Result replayBuild(Path dockerfile, String name) throws Exception {
        Dockerfile d = Dockerfile.parse(dockerfile);
        Stage build = buildStage(d);
        Path work = out.resolve(name);
        deleteTree(work);
        Path log = out.resolve(name + ".log");
        Files.deleteIfExists(log);
        return new BuildStage(d, root, env, 20).run(build, work.resolve("src"), log);
    }

    /** {@code aot}: the image must start from a JDK AOT cache trained at build (issue 16: start-up). */
    private static void replay(Path dockerfile, String name, boolean aot, Set<Integer> ports, Extra extra)
            throws Exception {
        Dockerfile d = Dockerfile.parse(dockerfile);
        Stage runtime = d.finalStage();
        Stage build = buildStage(d);
        long t0 = System.nanoTime();
        BuildStage.Result r;
        try {
            r = replayBuild(dockerfile, name);
        } catch (BuildStage.RunFailed e) {
            Matcher offline = Pattern.compile("(?m)^.*(offline mode|has not been downloaded).*$")
                    .matcher(e.log);
            // a KubeLI module missing offline is the Dockerfile's fault (the reactor must build it), not the host's
            if (offline.find()
                    && !Pattern.compile("(artifact|resolved:) io\\.kubeli:")
                            .matcher(offline.group())
                            .find()) {
                Assumptions.abort("skipped: the local Maven repository lacks what " + dockerfile.getFileName()
                        + " needs offline: " + offline.group().strip());
            }
            fail(dockerfile + " cannot build: " + e.getMessage() + "\n" + e.log);
            return;
        }
        System.out.printf(
                "%s: build stage replayed in %d s%n",
                dockerfile.getFileName(), (System.nanoTime() - t0) / 1_000_000_000L);
        r.notes().forEach(n -> System.out.println("  " + n));

        ImageView image = ImageView.of(runtime, build, r);
        Instruction entry = runtime.last("ENTRYPOINT").orElseThrow(() -> new AssertionError("no ENTRYPOINT"));
        assertTrue(entry.execForm(), "ENTRYPOINT must be the exec form (signals reach java): " + entry);
        image.checkJavaCommand(entry.args(), "ENTRYPOINT");
        aotCache(runtime, image, entry, name, aot);

        Set<Integer> exposed = new TreeSet<>();
        runtime.all("EXPOSE").forEach(i -> i.args().forEach(p -> exposed.add(Integer.parseInt(p.split("/")[0]))));
        assertEquals(new TreeSet<>(ports), exposed, "EXPOSE must be the ports the operator renders");
        var health = runtime.last("HEALTHCHECK");
        if (health.isPresent() && !health.get().rest().equalsIgnoreCase("NONE")) {
            String rest = health.get().rest();
            assertTrue(rest.startsWith("CMD ["), "HEALTHCHECK must use CMD's exec form: " + rest);
            List<String> cmd = List.of(new ObjectMapper().readValue(rest.substring(4), String[].class));
            image.checkJavaCommand(cmd, "HEALTHCHECK");
            Matcher port = Pattern.compile("://[^/:]+:(\\d+)/").matcher(String.join(" ", cmd));
            assertTrue(port.find(), "HEALTHCHECK names no port: " + cmd);
            assertTrue(exposed.contains(Integer.parseInt(port.group(1))), "HEALTHCHECK probes a port not exposed");
        }

        String user = runtime.last("USER").map(i -> i.rest()).orElse("0");
        String uid = user.split(":")[0];
        assertFalse(uid.equals("0") || uid.equals("root"), dockerfile + " runs as root (USER " + user + ")");

        extra.check(image, r);
        deleteTree(out.resolve(name)); // the replayed tree is large; its log stays
    }

    /**
     * The runtime stage's AOT cache training ({@code RUN sh /opt/kubeli/aot/train.sh /opt/kubeli}), replayed on the
     * image's files with the test's JDK and the JAVA_TOOL_OPTIONS the stage sets before it; then the ENTRYPOINT (with
     * {@code --help}) must start from the cache it names: {@code -XX:AOTMode=on} makes a cache the JVM cannot use (other
     * flags, other class path, a jar changed after training) an error instead of a warning.
     */
    private static void aotCache(Stage runtime, ImageView image, Instruction entry, String name, boolean required)
            throws Exception {
        String cacheFlag = entry.args().stream()
                .filter(a -> a.startsWith("-XX:AOTCache="))
                .findFirst()
                .orElse(null);
        List<Instruction> training = runtime.all("RUN").stream()
                .filter(i -> i.rest().contains("aot/train.sh"))
                .toList();
        assertTrue(
                cacheFlag != null || !required, "the ENTRYPOINT starts from no AOT cache (-XX:AOTCache=...): " + entry);
        if (cacheFlag == null) {
            assertTrue(training.isEmpty(), "an AOT cache is trained but the ENTRYPOINT does not use it");
            return;
        }
        assertEquals(1, training.size(), "the ENTRYPOINT names an AOT cache: one RUN .../aot/train.sh must train it");
        Instruction train = training.getFirst();
        Map<String, String> trainEnv = new HashMap<>(env);
        Map<String, String> runEnv = new HashMap<>(env);
        Pattern opts = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"");
        for (Instruction i : runtime.all("ENV")) {
            Matcher m = opts.matcher(i.rest());
            if (m.find()) {
                runEnv.put("JAVA_TOOL_OPTIONS", m.group(1));
                if (i.line() < train.line()) {
                    trainEnv.put(
                            "JAVA_TOOL_OPTIONS", m.group(1)); // the training runs with the flags set before it only
                }
            }
        }
        Path log = out.resolve(name + "-aot.log");
        long t0 = System.nanoTime();
        int rc = exec(List.of("/bin/sh", "-c", relocate(train.rest(), image)), trainEnv, log);
        assertEquals(0, rc, "AOT training " + train + " failed: " + Files.readString(log));
        String cacheInImage = cacheFlag.substring("-XX:AOTCache=".length());
        assertNotNull(image.resolve(cacheInImage), "the training wrote no " + cacheInImage);
        System.out.printf(
                "  AOT training replayed in %d s: %s (%d MB)%n",
                (System.nanoTime() - t0) / 1_000_000_000L, cacheInImage, Files.size(image.resolve(cacheInImage)) >> 20);

        List<String> start = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:AOTMode=on"));
        for (String a : entry.args().subList(1, entry.args().size())) {
            start.add(relocate(a, image));
        }
        start.add("--help");
        rc = exec(start, runEnv, log);
        String said = Files.readString(log);
        assertEquals(0, rc, "the ENTRYPOINT does not start from its AOT cache: " + said);
        assertFalse(said.contains("[aot]"), "AOT cache warnings: " + said);
    }

    /** {@code text} with every absolute image path replaced by the replayed file it names (which must exist). */
    private static String relocate(String text, ImageView image) {
        Matcher m = Pattern.compile("(?<=^|[\\s=:])(/[^\\s:'\"]+)").matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Path host = image.resolve(m.group(1));
            assertNotNull(host, m.group(1) + " (in " + text + ") is not in the image");
            m.appendReplacement(sb, Matcher.quoteReplacement(host.toString()));
        }
        return m.appendTail(sb).toString();
    }

    private static int exec(List<String> cmd, Map<String, String> environment, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p = pb.start();
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(cmd + " still running after 5 min");
        }
        return p.exitValue();
    }

    /** The stage the runtime stage copies from that is built here (not an image-only alias such as jdk/jre). */
    private static Stage buildStage(Dockerfile d) {
        List<Stage> built = d.finalStage().all("COPY").stream()
                .map(i -> i.flag("from"))
                .flatMap(java.util.Optional::stream)
                .distinct()
                .map(d::stage)
                .flatMap(java.util.Optional::stream)
                .filter(s -> !s.imageOnly())
                .toList();
        assertEquals(1, built.size(), d.file() + ": expected one build stage, got " + built);
        return built.getFirst();
    }

    /** A read-only view of the host's local repository without io/kubeli (symlinks; nothing is written there). */
    private static void linkRepositoryWithoutKubeli(Path repo, Path tail) throws IOException {
        Files.createDirectories(tail.resolve("io"));
        try (Stream<Path> top = Files.list(repo)) {
            for (Path p : top.toList()) {
                if (!p.getFileName().toString().equals("io")
                        && !p.getFileName().toString().startsWith(".")) {
                    Files.createSymbolicLink(tail.resolve(p.getFileName().toString()), p);
                }
            }
        }
        Path io = repo.resolve("io");
        if (Files.isDirectory(io)) {
            try (Stream<Path> s = Files.list(io)) {
                for (Path p : s.toList()) {
                    if (!p.getFileName().toString().equals("kubeli")) {
                        Files.createSymbolicLink(
                                tail.resolve("io").resolve(p.getFileName().toString()), p);
                    }
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) { // walk does not follow the tail's symlinks
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
