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
 * (multi-document files allowed; other kinds ignored) and polls it for changes (names, sizes, mtimes). Each file
 * and each document stands alone: one that does not parse (or does not map to its kind) is rejected with one line
 * naming the file, document and reason, and contributes nothing (fail closed: a broken file grants no authority);
 * every other file keeps working, so deletions and changes elsewhere take effect at the next poll. A file that
 * does not parse and was modified within the last poll interval is taken as being written: the reload waits one
 * more poll for it (so a non-atomic editor save does not end and restart warrants), then rejects it.
 */
public final class YamlDirSource implements InterceptSource {
    private static final Logger LOG = Logger.getLogger(YamlDirSource.class.getName());

    private final Path dir;
    private final Duration poll;
    private final String collectorName;
    private volatile boolean closed;
    private Thread thread;
    private java.util.Set<String> logged = java.util.Set.of();

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
        deliver(listener, load()); // never throws for bad files: the collector starts with a broken file present
        thread = Thread.ofPlatform().daemon().name("intercepts-watch").start(() -> {
            String last = sig;
            String waited = null;
            while (!closed) {
                try {
                    Thread.sleep(poll);
                    String now = signature();
                    if (!now.equals(last)) {
                        ResourceSet rs = load();
                        if (!rs.rejected().isEmpty() && recentlyModifiedBroken(rs) && !now.equals(waited)) {
                            waited = now; // probably half-written: look again at the next poll
                            continue;
                        }
                        last = now;
                        deliver(listener, rs);
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
                        return (n.endsWith(".yaml") || n.endsWith(".yml"))
                                && !n.startsWith(".")
                                && Files.isRegularFile(p);
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private String signature() {
        StringBuilder sb = new StringBuilder();
        for (Path p : files()) {
            try {
                sb.append(p.getFileName())
                        .append(':')
                        .append(Files.size(p))
                        .append(':')
                        .append(Files.getLastModifiedTime(p).toMillis())
                        .append(';');
            } catch (IOException e) {
                sb.append(p.getFileName()).append(":?;");
            }
        }
        return sb.toString();
    }

    /**
     * Reads every file now. A file or document that cannot be used is left out and listed in
     * {@link ResourceSet#rejected()} (logged when the set is delivered) by file name, document number and error type, never
     * by its values (Jackson messages may quote targets).
     */
    public ResourceSet load() {
        List<Intercept> intercepts = new ArrayList<>();
        List<Agency> agencies = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        Collector collector = null;
        ObjectMapper yaml = Serialization.yamlMapper();
        ObjectMapper json = Serialization.jsonMapper();
        List<Path> files;
        try {
            files = files();
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        for (Path p : files) {
            int doc = 0;
            try (InputStream in = Files.newInputStream(p);
                    MappingIterator<JsonNode> it =
                            yaml.readerFor(JsonNode.class).readValues(in)) {
                while (it.hasNext()) {
                    doc++;
                    JsonNode n = it.next(); // a syntax error ends the file: later documents cannot be delimited
                    if (n == null || !n.isObject()) {
                        continue;
                    }
                    String kind = n.path("kind").asText("");
                    try {
                        switch (kind) {
                            case "Intercept" -> intercepts.add(json.treeToValue(n, Intercept.class));
                            case "Agency" -> agencies.add(json.treeToValue(n, Agency.class));
                            case "Collector" -> {
                                Collector c = json.treeToValue(n, Collector.class);
                                if (collectorName != null
                                        && c.getMetadata() != null
                                        && collectorName.equals(c.getMetadata().getName())) {
                                    collector = c;
                                }
                            }
                            default -> LOG.fine("ignoring " + kind + " in " + p.getFileName() + " document " + doc);
                        }
                    } catch (IOException | RuntimeException e) {
                        reject(
                                rejected,
                                p.getFileName() + " document " + doc + " (" + kind + ") rejected: "
                                        + e.getClass().getSimpleName() + locationOf(e));
                    }
                }
            } catch (IOException | RuntimeException e) {
                Exception why = e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j : e;
                reject(
                        rejected,
                        p.getFileName() + (doc > 1 ? " from document " + doc : "") + " rejected: "
                                + why.getClass().getSimpleName() + locationOf(why));
            }
        }
        return new ResourceSet(intercepts, agencies, collector, rejected);
    }

    /** Whether a rejected file was modified within the last poll interval (an editor may still be writing it). */
    private boolean recentlyModifiedBroken(ResourceSet rs) {
        long now = System.currentTimeMillis();
        for (String r : rs.rejected()) {
            String name = r.substring(0, r.indexOf(' ') < 0 ? r.length() : r.indexOf(' '));
            try {
                if (now - Files.getLastModifiedTime(dir.resolve(name)).toMillis() <= poll.toMillis()) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                // gone or unreadable: nothing to wait for
            }
        }
        return false;
    }

    private static void reject(List<String> rejected, String line) {
        rejected.add(line);
    }

    /** Hands a set to the listener, logging each rejection once (when it first appears). */
    private void deliver(Consumer<ResourceSet> listener, ResourceSet rs) {
        for (String r : rs.rejected()) {
            if (!logged.contains(r)) {
                LOG.warning("intercept file " + r);
            }
        }
        logged = java.util.Set.copyOf(rs.rejected());
        listener.accept(rs);
    }

    private static String locationOf(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                && j.getLocation() != null
                && j.getLocation().getLineNr() > 0) {
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
