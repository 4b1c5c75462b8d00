package io.kubeli.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;

/**
 * Secondary resources the reconcilers read and write themselves (operator-managed certificate Secrets, the CIN slot
 * ledger): read from a label-selected informer cache, not with a GET per reconcile, and written with optimistic
 * concurrency only, so a decision taken on a stale cache fails with 409 instead of overwriting what it did not see:
 * create when the cache has nothing (409 AlreadyExists if the server has it), update with the cached
 * resourceVersion (409 Conflict if it moved on). A successful write goes into the cache at once (read your own
 * writes), so the next reconcile does not decide on the state before it.
 */
public final class CachedSecondaries {
    private CachedSecondaries() {}

    /**
     * An informer on {@code type} objects labelled {@code selector}, named {@code name}, in {@code namespaces} (empty:
     * the controller's), mapping each change to the primaries {@code mapper} names.
     */
    public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> informer(
            EventSourceContext<P> context,
            Class<R> type,
            Class<P> primary,
            String name,
            String selector,
            List<String> namespaces,
            SecondaryToPrimaryMapper<R> mapper) {
        var config = InformerEventSourceConfiguration.from(type, primary)
                .withName(name)
                .withLabelSelector(selector)
                .withSecondaryToPrimaryMapper(mapper);
        if (!namespaces.isEmpty()) {
            config.withNamespaces(Set.copyOf(namespaces));
        }
        return new InformerEventSource<>(config.build(), context);
    }

    /** Maps an object to the primary of kind {@code kind} its controller owner reference names. */
    public static <R extends HasMetadata> SecondaryToPrimaryMapper<R> toOwner(String kind) {
        return r -> {
            OwnerReference o = owner(r, kind);
            return o == null
                    ? Set.of()
                    : Set.of(new ResourceID(o.getName(), r.getMetadata().getNamespace()));
        };
    }

    /** The controller owner reference of kind {@code kind}, or null. */
    public static OwnerReference owner(HasMetadata r, String kind) {
        var refs = r.getMetadata().getOwnerReferences();
        return refs == null
                ? null
                : refs.stream()
                        .filter(o -> kind.equals(o.getKind()) && Boolean.TRUE.equals(o.getController()))
                        .findFirst()
                        .orElse(null);
    }

    /**
     * The object {@code name} in {@code namespace} from the informer {@code source}, or null. Not to be modified (it
     * is the cached instance). A reconciler called without a controller (a unit test's stub context) reads it from the
     * API server.
     */
    public static <R extends HasMetadata, P extends HasMetadata> R get(
            Context<P> context, Class<R> type, String source, String namespace, String name) {
        InformerEventSource<R, P> cache = cache(context, type, source);
        if (cache == null) {
            return context.getClient()
                    .resources(type)
                    .inNamespace(namespace)
                    .withName(name)
                    .get();
        }
        return cache.get(new ResourceID(name, namespace)).orElse(null);
    }

    /**
     * Writes {@code desired} as the successor of {@code cached} (what the decision was based on; null: absent):
     * create, or update with {@code cached}'s resourceVersion. Fails with 409 when the server holds anything else.
     */
    public static <R extends HasMetadata, P extends HasMetadata> R write(
            Context<P> context, Class<R> type, String source, R desired, R cached) {
        InformerEventSource<R, P> cache = cache(context, type, source);
        R written;
        if (cached == null) {
            desired.getMetadata().setResourceVersion(null);
            written = context.getClient().resource(desired).create();
            if (cache != null) {
                cache.handleRecentResourceCreate(ResourceID.fromResource(written), written);
            }
        } else {
            String version = cached.getMetadata().getResourceVersion();
            if (version == null) {
                throw new IllegalStateException("cached " + type.getSimpleName() + " without resourceVersion");
            }
            desired.getMetadata().setResourceVersion(version);
            written = context.getClient().resource(desired).update();
            if (cache != null) {
                cache.handleRecentResourceUpdate(ResourceID.fromResource(written), written, cached);
            }
        }
        return written;
    }

    @SuppressWarnings("unchecked")
    private static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> cache(
            Context<P> context, Class<R> type, String source) {
        if (context.getControllerConfiguration() == null) {
            return null;
        }
        return (InformerEventSource<R, P>) context.eventSourceRetriever().getEventSourceFor(type, source);
    }
}
