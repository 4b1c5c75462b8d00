package io.kubeli.collector;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import java.util.List;

/**
 * The resources a collector acts on: Intercepts, Agencies and (in a cluster) its own Collector, or null, plus the
 * files, documents or resources that were rejected while reading them (one line each: where and why, never values).
 */
public record ResourceSet(
        List<Intercept> intercepts, List<Agency> agencies, Collector collector, List<String> rejected) {
    public ResourceSet {
        intercepts = List.copyOf(intercepts);
        agencies = List.copyOf(agencies);
        rejected = List.copyOf(rejected);
    }

    public ResourceSet(List<Intercept> intercepts, List<Agency> agencies, Collector collector) {
        this(intercepts, agencies, collector, List.of());
    }

    public static final ResourceSet EMPTY = new ResourceSet(List.of(), List.of(), null);
}
