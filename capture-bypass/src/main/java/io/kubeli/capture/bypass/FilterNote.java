package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureOptions;

/** Kernel-bypass sources have no kernel BPF stage: a capture filter is not applied (logged once per source). */
final class FilterNote {
    private static final System.Logger LOG = System.getLogger("io.kubeli.capture.bypass");

    private FilterNote() {}

    static void warnIfSet(String scheme, CaptureOptions o) {
        if (o != null && o.filter() != null) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    scheme + ": capture filter '" + o.filter() + "' is not applied by"
                            + " kernel-bypass sources: every frame is delivered and the collector's own target matching decides");
        }
    }
}
