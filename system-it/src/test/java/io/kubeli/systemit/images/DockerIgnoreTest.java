package io.kubeli.systemit.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's .dockerignore semantics as DockerfileBuildIT applies them, and the Dockerfile parser's edge cases. */
class DockerIgnoreTest {
    @Test
    void patternsMatchAsDockerDoes() {
        DockerIgnore i = DockerIgnore.parse(List.of(
                "# comment", ".git", "**/target", "/out/", "docs/*.png", "*.log", "!keep.log", "a?c", "./x/../y"));
        assertTrue(i.excluded(".git"));
        assertTrue(i.excluded("target/classes/A.class"), "**/ matches zero segments");
        assertTrue(i.excluded("api/target/kubeli-api.jar"));
        assertTrue(i.excluded("bench/harness/target"));
        assertFalse(i.excluded("api/src/main/java/target.txt"), "target only as a whole segment");
        assertTrue(i.excluded("out/x"), "leading / and trailing / are cleaned away");
        assertTrue(i.excluded("docs/benchmarks.png"));
        assertFalse(i.excluded("docs/benchmarks.md"));
        assertFalse(i.excluded("docs/sub/benchmarks.png"), "* stays inside one segment");
        assertTrue(i.excluded("build.log"));
        assertFalse(i.excluded("api/build.log"), "*.log without **/ is only at the root");
        assertFalse(i.excluded("keep.log"), "! re-includes; the last matching rule decides");
        assertTrue(i.excluded("abc"));
        assertFalse(i.excluded("abbc"));
        assertTrue(i.excluded("y"), "patterns are cleaned like Go's filepath.Clean");
        assertFalse(i.excluded("pom.xml"));
    }

    @Test
    void hostileDockerfilesAreRejectedWithTheirLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("Dockerfile");
        Files.writeString(f, "RUN echo before FROM\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Dockerfile.parse(f))
                .getMessage()
                .contains("before FROM at line 1"));
        Files.writeString(f, "FROM a AS\n");
        assertThrows(IllegalArgumentException.class, () -> Dockerfile.parse(f));
        Files.writeString(f, "FROM a\nRUN x \\\n");
        assertThrows(IllegalArgumentException.class, () -> Dockerfile.parse(f));
        Files.writeString(f, "");
        assertThrows(IllegalArgumentException.class, () -> Dockerfile.parse(f));
    }

    @Test
    void continuationsCommentsAndFlagsAreParsed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("Dockerfile");
        Files.writeString(f, """
        # syntax=docker/dockerfile:1
        FROM img:1 AS build
        RUN --mount=type=cache,target=/root/.m2 \\
        # a comment inside the continuation is dropped
            ./mvnw package \\
         && cp a b
        FROM img:2
        COPY --from=build --chown=1:1 /src/a /opt/
        ENTRYPOINT ["java", "-jar", "/opt/a"]
        """);
        Dockerfile d = Dockerfile.parse(f);
        assertEquals(2, d.stages().size());
        var run = d.stages().getFirst().instructions().getFirst();
        assertEquals("type=cache,target=/root/.m2", run.flags().get("mount"));
        assertEquals("./mvnw package   && cp a b", run.rest());
        assertEquals(3, run.line());
        var copy = d.finalStage().all("COPY").getFirst();
        assertEquals("build", copy.flags().get("from"));
        assertEquals(List.of("/src/a", "/opt/"), copy.args());
        assertTrue(d.finalStage().last("ENTRYPOINT").orElseThrow().execForm());
        assertTrue(d.stage("build").isPresent() && d.stage("0").isPresent());
    }
}
