package io.kubeli.collector;

import java.util.function.Consumer;

/** Supplies the current {@link ResourceSet} and every later change (YAML directory or Kubernetes API). */
public interface InterceptSource extends AutoCloseable {
    /** Delivers the initial set (before returning; throws when it cannot be read) and then each change. */
    void start(Consumer<ResourceSet> listener);

    @Override
    void close();
}
