package io.kubeli.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.lang.reflect.Proxy;
import java.util.Optional;

/** A JOSDK Context that only offers the client, for calling a reconciler directly with a test clock. */
public final class StubContext {
    private StubContext() {}

    @SuppressWarnings("unchecked")
    public static <P extends HasMetadata> Context<P> of(KubernetesClient client) {
        return (Context<P>) Proxy.newProxyInstance(
                StubContext.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getClient" -> client;
                    case "getRetryInfo" -> Optional.empty();
                    case "getControllerConfiguration" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "StubContext";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
