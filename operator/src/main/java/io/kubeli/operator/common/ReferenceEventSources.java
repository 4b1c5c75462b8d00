package io.kubeli.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Event sources that re-reconcile a primary when a resource it names by reference (spec.mediatorRef,
 * spec.agencyRef) changes, through an index "namespace/name" on the primary cache.
 */
public final class ReferenceEventSources {
  private ReferenceEventSources() {}

  /** An informer on {@code referenced} mapping each of its changes to the primaries whose refs name it. */
  public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> of(
      EventSourceContext<P> context, Class<R> referenced, Class<P> primary, Function<P, List<String>> refs) {
    String index = "ref-" + referenced.getSimpleName();
    context.getPrimaryCache().addIndexer(index, p -> refs.apply(p).stream()
        .filter(r -> r != null && !r.isBlank()).map(r -> p.getMetadata().getNamespace() + "/" + r).toList());
    var config = InformerEventSourceConfiguration.from(referenced, primary)
        .withName(index)
        .withSecondaryToPrimaryMapper(r -> context.getPrimaryCache()
            .byIndex(index, r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    return new InformerEventSource<>(config, context);
  }
}
