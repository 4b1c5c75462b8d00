package io.kubeli.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The examples in deploy/examples pass the CRDs' schema and CEL rules and read back into the API classes. */
class ExamplesTest {
    static final Path EXAMPLES = Path.of(System.getProperty("kubeli.root", ".."), "deploy", "examples");

    /** Every example, including the kernel-bypass Collectors in {@code bypass/} (not applied by the quick start). */
    static Stream<Path> examples() throws IOException {
        return Files.walk(EXAMPLES, 2)
                .filter(p -> p.toString().endsWith(".yaml"))
                .sorted();
    }

    @Test
    void thereIsOneExamplePerKind() throws IOException {
        List<String> kinds = examples()
                .filter(p -> p.getParent().equals(EXAMPLES))
                .map(ExamplesTest::kindOf)
                .sorted()
                .toList();
        assertEquals(List.of("Agency", "Collector", "Intercept", "Mediator"), kinds);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleIsAcceptedByTheApiServerChecks(Path file) throws IOException {
        Map<String, Object> obj =
                ApiServerChecks.parseYaml(Files.readString(file)).getFirst();
        ApiServerChecks checks = ApiServerChecks.forCrd(plural(kindOf(file)));
        assertEquals(List.of(), checks.create(obj), file + " is rejected");
        // Re-applying the same object (an update without changes) passes the transition rules too.
        assertEquals(List.of(), checks.update(obj, obj), file + " is rejected on update");
    }

    @Test
    void interceptExampleIsActiveTodayAndTargetsDocumentationAddresses() throws IOException {
        Intercept li =
                ApiServerChecks.YAML.unmarshal(Files.readString(EXAMPLES.resolve("intercept.yaml")), Intercept.class);
        InterceptSpec spec = li.getSpec();
        assertTrue(spec.isWithinWindow(Instant.now()), "the demo window must include today");
        assertTrue(Duration.between(spec.validFromInstant(), spec.validUntilInstant())
                        .toDays()
                > 365 * 2);
        assertEquals(OutputMode.BOTH, spec.outputOrDefault());
        for (Target t : spec.getTargets()) {
            assertEquals(TargetKind.IP, t.kind());
            assertTrue(
                    t.value().startsWith("198.18.")
                            || t.value().startsWith("192.0.2.")
                            || t.value().startsWith("2001:db8:"),
                    "documentation/benchmark address");
        }
    }

    @Test
    void otherExamplesReadIntoTheApiClasses() throws IOException {
        Agency agency = ApiServerChecks.YAML.unmarshal(Files.readString(EXAMPLES.resolve("agency.yaml")), Agency.class);
        assertEquals(
                Duration.ofSeconds(30), agency.getSpec().keepaliveOrDefault().intervalDuration());
        assertEquals(TimestampFormat.GENERALIZED, agency.getSpec().getTimestampFormat());
        assertEquals(EtsiProfile.LATEST, agency.getSpec().getEtsiProfile());
        Mediator med =
                ApiServerChecks.YAML.unmarshal(Files.readString(EXAMPLES.resolve("mediator.yaml")), Mediator.class);
        assertEquals(9100, med.getSpec().servicePort());
        assertEquals("10Gi", med.getSpec().getStorage().getSize().toString());
        Collector col =
                ApiServerChecks.YAML.unmarshal(Files.readString(EXAMPLES.resolve("collector.yaml")), Collector.class);
        assertEquals("afpacket", col.getSpec().getSources().getFirst().scheme());
        assertNotNull(col.getSpec().getCpus());
    }

    static String kindOf(Path file) {
        try {
            return (String)
                    ApiServerChecks.parseYaml(Files.readString(file)).getFirst().get("kind");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String plural(String kind) {
        return switch (kind) {
            case "Agency" -> "agencies";
            default -> kind.toLowerCase(java.util.Locale.ROOT) + "s";
        };
    }
}
