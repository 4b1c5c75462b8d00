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
 * @param storeErrors         sink calls that failed with an error (not acknowledged; retried on the same connection)
 * @param acksSent            ACK frames sent
 * @param heartbeatsSent      HEARTBEAT frames sent
 * @param identityRefused     hellos refused because the client certificate does not authorise the collector id
 * @param sequenceRefused     hellos or batches refused for insane or non-contiguous link sequences
 * @param storeFailing        connections now waiting for a failing store (not acknowledging, retrying)
 */
public record LinkServerStats(
        long connectionsOpen,
        long connectionsAccepted,
        long connectionsRefused,
        long protocolErrors,
        long batchesReceived,
        long recordsReceived,
        long recordsStored,
        long duplicates,
        long backPressureEvents,
        long storeErrors,
        long acksSent,
        long heartbeatsSent,
        long identityRefused,
        long sequenceRefused,
        int storeFailing) {}
