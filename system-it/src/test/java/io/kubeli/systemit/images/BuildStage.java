package io.kubeli.systemit.images;

import io.kubeli.systemit.images.Dockerfile.Instruction;
import io.kubeli.systemit.images.Dockerfile.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Replays a Dockerfile build stage on the host: the stage's WORKDIR becomes a temporary directory, each COPY/ADD
 * from the build context copies what Docker would send (the {@code .dockerignore} applied), and each RUN runs there
 * with {@code /bin/sh -c}. Package installs are not run: their packages are checked on the host instead, and RUN
 * lines that build native code from a {@code src/main/c/} script are skipped (with a note) when any is missing.
 */
final class BuildStage {
    /** What a replay did, for the test's messages and assertions. */
    record Result(
            Path workdir,
            String containerWorkdir,
            List<String> notes,
            List<String> missingPackages,
            boolean nativeStepsRun) {
        /** The host path of an absolute path inside the build stage (which must lie under its WORKDIR). */
        Path host(String containerPath) {
            String wd = containerWorkdir.endsWith("/") ? containerWorkdir : containerWorkdir + "/";
            if (containerPath.equals(containerWorkdir)) {
                return workdir;
            }
            if (!containerPath.startsWith(wd)) {
                throw new AssertionError(containerPath + " is outside the build stage's WORKDIR " + containerWorkdir
                        + ": the test can only check outputs under WORKDIR");
            }
            return workdir.resolve(containerPath.substring(wd.length()));
        }
    }

    /** A RUN line exited non-zero; {@code log} holds its output. */
    static final class RunFailed extends Exception {
        final String log;

        RunFailed(String message, String log) {
            super(message);
            this.log = log;
        }
    }

    private static final Pattern ABSOLUTE = Pattern.compile("(?<=^|[\\s=:'\"(])(/[^\\s'\";&|)]*)");
    private static final Pattern NATIVE = Pattern.compile("src/main/c/\\S+");

    private final Dockerfile dockerfile;
    private final Path context;
    private final Map<String, String> env;
    private final long timeoutMinutes;

    BuildStage(Dockerfile dockerfile, Path context, Map<String, String> env, long timeoutMinutes) {
        this.dockerfile = dockerfile;
        this.context = context;
        this.env = env;
        this.timeoutMinutes = timeoutMinutes;
    }

    Result run(Stage stage, Path into, Path logFile) throws IOException, InterruptedException, RunFailed {
        DockerIgnore ignore = DockerIgnore.forContext(context, dockerfile.file());
        List<String> notes = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        String workdir = "/";
        boolean nativeRun = false;
        Files.createDirectories(into);
        for (Instruction i : stage.instructions()) {
            switch (i.keyword()) {
                case "WORKDIR" -> {
                    String w = i.rest();
                    workdir = w.startsWith("/") ? w : workdir + (workdir.endsWith("/") ? "" : "/") + w;
                    if (workdir.contains("$")) {
                        throw new AssertionError(i + ": variables in WORKDIR are not replayed by the test");
                    }
                }
                case "COPY", "ADD" -> {
                    if (i.flag("from").isPresent()) {
                        String from = i.flag("from").get();
                        if (dockerfile.stage(from).map(s -> !s.imageOnly()).orElse(false)) {
                            throw new AssertionError(
                                    i + ": copying from another build stage is not replayed by the test");
                        }
                        notes.add("skipped " + i + " (contents of the image " + from + ": the test uses its own JDK)");
                        continue;
                    }
                    copyFromContext(i, ignore, into, workdir);
                }
                case "RUN" -> {
                    String cmd = i.execForm() ? String.join(" ", i.args()) : i.rest();
                    if (cmd.matches("(?s).*\\bapt-get\\b.*\\binstall\\b.*")) {
                        missing.addAll(missingPackages(cmd));
                        notes.add("not run " + i.toString().lines().findFirst().orElse("") + " (host packages checked"
                                + (missing.isEmpty() ? ": all present)" : "; missing: " + missing + ")"));
                        continue;
                    }
                    if (NATIVE.matcher(cmd).find() && !missing.isEmpty()) {
                        notes.add("SKIPPED native step " + i + ": the host lacks " + missing);
                        continue;
                    }
                    nativeRun |= NATIVE.matcher(cmd).find();
                    long t0 = System.nanoTime();
                    exec(i, relocate(i, cmd, workdir, into), hostDir(into, workdir, workdir), logFile);
                    notes.add("ran line " + i.line() + " in " + (System.nanoTime() - t0) / 1_000_000_000L + " s: RUN "
                            + (cmd.length() > 90 ? cmd.substring(0, 90) + "..." : cmd));
                }
                case "ENV",
                        "ARG",
                        "LABEL",
                        "USER",
                        "SHELL",
                        "EXPOSE",
                        "VOLUME",
                        "ENTRYPOINT",
                        "CMD",
                        "HEALTHCHECK",
                        "STOPSIGNAL",
                        "ONBUILD" -> {
                    // environment of the image (JAVA_HOME, PATH): the host's JDK stands in for it
                }
                default -> throw new AssertionError(i + ": unknown instruction");
            }
        }
        return new Result(hostDir(into, workdir, workdir), workdir, notes, missing, nativeRun);
    }

