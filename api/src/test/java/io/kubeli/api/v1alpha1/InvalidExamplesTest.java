package io.kubeli.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid resources (src/test/resources/invalid, each with an "# expect:" line) are rejected
 * with the message a user would see from kubectl.
 */
class InvalidExamplesTest {
    static Stream<Path> invalid() throws IOException, URISyntaxException {
        Path dir = Path.of(InvalidExamplesTest.class.getResource("/invalid").toURI());
        return Files.list(dir).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void isRejectedWithTheExpectedMessage(Path file) throws IOException {
        String text = Files.readString(file);
        String expect = text.lines()
                .filter(l -> l.startsWith("# expect: "))
                .findFirst()
                .orElseThrow()
                .substring("# expect: ".length());
        List<Map<String, Object>> docs = ApiServerChecks.parseYaml(text);
        ApiServerChecks checks = ApiServerChecks.forCrd(
                ExamplesTest.plural((String) docs.getLast().get("kind")));
        List<String> errors =
                docs.size() == 1 ? checks.create(docs.getFirst()) : checks.update(docs.getFirst(), docs.getLast());
        assertTrue(
                errors.stream().anyMatch(e -> e.contains(expect)),
                file.getFileName() + ": expected '" + expect + "' in " + errors);
        if (docs.size() > 1) {
            assertEquals(List.of(), checks.create(docs.getLast()), "the update alone is a valid object");
        }
    }

    @Test
    void liidMayStayTheSameOnUpdateWhileOtherFieldsChange() throws IOException {
        ApiServerChecks checks = ApiServerChecks.forCrd("intercepts");
        Map<String, Object> old = ApiServerChecks.parseYaml(
                        Files.readString(ExamplesTest.EXAMPLES.resolve("intercept.yaml")))
                .getFirst();
        Map<String, Object> updated = new LinkedHashMap<>(old);
        Map<String, Object> spec = new LinkedHashMap<>(ApiServerChecks.cast(old.get("spec")));
        spec.put("validUntil", "2031-06-30T00:00:00+02:00");
        updated.put("spec", spec);
        assertEquals(List.of(), checks.update(old, updated));
    }

    @Test
    void ipv6TargetsAndSipTargetsAreAcceptedButCinOnlyOnIpTargets() {
        ApiServerChecks checks = ApiServerChecks.forCrd("intercepts");
        assertEquals(List.of(), checks.create(intercept(Map.of("ip", "2001:db8::/64"))));
        assertEquals(List.of(), checks.create(intercept(Map.of("sipUri", "sip:alice@example.org"))));
        assertTrue(checks.create(intercept(Map.of("sipUri", "sip:alice@example.org", "cin", 5))).stream()
                .anyMatch(e -> e.contains("cin can only be fixed for ip targets")));
        assertTrue(
                checks.create(intercept(Map.of("ip", "198.18.0.300"))).stream().anyMatch(e -> e.contains("ip")));
        assertTrue(
                checks.create(intercept(Map.of("ip", "198.18.0.1", "cin", 4294967296L))).stream()
                        .anyMatch(e -> e.contains("cin")),
                "cin is 32 bits");
    }

    @Test
    void prefixesAtTheMinimumLengthAndSingleAddressesAreAccepted() {
        ApiServerChecks checks = ApiServerChecks.forCrd("intercepts");
        for (String ip : List.of(
                "10.0.0.0/8",
                "198.18.0.1",
                "198.18.0.0/32",
                "2001:db8::/16",
                "2001:db8::1",
                "2001:db8::/128",
                "::ffff:198.18.0.1")) {
            assertEquals(List.of(), checks.create(intercept(Map.of("ip", ip))), ip);
        }
        for (String ip : List.of("0.0.0.0/0", "128.0.0.0/1", "10.0.0.0/7", "::/0", "2001::/15", "::/9")) {
            assertTrue(
                    checks.create(intercept(Map.of("ip", ip))).stream().anyMatch(e -> e.contains("ip prefix too wide")),
                    ip);
        }
    }

    @Test
    void windowNeedsRfc3339Timestamps() {
        ApiServerChecks checks = ApiServerChecks.forCrd("intercepts");
        Map<String, Object> li = intercept(Map.of("ip", "198.18.0.1"));
        Map<String, Object> spec = ApiServerChecks.cast(li.get("spec"));
        spec.put("validFrom", "yesterday");
        assertTrue(
                checks.create(li).stream().anyMatch(e -> e.contains("validFrom")),
                checks.create(li).toString());
    }

    @Test
    void unknownFieldsAreRejectedLikeKubectlStrictValidation() {
        ApiServerChecks checks = ApiServerChecks.forCrd("intercepts");
        Map<String, Object> li = intercept(Map.of("ip", "198.18.0.1"));
        Map<String, Object> spec = ApiServerChecks.cast(li.get("spec"));
        spec.put("validTill", "2030-01-01T00:00:00Z");
        assertTrue(
                checks.create(li).stream().anyMatch(e -> e.contains("validTill")),
                checks.create(li).toString());
    }

    /** Issue 17: spec.logFormat takes text or json on Collectors and Mediators (anything else: the files above). */
    @Test
    void logFormatIsTextOrJson() {
        for (String kind : List.of("collectors", "mediators")) {
            ApiServerChecks checks = ApiServerChecks.forCrd(kind);
            Map<String, Object> doc = ApiServerChecks.parseYaml(ApiServerChecks.readResource(
                            "/invalid/" + kind.substring(0, kind.length() - 1) + "-bad-log-format.yaml"))
                    .getFirst();
            Map<String, Object> spec = ApiServerChecks.cast(doc.get("spec"));
            for (String ok : List.of("text", "json")) {
                spec.put("logFormat", ok);
                assertEquals(List.of(), checks.create(doc), kind + " " + ok);
            }
            spec.remove("logFormat");
            assertEquals(List.of(), checks.create(doc), kind + " without logFormat");
            for (String bad : List.of("Json", "xml", "")) {
                spec.put("logFormat", bad);
                assertTrue(checks.create(doc).stream().anyMatch(e -> e.contains("/spec/logFormat")), kind + " " + bad);
            }
        }
    }

    static Map<String, Object> intercept(Map<String, Object> target) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("liid", "T-1");
        spec.put("agencyRef", "lea-demo");
        spec.put("mediatorRef", "mediator");
        spec.put("authorizationCountryCode", "NL");
        spec.put("deliveryCountryCode", "NL");
        spec.put("validFrom", "2025-01-01T00:00:00Z");
        spec.put("validUntil", "2030-01-01T00:00:00Z");
        spec.put("targets", List.of(target));
        Map<String, Object> li = new LinkedHashMap<>();
        li.put("apiVersion", KubeLi.API_VERSION);
        li.put("kind", "Intercept");
        li.put("metadata", Map.of("name", "t"));
        li.put("spec", spec);
        return li;
    }
}
