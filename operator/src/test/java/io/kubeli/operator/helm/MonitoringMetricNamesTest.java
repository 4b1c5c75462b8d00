package io.kubeli.operator.helm;

import static io.kubeli.operator.helm.HelmChartTest.CHART;
import static io.kubeli.operator.helm.HelmChartTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.operator.Fixtures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: every metric the Grafana dashboard and the PrometheusRule name is one a program exports. Meter names
 * and types are read from the main sources of the programs (collector-image, mediator-image, the operator; link's
 * meters only once a program binds LinkMetrics) and rendered by a real Micrometer Prometheus registry, so suffixes
 * (_total, _seconds_count ...) are exactly what a scrape shows.
 */
class MonitoringMetricNamesTest {
    /** Metrics of other components the rules may use (the kubelet's PVC statistics). */
    static final Set<String> EXTERNAL =
            Set.of("kubelet_volume_stats_used_bytes", "kubelet_volume_stats_capacity_bytes");

    static final List<String> PROGRAMS = List.of("collector-image", "mediator-image", "operator");
    static final Pattern BUILDER = Pattern.compile(
            "\\b(FunctionCounter|Counter|Gauge|MultiGauge|TimeGauge|Timer|DistributionSummary)\\.builder\\(\\s*(\"[^\"]+\"|[A-Z_]+)\\s*[,)]");
    static final Pattern HELPER_BUILDER =
            Pattern.compile("\\b(FunctionCounter|Counter|Gauge|Timer|DistributionSummary)\\.builder\\(\\s*name\\b");
    static final Pattern METHOD = Pattern.compile("\\s(\\w+)\\s*\\([^()]*\\bString name\\b[^()]*\\)\\s*\\{");
    static final Pattern CONSTANT = Pattern.compile("\\b([A-Z_]+)\\s*=\\s*\"([^\"]+)\"");

