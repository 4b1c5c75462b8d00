package io.kubeli.link;

import java.io.IOException;

/** Thrown by {@link SegmentLog} appends that would exceed the configured size bound; nothing was written. */
public class LogFullException extends IOException {
    /** Creates the exception. */
    public LogFullException(String message) {
        super(message);
    }
}
