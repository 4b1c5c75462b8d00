package io.kubeli.operator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubeli.operator.agency.AgencyReconciler;
import io.kubeli.operator.collector.CollectorReconciler;
import io.kubeli.operator.common.OperatorSettings;
import io.kubeli.operator.intercept.InterceptReconciler;
import io.kubeli.operator.mediator.MediatorReconciler;
import io.kubeli.operator.mockapi.ExamplesScenario;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Applies deploy/examples to the mock API server with all four reconcilers (in-process, SSA off) and checks what the
 * operator made: the observations PackagedOperatorIT makes of the packaged operator ({@link ExamplesScenario}).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ExamplesTest {
    static KubernetesClient client;
    static final String NS = "kubeli";

    @Test
    void examplesYieldWorkloadsSecretsAndStatuses() throws Exception {
        List<HasMetadata> all = Fixtures.examples();
        assumeTrue(all.size() >= 4, "deploy/examples not present");
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        OperatorSettings s = OperatorSettings.defaults();
        try (var h = new OperatorHarness(
                client,
                new AgencyReconciler(clock),
                new MediatorReconciler(s, clock),
                new CollectorReconciler(s, clock),
                new InterceptReconciler(s, clock))) {
            ExamplesScenario.run(client, NS, all, OperatorHarness::await);
        }
    }
}
