package io.kubeli.capture;

/** A capture file that is malformed or truncated; {@link #offset()} is the byte offset of the problem. */
public final class CaptureFormatException extends CaptureException {
    private final long offset;
    private final long delivered;

    public CaptureFormatException(String file, long offset, String problem) {
        super(file + ": " + problem + " at offset " + offset);
        this.offset = offset;
        this.delivered = -1;
    }

    private CaptureFormatException(CaptureFormatException e, long delivered) {
        super(e.getMessage() + "; the " + delivered + " packets before it were delivered");
        this.offset = e.offset;
        this.delivered = delivered;
    }

    /** The same error, its one-line message also saying how many good packets went out before it. */
    public CaptureFormatException afterDelivering(long packets) {
        return new CaptureFormatException(this, packets);
    }

    /** Byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }

    /** Packets delivered before the error (all of them: nothing read before an error is discarded), or -1. */
    public long delivered() {
        return delivered;
    }
}
