package io.kubeli.mediator.ingest;

/** A durable buffer is at its size bound: the batch is not stored and must not be acknowledged. */
public final class BufferFullException extends Exception {
    public BufferFullException(String message) {
        super(message, null, false, false);
    }
}
