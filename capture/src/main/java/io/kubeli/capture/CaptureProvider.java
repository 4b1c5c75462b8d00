package io.kubeli.capture;

/**
 * Service-provider interface: one implementation per URI scheme, found with {@link java.util.ServiceLoader}
 * (META-INF/services/io.kubeli.capture.CaptureProvider) or registered with {@link CaptureSources#register}.
 */
public interface CaptureProvider {
    /** The URI scheme handled, lower case, e.g. {@code afpacket}. */
    String scheme();

    /** Opens (but does not start) a source; bad options throw {@link CaptureUriException}. */
    CaptureSource open(CaptureUri uri, CaptureOptions options);
}
