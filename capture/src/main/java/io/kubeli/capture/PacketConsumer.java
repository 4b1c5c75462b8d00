package io.kubeli.capture;

/**
 * Receives batches on one capture thread. All methods run on that thread, never concurrently;
 * the batch and its memory are valid only during {@link #onBatch} and must not be retained.
 */
@FunctionalInterface
public interface PacketConsumer {
    /** Handles one batch (size() >= 1). Exceptions are counted in {@link CaptureStats#errors()} and capture goes on. */
    void onBatch(PacketBatch batch);

    /** Called when no packet arrived within the source's poll interval (about 100 ms); a chance to flush. */
    default void onIdle() {}

    /** Called once when the thread ends (end of file, stop or failure), after the last batch. */
    default void onEnd() {}
}
