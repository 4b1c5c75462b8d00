package io.kubeli.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Generates the CRDs of li.kubeli.io from the API classes (run by the build; see api/pom.xml). */
public final class CrdGen {
    /** The custom-resource classes, by kind. */
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Agency",
            Agency.class,
            "Mediator",
            Mediator.class,
            "Collector",
            Collector.class,
            "Intercept",
            Intercept.class);

    /** Descriptions of the object, spec and status of each kind (the generator has none for them). */
    private static final Map<String, List<String>> DESCRIPTIONS = Map.of(
            "Agency",
                    List.of(
                            "A law-enforcement agency (LEA) and its HI2/HI3 handover endpoints.",
                            "Where and how records are handed over to the agency.",
                            "Handover connection state and delivery figures, written by the mediators and the operator."),
            "Mediator",
                    List.of(
                            "A mediator: the handover service that buffers records durably and delivers them to agencies.",
                            "Pods, storage, collector-facing Service and TLS of the mediator.",
                            "Ready replicas and handover summary per agency."),
            "Collector",
                    List.of(
                            "A collector: packet capture on a set of nodes, streaming matched records to a mediator.",
                            "Nodes, capture sources and resources of the capture pods.",
                            "Nodes running capture and their drop figures."),
            "Intercept",
                    List.of(
                            "One warrant: the targets to intercept, the agency to deliver to and the validity window.",
                            "The warrant: LIID, targets, validity window, agency and mediator.",
                            "Phase, conditions and delivery figures of the intercept."));

    /** String fields that hold RFC 3339 date-times (the generator cannot express formats on String). */
    private static final Map<String, List<String>> DATE_TIMES = Map.of("Intercept", List.of("validFrom", "validUntil"));

    private CrdGen() {}

    /**
     * Arguments: output directory; "true" to also write the committed copies; the repository root.
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        generate(out);
        if (args.length > 2 && Boolean.parseBoolean(args[1])) {
            Path root = Path.of(args[2]);
            for (Path dir : List.of(root.resolve("crds"), root.resolve("helm/kubeli/crds"))) {
                Files.createDirectories(dir);
                try (Stream<Path> files = Files.list(out)) {
                    for (Path f : files.toList()) {
                        Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                System.out.println("CRDs written to " + dir.normalize());
            }
        }
    }

    /** Writes one file per kind, named plural.group-v1.yml, into {@code out}. */
    public static void generate(Path out) throws IOException {
        Files.createDirectories(out);
        new CRDGenerator()
                .customResourceClasses(List.copyOf(KINDS.values()))
                .forCRDVersions("v1")
                .withParallelGenerationEnabled(false)
                .withPostProcessor(new Polish())
                .inOutputDir(out.toFile())
                .generate();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f);
                // Say where the file comes from and how to refresh it, instead of the generator's generic header.
                Files.writeString(f, HEADER + (text.startsWith("#") ? text.substring(text.indexOf('\n') + 1) : text));
            }
        }
    }

    private static final String HEADER = """
      # Generated from the classes in api/src/main/java/io/kubeli/api/v1alpha1 - do not edit.
      # Refresh after an API change: ./mvnw -B -q -pl api -Pupdate-crds package
      """;

    /** Orders printer columns as declared on the class and adds descriptions and formats. */
    static final class Polish implements CRDPostProcessor {
        @Override
        public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
            CustomResourceDefinition crd = (CustomResourceDefinition) resource;
            String kind = crd.getSpec().getNames().getKind();
            List<String> order = Arrays.stream(KINDS.get(kind).getAnnotationsByType(AdditionalPrinterColumn.class))
                    .map(AdditionalPrinterColumn::name)
                    .toList();
            for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
                v.getAdditionalPrinterColumns().sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
                JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
                List<String> d = DESCRIPTIONS.get(kind);
                root.setDescription(d.get(0));
                root.getProperties().get("spec").setDescription(d.get(1));
                root.getProperties().get("status").setDescription(d.get(2));
                for (String field : DATE_TIMES.getOrDefault(kind, List.of())) {
                    root.getProperties().get("spec").getProperties().get(field).setFormat("date-time");
                }
            }
            return crd;
        }
    }
}
