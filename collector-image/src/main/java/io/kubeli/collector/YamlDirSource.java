package io.kubeli.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Reads Intercept, Agency and Collector resources from the {@code *.yaml}/{@code *.yml} files of a directory
 * (multi-document files allowed; other kinds ignored) and polls it for changes (names, sizes, mtimes). While a
 * file does not parse, the previous set stays in force (a half-written file never drops intercepts).
 */
public final class YamlDirSource implements InterceptSource {
    private static final Logger LOG = Logger.getLogger(YamlDirSource.class.getName());

    private final Path dir;
    private final Duration poll;
    private final String collectorName;
    private volatile boolean closed;
    private Thread thread;

    /** @param collectorName name of this collector's Collector resource in the directory, or null for none */
    public YamlDirSource(Path dir, Duration poll, String collectorName) {
        this.dir = dir;
        this.poll = poll;
        this.collectorName = collectorName;
    }

    @Override
    public void start(Consumer<ResourceSet> listener) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--intercepts " + dir + " is not a directory");
        }
        String sig = signature();
        listener.accept(load());
        thread = Thread.ofPlatform().daemon().name("intercepts-watch").start(() -> {
            String last = sig;
            while (!closed) {
                try {
                    Thread.sleep(poll);
                    String now = signature();
                    if (!now.equals(last)) {
                        try {
                            ResourceSet rs = load();
                            last = now;
                            listener.accept(rs);
                        } catch (RuntimeException e) {
                            LOG.warning("intercept files not reloaded (previous set stays in force): " + e.getMessage());
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warning("intercept directory poll failed: " + e.getMessage());
                }
            }
        });
    }

    private List<Path> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".") && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private String signature() {
        StringBuilder sb = new StringBuilder();
        for (Path p : files()) {
            try {
                sb.append(p.getFileName()).append(':').append(Files.size(p)).append(':')
                        .append(Files.getLastModifiedTime(p).toMillis()).append(';');
            } catch (IOException e) {
                sb.append(p.getFileName()).append(":?;");
            }
        }
        return sb.toString();
    }

    /** Reads every file now; throws IllegalArgumentException naming the file (never its values) on bad input. */
    public ResourceSet load() {
        List<Intercept> intercepts = new ArrayList<>();
        List<Agency> agencies = new ArrayList<>();
        Collector collector = null;
        ObjectMapper yaml = Serialization.yamlMapper();
        ObjectMapper json = Serialization.jsonMapper();
        for (Path p : files()) {
            try (InputStream in = Files.newInputStream(p);
                    MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(in)) {
                int doc = 0;
                while (it.hasNext()) {
                    JsonNode n = it.next();
                    doc++;
                    if (n == null || !n.isObject()) {
                        continue;
                    }
                    String kind = n.path("kind").asText("");
                    switch (kind) {
                        case "Intercept" -> intercepts.add(json.treeToValue(n, Intercept.class));
                        case "Agency" -> agencies.add(json.treeToValue(n, Agency.class));
                        case "Collector" -> {
                            Collector c = json.treeToValue(n, Collector.class);
                            if (collectorName != null && c.getMetadata() != null
                                    && collectorName.equals(c.getMetadata().getName())) {
                                collector = c;
                            }
                        }
                        default -> LOG.fine("ignoring " + kind + " in " + p.getFileName() + " document " + doc);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Jackson messages may quote values (targets): report only the file and the error type.
                throw new IllegalArgumentException("cannot read " + p.getFileName() + " ("
                        + e.getClass().getSimpleName() + locationOf(e) + ")");
            }
        }
        return new ResourceSet(intercepts, agencies, collector);
    }

    private static String locationOf(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
            return " at line " + j.getLocation().getLineNr();
        }
        return "";
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
