package io.kubeli.collector;

/** Creates the {@link PduSink} named by {@code --output}. */
public final class Sinks {
    private Sinks() {}

    /** file:PATH → {@link FileSink}; mediator:HOST:PORT → {@link MediatorSink}. */
    public static PduSink open(CollectorSettings config) {
        String out = config.output();
        if (out.startsWith("file:")) {
            return FileSink.forPath(out.substring("file:".length()));
        }
        return MediatorSink.open(config);
    }
}