    /** COPY/ADD of context files: sources relative to the context root (globs per segment), dest to WORKDIR. */
    private void copyFromContext(Instruction i, DockerIgnore ignore, Path into, String workdir) throws IOException {
        List<String> a = i.args();
        if (a.size() < 2) {
            throw new AssertionError(i + ": needs a source and a destination");
        }
        String dest = a.getLast();
        Path destHost = hostDir(into, workdir, dest.startsWith("/") ? dest : workdir + "/" + dest);
        boolean destIsDir = dest.endsWith("/") || dest.equals(".") || a.size() > 2;
        for (String src : a.subList(0, a.size() - 1)) {
            if (src.contains("://") || src.contains("$")) {
                throw new AssertionError(i + ": URLs and variables are not replayed by the test");
            }
            List<Path> matches = glob(DockerIgnore.clean(src.startsWith("/") ? src.substring(1) : src), ignore);
            if (matches.isEmpty()) {
                // Docker: "failed to compute cache key: ... not found"
                throw new AssertionError(i + ": " + src + " is not in the build context (.dockerignore applied)");
            }
            destIsDir |= matches.size() > 1;
            for (Path m : matches) {
                if (Files.isDirectory(m, LinkOption.NOFOLLOW_LINKS)) {
                    copyTree(m, destHost, ignore); // a directory's contents, not the directory itself
                } else {
                    Path target = destIsDir ? destHost.resolve(m.getFileName().toString()) : destHost;
                    Files.createDirectories(target.getParent());
                    Files.copy(m, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private List<Path> glob(String pattern, DockerIgnore ignore) throws IOException {
        if (pattern.equals(".")) {
            return List.of(context);
        }
        PathMatcher pm = FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace("**", "*"));
        int depth = pattern.split("/").length;
        try (Stream<Path> s = Files.walk(context, depth)) {
            return s.filter(p -> !p.equals(context))
                    .filter(p -> context.relativize(p).getNameCount() == depth)
                    .filter(p -> pm.matches(context.relativize(p)))
                    .filter(p -> !ignore.excluded(rel(p)))
                    .sorted()
                    .toList();
        }
    }

    private void copyTree(Path dir, Path dest, DockerIgnore ignore) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(context) && ignore.excluded(rel(d))) {
                    return FileVisitResult
                            .SKIP_SUBTREE; // Docker re-includes below only with a "!" rule; none is used here
                }
                Files.createDirectories(dest.resolve(dir.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (!ignore.excluded(rel(f))) {
                    Files.copy(
                            f,
                            dest.resolve(dir.relativize(f).toString()),
                            StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private String rel(Path p) {
        return context.relativize(p).toString().replace('\\', '/');
    }

    /** The RUN line with WORKDIR paths pointed at the replay; any other absolute path would touch the host. */
    private static String relocate(Instruction i, String cmd, String workdir, Path into) {
        Matcher m = ABSOLUTE.matcher(cmd);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String p = m.group(1);
            String wd = workdir.endsWith("/") ? workdir : workdir + "/";
            String replacement;
            if (p.equals("/dev/null")) {
                replacement = p;
            } else if (p.equals(workdir) || p.startsWith(wd)) {
                replacement = hostDir(into, workdir, p).toString();
            } else {
                throw new AssertionError(i + ": uses " + p + " outside WORKDIR " + workdir
                        + " (build outputs belong under WORKDIR, where the runtime stage copies them from)");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(sb).toString();
    }

    private static Path hostDir(Path into, String workdir, String containerPath) {
        if (!containerPath.equals(workdir)
                && !containerPath.startsWith(workdir.endsWith("/") ? workdir : workdir + "/")) {
            throw new AssertionError(containerPath + " is outside WORKDIR " + workdir + ": not replayed by the test");
        }
        String relative = containerPath.substring(workdir.length()).replaceAll("^/+", "");
        return relative.isEmpty() ? into : into.resolve(relative);
    }

    private void exec(Instruction i, String cmd, Path cwd, Path logFile)
            throws IOException, InterruptedException, RunFailed {
        Files.createDirectories(cwd);
        long before = Files.exists(logFile) ? Files.size(logFile) : 0;
        Files.writeString(
                logFile,
                "\n### " + i + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", cmd)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new RunFailed(i + ": still running after " + timeoutMinutes + " min", tail(logFile, before));
        }
        if (p.exitValue() != 0) {
            throw new RunFailed(i + ": exit " + p.exitValue(), tail(logFile, before));
        }
    }

    private static String tail(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        String s = new String(
                all,
                (int) Math.min(from, all.length),
                (int) (all.length - Math.min(from, all.length)),
                StandardCharsets.UTF_8);
        return s.length() > 6000 ? "..." + s.substring(s.length() - 6000) : s;
    }

    /** The packages an {@code apt-get install} names that dpkg does not report as installed on the host. */
    private static List<String> missingPackages(String cmd) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String part : cmd.split("&&|;")) {
            String[] t = part.strip().split("\\s+");
            int at = List.of(t).indexOf("install");
            if (at < 0 || !part.contains("apt-get")) {
                continue;
            }
            for (String pkg : List.of(t).subList(at + 1, t.length)) {
                if (pkg.startsWith("-") || pkg.contains("$")) {
                    continue;
                }
                try {
                    Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Status}", pkg)
                            .redirectErrorStream(true)
                            .start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (p.waitFor() != 0 || !out.contains("install ok installed")) {
                        missing.add(pkg);
                    }
                } catch (IOException noDpkg) {
                    missing.add(pkg); // not a Debian host: cannot tell, so treat as missing
                }
            }
        }
        return missing;
    }
}
