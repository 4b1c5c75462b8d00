package io.kubeli.capture;

/** Unchecked failure of a capture source: bad URI or option, malformed file, or a system call error. */
public class CaptureException extends RuntimeException {
    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
