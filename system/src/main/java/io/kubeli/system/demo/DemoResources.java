package io.kubeli.system.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The example resources of {@code deploy/examples}, copied into a config directory and changed only where a laptop
 * differs from a cluster: the agency listens on 127.0.0.1 (ephemeral ports) and the collector reads a capture.
 *
 * @param agency the Agency's name
 * @param mediator the Mediator's name
 * @param collector the Collector's name (the collector's id)
 * @param intercept the Intercept's name
 * @param liid the Intercept's LIID
 */
record DemoResources(String agency, String mediator, String collector, String intercept, String liid) {

    static final String AGENCY = "agency.yaml";
    static final String MEDIATOR = "mediator.yaml";
    static final String COLLECTOR = "collector.yaml";
    static final String INTERCEPT = "intercept.yaml";

    /** Reads the four examples and writes the laptop versions into {@code dir}. */
    static DemoResources write(Path examples, Path dir, int hi2Port, int hi3Port, String sourceUri) throws IOException {
        ObjectMapper yaml = Serialization.yamlMapper();
        ObjectNode agency = read(yaml, examples.resolve(AGENCY), "Agency");
        ObjectNode mediator = read(yaml, examples.resolve(MEDIATOR), "Mediator");
        ObjectNode collector = read(yaml, examples.resolve(COLLECTOR), "Collector");
        ObjectNode intercept = read(yaml, examples.resolve(INTERCEPT), "Intercept");

        // in a cluster the agency is a Service name; here the test agency listens on this machine
        ObjectNode spec = (ObjectNode) agency.path("spec");
        endpoint(spec, "hi2", hi2Port);
        endpoint(spec, "hi3", hi3Port);
        // a capture instead of the NIC of a capture node
        ObjectNode cspec = (ObjectNode) collector.path("spec");
        cspec.putArray("sources").addObject().put("uri", sourceUri);

        Files.createDirectories(dir);
        yaml.writeValue(dir.resolve(AGENCY).toFile(), agency);
        yaml.writeValue(dir.resolve(MEDIATOR).toFile(), mediator);
        yaml.writeValue(dir.resolve(COLLECTOR).toFile(), collector);
        Files.copy(examples.resolve(INTERCEPT), dir.resolve(INTERCEPT)); // the warrant as it is
        return new DemoResources(
                name(agency),
                name(mediator),
                name(collector),
                name(intercept),
                intercept.path("spec").path("liid").asText());
    }

    private static void endpoint(ObjectNode spec, String hi, int port) {
        if (!(spec.get(hi) instanceof ObjectNode e)) {
            throw new IllegalStateException(AGENCY + ": spec." + hi + " is missing");
        }
        e.put("host", "127.0.0.1");
        e.put("port", port);
    }

    private static ObjectNode read(ObjectMapper yaml, Path p, String kind) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException("missing example resource " + p);
        }
        JsonNode n = yaml.readTree(p.toFile());
        if (!(n instanceof ObjectNode o)
                || !kind.equals(o.path("kind").asText())
                || !(o.path("spec") instanceof ObjectNode)
                || o.path("metadata").path("name").asText().isEmpty()) {
            throw new IOException(p.getFileName() + " is not a " + kind + " with metadata.name and spec");
        }
        return o;
    }

    private static String name(ObjectNode n) {
        return n.path("metadata").path("name").asText();
    }
}
