package io.kubeli.api.v1alpha1;

import com.fasterxml.jackson.core.type.TypeReference;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the API server checks on create and update, reproduced from a generated CRD: its
 * openAPIV3Schema (with json-schema-validator; unknown fields rejected as kubectl's strict field
 * validation does) and its x-kubernetes-validations CEL rules (with CEL-Java).
 */
final class ApiServerChecks {
    static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final JsonMapper JSON3 = JsonMapper.builder().build();
    private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final Map<String, Object> crd;
    private final Map<String, Object> openApiSchema;
    private final Schema jsonSchema;

    private ApiServerChecks(Map<String, Object> crd) {
        this.crd = crd;
        this.openApiSchema = at(crd, "spec", "versions", 0, "schema", "openAPIV3Schema");
        Map<String, Object> strict = strict(openApiSchema, true);
        this.jsonSchema =
                SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(JSON3.valueToTree(strict));
    }

    /** The checks of the generated CRD for {@code plural} (e.g. "intercepts"), from the build output. */
    static ApiServerChecks forCrd(String plural) {
        return new ApiServerChecks(readYaml("/META-INF/kubeli/crds/" + plural + ".li.kubeli.io-v1.yml"));
    }

    /** The parsed CRD. */
    Map<String, Object> crd() {
        return crd;
    }

    /** The CRD's openAPIV3Schema. */
    Map<String, Object> schema() {
        return openApiSchema;
    }

    /** Errors a create of {@code obj} would get (schema first, then CEL); empty when accepted. */
    List<String> create(Map<String, Object> obj) {
        return update(null, obj);
    }

    /** Errors an update from {@code old} to {@code obj} would get; transition rules see oldSelf. */
    List<String> update(Map<String, Object> old, Map<String, Object> obj) {
        List<String> errors = new ArrayList<>();
        for (Error e : jsonSchema.validate(JSON3.valueToTree(obj))) {
            errors.add("schema: " + e.getInstanceLocation() + ": " + e.getMessage());
        }
        celRules(openApiSchema, obj, old, "", errors);
        return errors;
    }

    // Evaluates the rules at this node, then descends; oldSelf follows the same path.
    private static void celRules(
            Map<String, Object> schema, Object value, Object old, String path, List<String> errors) {
        if (value == null) {
            return;
        }
        List<Map<String, Object>> rules = cast(schema.getOrDefault("x-kubernetes-validations", List.of()));
        for (Map<String, Object> r : rules) {
            String rule = (String) r.get("rule");
            boolean transition = rule.contains("oldSelf");
            if (transition && old == null) {
                continue; // the API server skips transition rules on create
            }
            try {
                Map<String, Object> vars = new LinkedHashMap<>();
                vars.put("self", celValue(schema, value));
                if (transition) {
                    vars.put("oldSelf", celValue(schema, old));
                }
                Object result =
                        RUNTIME.createProgram(compile(rule, celType(schema))).eval(vars);
                if (!Boolean.TRUE.equals(result)) {
                    errors.add("cel: " + (path.isEmpty() ? "<root>" : path) + ": " + r.get("message"));
                }
            } catch (Exception e) {
                errors.add("cel: " + path + ": rule " + rule + " failed: " + e.getMessage());
            }
        }
        Map<String, Object> props = cast(schema.get("properties"));
        if (props != null && value instanceof Map<?, ?> m) {
            Map<?, ?> oldMap = old instanceof Map<?, ?> om ? om : null;
            for (var e : props.entrySet()) {
                celRules(
                        cast(e.getValue()),
                        m.get(e.getKey()),
                        oldMap == null ? null : oldMap.get(e.getKey()),
                        path + "." + e.getKey(),
                        errors);
            }
        }
        Map<String, Object> items = cast(schema.get("items"));
        if (items != null && value instanceof List<?> l) {
            // Atomic lists: the API server does not correlate old items, so no oldSelf inside.
            for (int i = 0; i < l.size(); i++) {
                celRules(items, l.get(i), null, path + "[" + i + "]", errors);
            }
        }
    }

