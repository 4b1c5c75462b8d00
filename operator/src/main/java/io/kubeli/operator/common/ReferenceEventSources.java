package io.kubeli.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Event sources that re-reconcile a primary when a resource it names by reference (spec.mediatorRef,
 * spec.agencyRef) changes, through an index "namespace/name" on the primary cache; reconcilers read the referenced
 * resource from the same informer's cache ({@link #referenced}), not with a GET per reconcile.
 */
public final class ReferenceEventSources {
    private ReferenceEventSources() {}

    /** An informer on {@code referenced} mapping each of its changes to the primaries whose refs name it. */
    public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> of(
            EventSourceContext<P> context, Class<R> referenced, Class<P> primary, Function<P, List<String>> refs) {
        String index = name(referenced);
        context.getPrimaryCache()
                .addIndexer(
                        index,
                        p -> refs.apply(p).stream()
                                .filter(r -> r != null && !r.isBlank())
                                .map(r -> p.getMetadata().getNamespace() + "/" + r)
                                .toList());
        var config = InformerEventSourceConfiguration.from(referenced, primary)
                .withName(index)
                .withSecondaryToPrimaryMapper(r -> referencing(
                        context,
                        referenced,
                        r.getMetadata().getNamespace(),
                        r.getMetadata().getName()))
                .build();
        return new InformerEventSource<>(config, context);
    }

    /** The primaries whose refs name {@code name} of kind {@code referenced} (after {@link #of} registered it). */
    public static <P extends HasMetadata> Set<ResourceID> referencing(
            EventSourceContext<P> context, Class<?> referenced, String namespace, String name) {
        return context.getPrimaryCache().byIndex(name(referenced), namespace + "/" + name).stream()
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    /**
     * The resource {@code name} of kind {@code referenced} in {@code namespace} from the informer cache of the event
     * source {@link #of} registered for it, or null when it does not exist (or {@code name} is blank). A reconciler
     * called without a controller (a unit test with a stub context) reads it from the API server instead.
     */
    public static <R extends HasMetadata, P extends HasMetadata> R referenced(
            Context<P> context, Class<R> referenced, String namespace, String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        if (context.getControllerConfiguration() == null) {
            return context.getClient()
                    .resources(referenced)
                    .inNamespace(namespace)
                    .withName(name)
                    .get();
        }
        @SuppressWarnings("unchecked")
        InformerEventSource<R, P> cache = (InformerEventSource<R, P>)
                context.eventSourceRetriever().getEventSourceFor(referenced, name(referenced));
        return cache.get(new ResourceID(name, namespace)).orElse(null);
    }

    private static String name(Class<?> referenced) {
        return "ref-" + referenced.getSimpleName();
    }
}
