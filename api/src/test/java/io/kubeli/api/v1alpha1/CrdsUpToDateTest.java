package io.kubeli.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRDs committed in crds/ and helm/kubeli/crds/ are exactly what the API classes generate. */
class CrdsUpToDateTest {
    static final String REFRESH =
            "refresh them with: ./mvnw -B -q -pl api -Pupdate-crds package (then commit crds/ and helm/kubeli/crds/)";

    @Test
    void committedCrdsMatchTheGeneratedOnes(@TempDir Path generated) throws IOException {
        CrdGen.generate(generated);
        List<String> names = list(generated);
        assertEquals(4, names.size(), "one CRD per kind");
        Path root = Path.of(System.getProperty("kubeli.root", ".."));
        for (Path dir : List.of(root.resolve("crds"), root.resolve("helm/kubeli/crds"))) {
            assertTrue(Files.isDirectory(dir), dir + " is missing; " + REFRESH);
            assertEquals(
                    names, list(dir), "CRD files in " + dir.normalize() + " differ from the generated set; " + REFRESH);
            for (String name : names) {
                List<String> want = Files.readAllLines(generated.resolve(name));
                List<String> have = Files.readAllLines(dir.resolve(name));
                int i = 0;
                while (i < want.size() && i < have.size() && want.get(i).equals(have.get(i))) {
                    i++;
                }
                if (i < want.size() || i < have.size()) {
                    fail(dir.normalize().resolve(name) + " is out of date with the API classes (line " + (i + 1)
                            + ": generated '"
                            + (i < want.size() ? want.get(i).strip() : "<end>") + "', committed '"
                            + (i < have.size() ? have.get(i).strip() : "<end>") + "'); " + REFRESH);
                }
            }
        }
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yml") || n.endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
    }
}