    /**
     * Compiles a rule as the API server would, with self and oldSelf typed from the schema node the
     * rule sits on; throws when it does not compile (the API server would refuse the CRD).
     */
    static CelAbstractSyntaxTree compile(String rule, CelType selfType) {
        try {
            return CEL.toCompilerBuilder()
                    .addVar("self", selfType)
                    .addVar("oldSelf", selfType)
                    .build()
                    .compile(rule)
                    .getAst();
        } catch (CelValidationException e) {
            throw new IllegalArgumentException("CEL rule does not compile: " + rule + ": " + e.getMessage(), e);
        }
    }

    /** The CEL type of values of a schema node, as Kubernetes maps them (objects as maps). */
    static CelType celType(Map<String, Object> schema) {
        Object type = schema.get("type");
        if (type == null) {
            return SimpleType.DYN; // int-or-string, preserve-unknown
        }
        return switch ((String) type) {
            case "string" -> "date-time".equals(schema.get("format")) ? SimpleType.TIMESTAMP : SimpleType.STRING;
            case "integer" -> SimpleType.INT;
            case "number" -> SimpleType.DOUBLE;
            case "boolean" -> SimpleType.BOOL;
            case "array" -> ListType.create(celType(cast(schema.getOrDefault("items", Map.of()))));
            default -> MapType.create(SimpleType.STRING, SimpleType.DYN);
        };
    }

    // CEL sees JSON integers as int (Long), and strings with format date-time as timestamps.
    private static Object celValue(Map<String, Object> schema, Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof String s && "date-time".equals(schema.get("format"))) {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> props = cast(schema.get("properties"));
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(
                    (String) k, celValue(props != null && props.containsKey(k) ? cast(props.get(k)) : Map.of(), x)));
            return out;
        }
        if (v instanceof List<?> l) {
            Map<String, Object> items = cast(schema.getOrDefault("items", Map.of()));
            return l.stream().map(x -> celValue(items, x)).toList();
        }
        return v;
    }

    // The schema as JSON Schema: x-kubernetes-* removed, undeclared fields rejected.
    private static Map<String, Object> strict(Map<String, Object> schema, boolean root) {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean preserve = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
        for (var e : schema.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("x-kubernetes-")) {
                continue;
            }
            Object v = e.getValue();
            if (k.equals("properties")) {
                Map<String, Object> props = new LinkedHashMap<>();
                Map<String, Object> declared = cast(v);
                declared.forEach((name, s) -> props.put(name, strict(cast(s), false)));
                if (root) {
                    props.put("apiVersion", Map.of("type", "string"));
                    props.put("kind", Map.of("type", "string"));
                    props.put("metadata", Map.of("type", "object"));
                }
                v = props;
            } else if (k.equals("items") || k.equals("additionalProperties") && v instanceof Map) {
                v = strict(cast(v), false);
            } else if (k.equals("anyOf") || k.equals("allOf") || k.equals("oneOf")) {
                v = ((List<?>) v).stream().map(s -> strict(cast(s), false)).toList();
            }
            out.put(k, v);
        }
        if (schema.containsKey("properties") && !schema.containsKey("additionalProperties") && !preserve) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    /** Reads a YAML classpath resource as a map. */
    static Map<String, Object> readYaml(String resource) {
        return parseYaml(readResource(resource)).getFirst();
    }

    /** Reads a classpath resource as text. */
    static String readResource(String resource) {
        try (InputStream in = ApiServerChecks.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing resource " + resource + " (run the build: it generates the CRDs)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses every document of a (multi-document) YAML text. */
    static List<Map<String, Object>> parseYaml(String text) {
        return Arrays.stream(text.split("(?m)^---\\s*$"))
                .filter(doc ->
                        doc.lines().anyMatch(l -> !l.isBlank() && !l.strip().startsWith("#")))
                .map(doc -> ApiServerChecks.<Map<String, Object>>cast(YAML.unmarshal(
                        new java.io.ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)),
                        new TypeReference<Map<String, Object>>() {})))
                .toList();
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object o) {
        return (T) o;
    }

    /** Navigates maps (by key) and lists (by index). */
    static <T> T at(Object node, Object... path) {
        Object n = node;
        for (Object p : path) {
            n = p instanceof Integer i ? ((List<?>) n).get(i) : ((Map<?, ?>) n).get(p);
        }
        return cast(n);
    }
}
