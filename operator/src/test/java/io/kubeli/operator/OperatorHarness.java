package io.kubeli.operator;

import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs the reconcilers in a plain JOSDK Operator against the Fabric8 mock API server (CRUD mode). The mock server
 * does not implement server-side apply, so SSA is off for the primary status patch and the dependents' matching.
 */
public final class OperatorHarness implements AutoCloseable {
    private final Operator operator;

    public OperatorHarness(KubernetesClient client, Reconciler<?>... reconcilers) {
        operator = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .checkingCRDAndValidateLocalModel(false)
                .withCloseClientOnStop(false));
        for (Reconciler<?> r : reconcilers) {
            operator.register(r);
        }
        operator.start();
    }

    @Override
    public void close() {
        operator.stop();
    }

    /** Polls until {@code condition} returns a non-null, non-false value (generous bound; not a timing assertion). */
    public static <T> T await(String what, Supplier<T> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                T v = condition.get();
                if (v != null && !Boolean.FALSE.equals(v)) {
                    return v;
                }
            } catch (RuntimeException | AssertionError e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        fail("timed out waiting for " + what + (last != null ? ": " + last : ""));
        return null;
    }
}
