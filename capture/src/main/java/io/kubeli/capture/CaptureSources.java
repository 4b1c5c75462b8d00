package io.kubeli.capture;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Opens capture sources by URI scheme, from providers on the class path or registered at run time. */
public final class CaptureSources {
    private static final Map<String, CaptureProvider> PROVIDERS = new ConcurrentHashMap<>();

    static {
        for (CaptureProvider p : ServiceLoader.load(CaptureProvider.class, CaptureSources.class.getClassLoader())) {
            PROVIDERS.putIfAbsent(p.scheme(), p);
        }
    }

    private CaptureSources() {}

    /** Opens {@code uri} (e.g. {@code afpacket:eth1?threads=4}); throws {@link CaptureUriException} for bad URIs. */
    public static CaptureSource open(String uri, CaptureOptions options) {
        CaptureUri u = CaptureUri.parse(uri);
        CaptureProvider p = PROVIDERS.get(u.scheme());
        if (p == null) {
            throw new CaptureUriException(
                    "unknown capture scheme '" + u.scheme() + "' (known: " + String.join(", ", schemes()) + ")");
        }
        return p.open(u, options == null ? CaptureOptions.defaults() : options);
    }

    /** Registers (or replaces) the provider for its scheme. */
    public static void register(CaptureProvider provider) {
        PROVIDERS.put(provider.scheme(), provider);
    }

    /** Known schemes, sorted. */
    public static TreeSet<String> schemes() {
        return new TreeSet<>(PROVIDERS.keySet());
    }
}
