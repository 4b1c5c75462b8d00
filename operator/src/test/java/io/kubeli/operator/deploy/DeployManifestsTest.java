package io.kubeli.operator.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.operator.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** deploy/: kustomize files point at existing files, the base matches the chart, GitOps examples point at it. */
class DeployManifestsTest {
  static final Path DEPLOY = Fixtures.root().resolve("deploy");

  @Test
  @SuppressWarnings("unchecked")
  void kustomizationsReferenceExistingFiles() throws Exception {
    for (String k : List.of("base", "overlays/dev", "overlays/prod")) {
      Path dir = DEPLOY.resolve(k);
      Map<String, Object> kz = Serialization.unmarshal(Files.readString(dir.resolve("kustomization.yaml")), Map.class);
      for (String r : (List<String>) kz.get("resources")) {
        assertTrue(Files.exists(dir.resolve(r).normalize()), k + " -> " + r);
      }
    }
  }

  @Test
  void baseIsTheRenderedChart() throws Exception {
    String rendered = new Helm(Fixtures.root().resolve("helm/kubeli")).template().withName("kubeli")
        .withNamespace("kubeli-system").call();
    assertEquals(normalize(rendered), normalize(Files.readString(DEPLOY.resolve("base/kubeli.yaml"))),
        "deploy/base/kubeli.yaml is stale: regenerate it from the chart (deploy/README.md)");
  }

  static String normalize(String yaml) {
    return yaml.lines().filter(l -> !l.startsWith("#") && !l.contains("helm.sh/chart:") && !l.isBlank())
        .map(l -> l.replace("managed-by: Helm", "managed-by: kustomize")).collect(Collectors.joining("\n"));
  }

  @Test
  void gitOpsExamplesInstallTheChart() throws Exception {
    GenericKubernetesResource app = Serialization.unmarshal(Files.readString(DEPLOY.resolve("argocd/application.yaml")),
        GenericKubernetesResource.class);
    assertEquals("Application", app.getKind());
    assertEquals("helm/kubeli", app.get("spec", "source", "path"));
    assertTrue(Files.isDirectory(Fixtures.root().resolve((String) app.get("spec", "source", "path"))));
    List<GenericKubernetesResource> flux = Serialization.unmarshal(
        Files.readString(DEPLOY.resolve("flux/helmrelease.yaml")));
    GenericKubernetesResource release = flux.stream().filter(r -> r.getKind().equals("HelmRelease")).findFirst()
        .orElseThrow();
    assertEquals("./helm/kubeli", release.get("spec", "chart", "spec", "chart"));
    assertEquals("CreateReplace", release.get("spec", "install", "crds"));
  }
}
