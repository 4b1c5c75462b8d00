package io.kubeli.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.Mediator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test resources: YAML under src/test/resources/fixtures and the repository's deploy/examples. */
public final class Fixtures {
    private Fixtures() {}

    /** The repository root (system property kubeli.root set by the build, else ..). */
    public static Path root() {
        return Path.of(System.getProperty("kubeli.root", "..")).toAbsolutePath().normalize();
    }

    /** Loads one resource from the test classpath (fixtures/NAME). */
    public static <T extends HasMetadata> T load(String name, Class<T> type) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            T t = Serialization.unmarshal(in, type);
            if (t.getMetadata() == null) {
                t.setMetadata(new ObjectMetaBuilder().build());
            }
            return t;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Collector collector(String name) {
        return load(name, Collector.class);
    }

    public static Mediator mediator(String name) {
        return load(name, Mediator.class);
    }

    public static Agency agency(String name) {
        return load(name, Agency.class);
    }

    public static Intercept intercept(String name) {
        return load(name, Intercept.class);
    }

    /** Every document of every YAML file in deploy/examples (empty when the folder does not exist). */
    public static List<HasMetadata> examples() throws IOException {
        Path dir = root().resolve("deploy/examples");
        List<HasMetadata> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(
                            f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList()) {
                try (InputStream in = Files.newInputStream(p)) {
                    Object o = Serialization.unmarshal(in);
                    if (o instanceof List<?> list) {
                        list.stream()
                                .filter(HasMetadata.class::isInstance)
                                .map(HasMetadata.class::cast)
                                .forEach(out::add);
                    } else if (o instanceof HasMetadata h) {
                        out.add(h);
                    }
                }
            }
        }
        return out;
    }
}
