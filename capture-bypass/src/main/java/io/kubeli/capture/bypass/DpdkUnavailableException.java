package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureException;

/** The {@code dpdk:} source cannot run here: the shim was not built or the DPDK libraries are missing. */
public final class DpdkUnavailableException extends CaptureException {
    public DpdkUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
