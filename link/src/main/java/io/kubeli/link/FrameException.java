package io.kubeli.link;

import java.io.IOException;

/** Typed error for a malformed, truncated, oversized or unexpected frame on the link; the connection is closed. */
public class FrameException extends IOException {
    /** Creates the exception with a reason that is safe to log (never record contents). */
    public FrameException(String reason) {
        super(reason);
    }
}
