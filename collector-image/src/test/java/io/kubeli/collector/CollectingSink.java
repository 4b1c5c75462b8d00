package io.kubeli.collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test sink keeping copies of every record. */
class CollectingSink implements PduSink {
    record Rec(KeyState key, Stream stream, long seq, byte[] pdu) {}

    final List<Rec> records = new ArrayList<>();

    @Override
    public synchronized void write(KeyState key, Stream stream, long seq, byte[] pdu, int off, int len) {
        records.add(new Rec(key, stream, seq, Arrays.copyOfRange(pdu, off, off + len)));
    }

    synchronized List<Rec> snapshot() {
        return List.copyOf(records);
    }

    @Override
    public void flush() {}

    @Override
    public synchronized SinkStats stats() {
        return new SinkStats(records.size(), 0, 0, 0, 0);
    }

    @Override
    public void close() {}
}
