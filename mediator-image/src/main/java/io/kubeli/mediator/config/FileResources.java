package io.kubeli.mediator.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** Loads Agency and Intercept YAML (multi-document allowed) from a directory and reloads it when files change. */
public final class FileResources implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FileResources.class.getName());
    private static final YAMLMapper YAML = new YAMLMapper();

    private final Path dir;
    private final ResourceCatalog catalog;
    private volatile boolean running = true;
    private Thread thread;
    private String signature = "";

    public FileResources(Path dir, ResourceCatalog catalog) {
        this.dir = dir;
        this.catalog = catalog;
    }

    /** Loads once; a bad file at start-up is an error (the caller exits 2). */
    public void load() throws ConfigException {
        Parsed p;
        try {
            if (!Files.isDirectory(dir)) throw new ConfigException("--config " + dir + " is not a directory");
            signature = signature();
            p = parseAll();
        } catch (IOException e) {
            throw new ConfigException("cannot read --config " + dir + ": " + e.getMessage());
        }
        if (!p.errors.isEmpty()) throw new ConfigException(String.join("; ", p.errors));
        catalog.replaceAll(p.agencies, p.intercepts);
        LOG.info("config: " + p.agencies.size() + " agencies, " + p.intercepts.size() + " intercepts");
    }

    /** Polls for changes every 300 ms (well inside the 1 s reload goal). */
    public void watch() {
        thread = Thread.ofPlatform().name("config-watch").daemon().start(() -> {
            while (running) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    String sig = signature();
                    if (sig.equals(signature)) continue;
                    signature = sig;
                    Parsed p = parseAll();
                    if (!p.errors.isEmpty()) {
                        LOG.warning("config reload rejected, keeping the previous resources: "
                                + String.join("; ", p.errors));
                        continue;
                    }
                    catalog.replaceAll(p.agencies, p.intercepts);
                    LOG.info("config reloaded: " + p.agencies.size() + " agencies, " + p.intercepts.size()
                            + " intercepts");
                } catch (IOException e) {
                    LOG.warning("config directory unreadable: " + e.getMessage());
                }
            }
        });
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                        String n = p.getFileName().toString();
                        return (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".");
                    })
                    .sorted()
                    .toList();
        }
    }

    private String signature() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path p : files())
            sb.append(p.getFileName())
                    .append(':')
                    .append(Files.getLastModifiedTime(p).toMillis())
                    .append(':')
                    .append(Files.size(p))
                    .append(';');
        return sb.toString();
    }

    private record Parsed(Map<String, Agency> agencies, Map<String, Intercept> intercepts, List<String> errors) {}

    private Parsed parseAll() throws IOException {
        Map<String, Agency> a = new HashMap<>();
        Map<String, Intercept> i = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (Path f : files()) {
            String file = f.getFileName().toString();
            int doc = 0;
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                while (it.hasNextValue()) {
                    JsonNode n = it.nextValue();
                    doc++;
                    if (n == null || n.isNull() || n.isEmpty()) continue;
                    String kind = n.path("kind").asText("");
                    String name = n.path("metadata").path("name").asText("");
                    String where = file + " document " + doc;
                    if (name.isEmpty() && (kind.equals("Agency") || kind.equals("Intercept"))) {
                        errors.add(where + ": metadata.name is missing");
                        continue;
                    }
                    switch (kind) {
                        case "Agency" -> {
                            Agency ag = Serialization.unmarshal(n.toString(), Agency.class);
                            String err = AgencyEndpoints.validate(ag);
                            if (err != null) errors.add(where + " (Agency " + name + "): " + err);
                            else a.put(name, ag);
                        }
                        case "Intercept" -> {
                            Intercept ic = Serialization.unmarshal(n.toString(), Intercept.class);
                            if (ic.getSpec() == null
                                    || ic.getSpec().getLiid() == null
                                    || ic.getSpec().getAgencyRef() == null) {
                                errors.add(
                                        where + " (Intercept " + name + "): spec.liid and spec.agencyRef are required");
                            } else i.put(name, ic);
                        }
                        default -> {
                            /* other kinds (Mediator, Collector, ...) are not ours */
                        }
                    }
                }
            } catch (RuntimeException | IOException e) {
                errors.add(file + " document " + (doc + 1) + ": " + firstLine(e.getMessage()));
            }
        }
        return new Parsed(a, i, errors);
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) thread.interrupt();
    }
}