    /** Meter name -> Micrometer type, from one program's main sources. */
    static Map<String, String> meters(Path mainJava) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(mainJava)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            String src = Files.readString(f);
            Map<String, String> constants = new LinkedHashMap<>();
            Matcher c = CONSTANT.matcher(src);
            while (c.find()) {
                constants.put(c.group(1), c.group(2));
            }
            Matcher m = BUILDER.matcher(src);
            while (m.find()) {
                String arg = m.group(2);
                String name = arg.startsWith("\"") ? arg.substring(1, arg.length() - 1) : constants.get(arg);
                if (name != null) {
                    out.put(name, m.group(1));
                }
            }
            // helpers such as counter("name", ...) that pass their name parameter to a builder
            Matcher h = HELPER_BUILDER.matcher(src);
            while (h.find()) {
                Matcher decl = METHOD.matcher(src.substring(0, h.start()));
                String helper = null;
                while (decl.find()) {
                    helper = decl.group(1);
                }
                if (helper == null) {
                    continue;
                }
                Matcher call = Pattern.compile("\\b" + helper + "\\(\\s*(?:\\w+\\s*,\\s*)?\"([^\"]+)\"")
                        .matcher(src);
                while (call.find()) {
                    out.put(call.group(1), h.group(1));
                }
            }
        }
        return out;
    }

    /**
     * The sample names a Prometheus scrape shows for these meters, rendered by the registry the program uses: the
     * Prometheus 1.x client in the collector and mediator, Quarkus' simpleclient registry in the operator.
     */
    static Set<String> rendered(Map<String, String> meters, boolean quarkus) {
        MeterRegistry r = quarkus
                ? new io.micrometer.prometheus.PrometheusMeterRegistry(
                        io.micrometer.prometheus.PrometheusConfig.DEFAULT)
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.forEach((name, type) -> {
            switch (type) {
                case "Counter", "FunctionCounter" -> Counter.builder(name).register(r);
                case "Timer" -> Timer.builder(name).register(r);
                case "DistributionSummary" -> DistributionSummary.builder(name).register(r);
                default -> Gauge.builder(name, () -> 1).register(r);
            }
        });
        String scrape = r instanceof PrometheusMeterRegistry p
                ? p.scrape()
                : ((io.micrometer.prometheus.PrometheusMeterRegistry) r).scrape();
        Set<String> names = new TreeSet<>();
        scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        r.close();
        return names;
    }

    /** Everything the programs export (link's meters only if a program binds them). */
    static Set<String> exported() throws IOException {
        Map<String, String> meters = new LinkedHashMap<>();
        Set<String> names = new TreeSet<>();
        Set<String> bound = boundLinkMeters();
        for (String program : PROGRAMS) {
            Path main = Fixtures.root().resolve(program).resolve("src/main/java");
            if (program.equals("operator")) {
                names.addAll(rendered(meters(main), true));
            } else {
                meters.putAll(meters(main));
            }
        }
        meters(Fixtures.root().resolve("link/src/main/java")).forEach((name, type) -> {
            if (bound.stream().anyMatch(name::startsWith)) {
                meters.put(name, type);
            }
        });
        names.addAll(rendered(meters, false));
        return names;
    }

    /** LinkMetrics binders and the meter-name prefix each registers (see LinkMetrics). */
    static final Map<String, String> LINK_BINDERS =
            Map.of("bindClient", "kubeli.link.client.", "bindServer", "kubeli.link.server.", "bindLog", "kubeli.log.");

    /** The prefixes of the link meters some program binds (LinkMetrics.bindX called in its main sources). */
    static Set<String> boundLinkMeters() throws IOException {
        Set<String> out = new TreeSet<>();
        for (String program : PROGRAMS) {
            try (Stream<Path> s = Files.walk(Fixtures.root().resolve(program).resolve("src/main/java"))) {
                for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = Pattern.compile("LinkMetrics\\.(bind\\w+)\\(").matcher(read(p));
                    while (m.find()) {
                        if (LINK_BINDERS.containsKey(m.group(1))) {
                            out.add(LINK_BINDERS.get(m.group(1)));
                        }
                    }
                }
            }
        }
        return out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "inf",
            "nan",
            "Inf",
            "NaN");
    static final Pattern IDENT = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** The metric names a PromQL expression (or a Grafana label_values query) reads. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\blabel_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,[^)]*\\)", "$1")
                .replaceAll("\\$\\{?\\w+}?", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String rest = s.substring(m.end()).stripLeading();
            if (!rest.startsWith("(") && !KEYWORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** Alert name -> expression of the rendered PrometheusRule. */
    @SuppressWarnings("unchecked")
    static Map<String, String> ruleExpressions(List<HasMetadata> objects) {
        HasMetadata rule = objects.stream()
                .filter(o -> o.getKind().equals("PrometheusRule"))
                .findFirst()
                .orElseThrow();
        GenericKubernetesResource r =
                Serialization.unmarshal(Serialization.asYaml(rule), GenericKubernetesResource.class);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) r.get("spec", "groups")) {
            for (Map<String, Object> alert : (List<Map<String, Object>>) group.get("rules")) {
                out.put((String) alert.get("alert"), (String) alert.get("expr"));
            }
        }
        return out;
    }

    static List<String> dashboardExpressions() throws IOException {
        List<String> out = new ArrayList<>();
        collect(
                new ObjectMapper()
                        .readTree(CHART.resolve("dashboards/kubeli.json").toFile()),
                out);
        return out;
    }

    private static void collect(JsonNode n, List<String> out) {
        n.fields().forEachRemaining(e -> {
            if ((e.getKey().equals("expr") || e.getKey().equals("query"))
                    && e.getValue().isTextual()
                    && !e.getValue().asText().equals("prometheus")) {
                out.add(e.getValue().asText());
            }
        });
        n.elements().forEachRemaining(c -> collect(c, out));
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getValue().isContainerNode()) {
                    collect(e.getValue(), out);
                }
            });
        }
    }

    static Set<String> unknown(String expr, Set<String> exported) {
        Set<String> u = new TreeSet<>(metricNames(expr));
        u.removeAll(exported);
        u.removeAll(EXTERNAL);
        return u;
    }

    @Test
    void theScannerFindsWhatTheProgramsRegister() throws IOException {
        Set<String> exported = exported();
        assertTrue(
                exported.containsAll(Set.of(
                        "kubeli_collector_records_total",
                        "kubeli_collector_drops_total",
                        "kubeli_collector_packets_total",
                        "kubeli_collector_spool_bytes",
                        "kubeli_mediator_storage_failed",
                        "kubeli_mediator_routing_alarm",
                        "kubeli_mediator_intercept_records_total",
                        "kubeli_mediator_keepalive_rtt_seconds",
                        "kubeli_intercept_failed",
                        "kubeli_intercept_valid_until_seconds")),
                exported.toString());
        assertFalse(exported.contains("kubeli_collector_spool_bytes_total"), "gauges carry no _total");
        // link meters count only for the LinkMetrics binders a program calls (a meter never registered is never
        // scraped)
        Set<String> bound = boundLinkMeters();
        assertEquals(bound.contains("kubeli.link.client."), exported.contains("kubeli_link_client_reconnects_total"));
        assertEquals(bound.contains("kubeli.log."), exported.contains("kubeli_log_corrupt_skipped_total"));
        assertTrue(bound.contains("kubeli.link.client.") && bound.contains("kubeli.link.server."), bound.toString());
    }

    @Test
    void everyAlertNamesOnlyExportedMetrics() throws IOException {
        Set<String> exported = exported();
        Map<String, String> rules =
                ruleExpressions(render(new Helm(CHART), "metrics.apiVersions[0]", MonitoringChartTest.MONITORING));
        assertTrue(rules.size() >= 8, rules.keySet().toString());
        rules.forEach((alert, expr) -> {
            assertFalse(metricNames(expr).isEmpty(), alert + " reads no metric: " + expr);
            assertEquals(Set.of(), unknown(expr, exported), alert + ": " + expr);
        });
        assertTrue(metricNames(rules.get("KubeliStorageFailed")).contains("kubeli_mediator_storage_failed"));
        assertTrue(metricNames(rules.get("KubeliRoutingAlarm")).contains("kubeli_mediator_routing_alarm"));
    }

    @Test
    void everyDashboardQueryNamesOnlyExportedMetrics() throws IOException {
        Set<String> exported = exported();
        List<String> exprs = dashboardExpressions();
        Set<String> used = new TreeSet<>();
        for (String expr : exprs) {
            assertEquals(Set.of(), unknown(expr, exported), expr);
            used.addAll(metricNames(expr));
        }
        // what the officer and the platform team need to see
        assertTrue(
                used.containsAll(Set.of(
                        "kubeli_mediator_intercept_records_total",
                        "kubeli_collector_records_total",
                        "kubeli_collector_drops_total",
                        "kubeli_collector_spool_bytes",
                        "kubeli_mediator_buffer_bytes",
                        "kubeli_mediator_handover_connected",
                        "kubeli_mediator_keepalive_rtt_seconds",
                        "kubeli_mediator_reconnects_total",
                        "kubeli_mediator_storage_failed",
                        "kubeli_mediator_routing_alarm")),
                used.toString());
    }

    /** Hostile input to the check itself: a misspelt or suffix-less metric is caught, functions and labels are not. */
    @Test
    void aMisspeltMetricFailsTheCheck() throws IOException {
        Set<String> exported = exported();
        assertEquals(
                Set.of("kubeli_colector_drops_total"),
                unknown("sum by (place) (increase(kubeli_colector_drops_total{place=\"sink\"}[5m])) > 0", exported));
        assertEquals(Set.of("kubeli_collector_drops"), unknown("rate(kubeli_collector_drops[5m])", exported));
        assertEquals(
                Set.of("kubeli_mediator_storage_failed_total"),
                unknown("kubeli_mediator_storage_failed_total == 1", exported));
        assertEquals(
                Set.of(),
                unknown(
                        "max by (namespace, pod) (kubeli_mediator_storage_failed) == 1 and on (pod) "
                                + "kubeli_mediator_routing_alarm offset 5m > 1e6",
                        exported));
        assertEquals(
                Set.of("kubeli_nope"),
                unknown("label_values(kubeli_nope{namespace=~\"$namespace\"}, intercept)", exported));
    }
}
