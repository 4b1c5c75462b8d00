package io.kubeli.systemit.images;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.systemit.images.Dockerfile.Instruction;
import io.kubeli.systemit.images.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The part of a runtime image that comes from the replayed build stage: each {@code COPY --from=<build>} source is
 * looked up in the replay (and must exist), and image paths resolve to those host files.
 */
final class ImageView {
    private record Mapping(String imagePath, Path host, boolean dir) {}

    private final List<Mapping> mappings = new ArrayList<>();

    /** Maps every COPY --from=buildStage of {@code runtime}; fails on a source the build stage did not produce. */
    static ImageView of(Stage runtime, Stage build, BuildStage.Result replay) throws IOException {
        ImageView v = new ImageView();
        for (Instruction i : runtime.all("COPY")) {
            if (!i.flag("from").map(f -> f.equals(build.ref())).orElse(false)) {
                continue;
            }
            List<String> a = i.args();
            String dest = a.getLast();
            boolean destDir = dest.endsWith("/") || a.size() > 2;
            for (String src : a.subList(0, a.size() - 1)) {
                List<Path> found = glob(replay, src);
                assertFalse(found.isEmpty(), i + ": the build stage produced nothing at " + src);
                for (Path p : found) {
                    if (Files.isDirectory(p)) {
                        v.mappings.add(new Mapping(trim(dest), p, true));
                    } else {
                        boolean intoDir = destDir || found.size() > 1;
                        v.mappings.add(new Mapping(intoDir ? trim(dest) + "/" + p.getFileName() : dest, p, false));
                    }
                }
            }
        }
        assertFalse(v.mappings.isEmpty(), "the runtime stage copies nothing from the build stage " + build.ref());
        return v;
    }

    private static List<Path> glob(BuildStage.Result replay, String src) throws IOException {
        int slash = src.lastIndexOf('/');
        String name = src.substring(slash + 1);
        if (name.isEmpty()) {
            Path dir = replay.host(trim(src));
            return Files.isDirectory(dir) ? List.of(dir) : List.of();
        }
        Path parent = replay.host(src.substring(0, slash));
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        PathMatcher pm = FileSystems.getDefault().getPathMatcher("glob:" + name);
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> pm.matches(p.getFileName())).sorted().toList();
        }
    }

    private static String trim(String p) {
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** The host file behind an image path, or null when the build stage did not put it there. */
    Path resolve(String imagePath) {
        Path hit = null;
        for (Mapping m : mappings) {
            Path candidate = null;
            if (m.dir() && imagePath.equals(m.imagePath())) {
                candidate = m.host();
            } else if (m.dir() && imagePath.startsWith(m.imagePath() + "/")) {
                candidate = m.host().resolve(imagePath.substring(m.imagePath().length() + 1));
            } else if (!m.dir() && imagePath.equals(m.imagePath())) {
                candidate = m.host();
            }
            if (candidate != null && Files.exists(candidate)) {
                hit = candidate; // a later COPY wins, as in the image
            }
        }
        return hit;
    }

    /**
     * Checks a {@code java} command line of the image ({@code -cp CP MAIN} or {@code -jar JAR}): every class-path
     * entry exists and the main class (for -jar: the manifest's Main-Class) is in one of them. Returns the main class.
     */
    String checkJavaCommand(List<String> command, String what) throws IOException {
        assertTrue(!command.isEmpty() && command.getFirst().equals("java"), what + " does not run java: " + command);
        List<String> classPath = new ArrayList<>();
        String main = null;
        for (int i = 1; i < command.size() && main == null; i++) {
            String a = command.get(i);
            if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path")) {
                classPath.addAll(List.of(command.get(++i).split(":")));
            } else if (a.equals("-jar")) {
                String jar = command.get(++i);
                Path host = resolve(jar);
                assertNotNull(host, what + ": " + jar + " is not in the image");
                try (JarFile jf = new JarFile(host.toFile())) {
                    var attrs = jf.getManifest().getMainAttributes();
                    main = attrs.getValue("Main-Class");
                    assertNotNull(main, what + ": " + jar + " has no Main-Class");
                    classPath.add(jar);
                    String dir = jar.substring(0, jar.lastIndexOf('/'));
                    String cp = attrs.getValue("Class-Path");
                    for (String e : cp == null ? new String[0] : cp.trim().split("\\s+")) {
                        classPath.add(dir + "/" + e);
                    }
                }
            } else if (!a.startsWith("-")) {
                main = a;
            }
        }
        assertNotNull(main, what + " names no main class: " + command);
        String entry = main.replace('.', '/') + ".class";
        boolean found = false;
        for (String e : classPath) {
            for (Path jar : entries(e, what)) {
                if (Files.isDirectory(jar) ? Files.isRegularFile(jar.resolve(entry)) : jarHas(jar, entry)) {
                    found = true;
                }
            }
        }
        assertTrue(found, what + ": main class " + main + " is in none of " + classPath);
        return main;
    }

    private List<Path> entries(String e, String what) throws IOException {
        if (e.endsWith("/*")) {
            Path dir = resolve(e.substring(0, e.length() - 2));
            assertNotNull(dir, what + ": class-path directory " + e + " is not in the image");
            try (Stream<Path> s = Files.list(dir)) {
                List<Path> jars =
                        s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
                assertFalse(jars.isEmpty(), what + ": no jars in " + e);
                return jars;
            }
        }
        Path p = resolve(e);
        assertNotNull(p, what + ": class-path entry " + e + " is not in the image");
        return List.of(p);
    }

    private static boolean jarHas(Path jar, String entry) throws IOException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            return jf.getEntry(entry) != null;
        }
    }
}
