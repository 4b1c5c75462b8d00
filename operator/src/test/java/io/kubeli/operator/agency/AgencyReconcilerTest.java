package io.kubeli.operator.agency;

import static io.kubeli.operator.OperatorHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.AgencyStatus;
import io.kubeli.api.v1alpha1.HandoverState;
import io.kubeli.api.v1alpha1.HandoverStatus;
import io.kubeli.operator.Fixtures;
import io.kubeli.operator.MutableClock;
import io.kubeli.operator.OperatorHarness;
import io.kubeli.operator.common.ConditionSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Agency validation (pure) and its reconciler on the mock API server, leaving mediator-written fields alone. */
@EnableKubernetesMockClient(crud = true, https = false)
class AgencyReconcilerTest {
    static KubernetesClient client;

    @Test
    void validationFindsBadEndpointsAndCodes() {
        Agency a = Fixtures.agency("agency.yaml");
        assertTrue(AgencyValidation.problems(a.getSpec()).isEmpty());
        a.getSpec().getHi2().setHost("not a host!");
        a.getSpec().getHi3().setPort(70000);
        a.getSpec().setCountryCode("de");
        a.getSpec().setOperatorId("an-operator-id-that-is-too-long");
        a.getSpec().setReconnectBackoff("soon");
        List<String> p = AgencyValidation.problems(a.getSpec());
        assertEquals(5, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("hi2.host"));
    }

    @Test
    void agencyBecomesReadyAndMediatorFieldsSurvive() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        Agency a = Fixtures.agency("agency.yaml");
        client.resource(a).create();
        // the mediator already reported the handover state and its own condition
        Agency live =
                client.resources(Agency.class).inNamespace("li").withName("bka").get();
        AgencyStatus st = new AgencyStatus();
        HandoverStatus hi2 = new HandoverStatus();
        hi2.setState(HandoverState.CONNECTED);
        st.setHi2(hi2);
        st.setRecordsDelivered(42L);
        st.setConditions(new ArrayList<>(List.of(new ConditionBuilder()
                .withType("Connected")
                .withStatus("True")
                .withReason("Connected")
                .withMessage("hi2 up")
                .withLastTransitionTime("2029-12-31T00:00:00Z")
                .build())));
        live.setStatus(st);
        client.resource(live).updateStatus();
        try (var h = new OperatorHarness(client, new AgencyReconciler(clock))) {
            Agency r = await("ready", () -> {
                Agency x = client.resources(Agency.class)
                        .inNamespace("li")
                        .withName("bka")
                        .get();
                return ConditionSet.isTrue(x.getStatus().getConditions(), "Ready") ? x : null;
            });
            assertEquals(42L, r.getStatus().getRecordsDelivered());
            assertEquals(HandoverState.CONNECTED, r.getStatus().getHi2().getState());
            assertEquals(
                    "True",
                    ConditionSet.find(r.getStatus().getConditions(), "Connected")
                            .getStatus());
            assertEquals(
                    "2030-01-01T00:00:00Z",
                    ConditionSet.find(r.getStatus().getConditions(), "Ready").getLastTransitionTime());
            assertEquals(1L, r.getStatus().getObservedGeneration());

            Agency bad = Fixtures.agency("agency.yaml");
            bad.getMetadata().setName("bad");
            bad.getSpec().getHi3().setPort(0);
            client.resource(bad).create();
            Agency b = await("invalid", () -> {
                Agency x = client.resources(Agency.class)
                        .inNamespace("li")
                        .withName("bad")
                        .get();
                return x.getStatus() != null && ConditionSet.find(x.getStatus().getConditions(), "Valid") != null
                        ? x
                        : null;
            });
            assertEquals(
                    "False",
                    ConditionSet.find(b.getStatus().getConditions(), "Ready").getStatus());
            assertEquals(
                    "hi3.port must be 1 to 65535",
                    ConditionSet.find(b.getStatus().getConditions(), "Valid").getMessage());
        }
    }
}
