package io.kubeli.capture;

/** Creates one {@link PacketConsumer} per capture thread; called once per index in {@code start}. */
@FunctionalInterface
public interface ConsumerFactory {
    /** Returns the consumer owned by capture thread {@code threadIndex} (0 .. threads()-1). */
    PacketConsumer create(int threadIndex);
}
