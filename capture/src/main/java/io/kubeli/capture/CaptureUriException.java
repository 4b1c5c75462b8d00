package io.kubeli.capture;

/** A capture URI or option that cannot be used: unknown scheme, unknown option, bad value. */
public final class CaptureUriException extends CaptureException {
    public CaptureUriException(String message) {
        super(message);
    }
}
