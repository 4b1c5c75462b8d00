package io.kubeli.link;

/**
 * Counters of a {@link LinkServer}.
 *
 * @param connectionsOpen     connections currently open (after HELLO)
 * @param connectionsAccepted TCP connections accepted in total
 * @param connectionsRefused  refused: TLS handshake failures, over the limit, bad HELLO/version
 * @param protocolErrors      connections closed for garbage, truncated, oversized or unexpected frames
 * @param batchesReceived     BATCH frames received
 * @param recordsReceived     records received (including duplicates)
 * @param recordsStored       records handed to the sink and stored
 * @param duplicates          records discarded as already stored (same collector id and link sequence)
 * @param backPressureEvents  sink calls refused with BackPressureException (retried)
 * @param storeErrors         sink calls that failed with an error (connection closed, collector resends)
 * @param acksSent            ACK frames sent
 * @param heartbeatsSent      HEARTBEAT frames sent
 */
public record LinkServerStats(long connectionsOpen, long connectionsAccepted, long connectionsRefused, long protocolErrors,
                              long batchesReceived, long recordsReceived, long recordsStored, long duplicates,
                              long backPressureEvents, long storeErrors, long acksSent, long heartbeatsSent) {
}
