package io.kubeli.collector;

/**
 * Where encoded PS-PDUs go. {@link #write} may be called from several encoder threads and the control thread
 * at once and must not keep a reference to {@code pdu}. A sink never drops silently: what it cannot keep is
 * counted in {@link SinkStats#lost()}.
 */
public interface PduSink extends AutoCloseable {
    /** Hands over one PDU of {@code key}'s {@code stream} with sequence number {@code seq}. */
    void write(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len);

    /**
     * A batch for the calling thread only (encoder threads): records written to it are handed to this sink together
     * at {@link Batch#commit}, in order. The default hands each record over at once.
     */
    default Batch batch() {
        return new Batch() {
            @Override
            public void write(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len) {
                PduSink.this.write(key, stream, seq, pdu, off, len);
            }

            @Override
            public void commit() {}
        };
    }

    /** Records of one thread handed over together (one lock and one hand-off per burst, not per record). */
    interface Batch {
        /** Like {@link PduSink#write}; the record is the sink's at the latest after the next {@link #commit}. */
        void write(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len);

        /** Hands over every record written since the last commit, in order. */
        void commit();
    }

    /** Pushes buffered records towards their destination (called when encoders are idle and at the end). */
    void flush();

    /** Counters for metrics and the summary. */
    SinkStats stats();

    /** True while the sink can accept records (for /readyz). */
    default boolean ready() {
        return true;
    }

    /** Flushes and releases resources. */
    @Override
    void close();

    /** Sink counters: records accepted, records lost (counted, never silent), queue and spool depth, lag. */
    record SinkStats(long written, long lost, long queued, long spoolBytes, long lagMillis) {
        public static final SinkStats ZERO = new SinkStats(0, 0, 0, 0, 0);
    }
}
