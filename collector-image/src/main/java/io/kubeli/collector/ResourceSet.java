package io.kubeli.collector;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import java.util.List;

/** The resources a collector acts on: Intercepts, Agencies and (in a cluster) its own Collector, or null. */
public record ResourceSet(List<Intercept> intercepts, List<Agency> agencies, Collector collector) {
    public ResourceSet {
        intercepts = List.copyOf(intercepts);
        agencies = List.copyOf(agencies);
    }

    public static final ResourceSet EMPTY = new ResourceSet(List.of(), List.of(), null);
}
