package io.kubeli.capture;

/** A capture file that is malformed or truncated; {@link #offset()} is the byte offset of the problem. */
public final class CaptureFormatException extends CaptureException {
    private final long offset;

    public CaptureFormatException(String file, long offset, String problem) {
        super(file + ": " + problem + " at offset " + offset);
        this.offset = offset;
    }

    /** Byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }
}
