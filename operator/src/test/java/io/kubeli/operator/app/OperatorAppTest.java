package io.kubeli.operator.app;

import static io.kubeli.operator.OperatorHarness.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.common.ConditionSet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Boots the Quarkus application against the Quarkus Kubernetes test server: reconcilers, metrics, health. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, https = false)
class OperatorAppTest {
    @Inject
    Operator operator;

    @Inject
    KubernetesClient client;

    @Test
    void allFourReconcilersAreRegisteredAndMetricsAreExported() {
        Set<String> names = operator.getRegisteredControllers().stream()
                .map(c -> c.getConfiguration().getName())
                .collect(Collectors.toSet());
        assertEquals(Set.of("agency", "collector", "intercept", "mediator"), names);
        assertTrue(
                operator.getConfigurationService()
                        .getLeaderElectionConfiguration()
                        .isEmpty(),
                "leader election is for the prod profile only");
        client.resource(Fixtures.agency("agency.yaml")).create();
        await("agency reconciled", () -> {
            Agency a = client.resources(Agency.class)
                    .inNamespace("li")
                    .withName("bka")
                    .get();
            return a.getStatus() != null && ConditionSet.isTrue(a.getStatus().getConditions(), "Ready") ? a : null;
        });
        // JOSDK's Micrometer metrics, exported by the Prometheus registry
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("jvm_"))
                .body(containsString("reconciliations_started_total"))
                .body(containsString("controller_name=\"agency\""));
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
