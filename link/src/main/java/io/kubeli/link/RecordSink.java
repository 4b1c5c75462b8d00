package io.kubeli.link;

import java.io.IOException;
import java.util.List;

/**
 * The mediator's hook behind a {@link LinkServer}: durable storage of received records. Calls for one collector id
 * are serialized by the server; different collector ids may call concurrently.
 */
public interface RecordSink {
    /**
     * Highest link sequence durably stored for the collector, or -1 if none; must survive a mediator restart
     * (e.g. kept in the durable log with the records) so duplicates are still discarded after it.
     */
    long highestStored(String collectorId) throws IOException;

    /**
     * Stores a batch whose records have the contiguous link sequences {@code firstLinkSeq ..
     * firstLinkSeq + batch.size() - 1}; returns only once they (and the new highest stored sequence) are durable.
     *
     * @throws BackPressureException when the store is full: nothing was stored; the server retries later and
     *                               meanwhile stops reading that connection (never drops)
     * @throws IOException           on a storage failure: the server closes the connection, the collector resends
     */
    void store(String collectorId, long firstLinkSeq, List<LinkRecord> batch) throws IOException, BackPressureException;
}
