package io.kubeli.link;

/**
 * Counters of a {@link LinkClient}. Invariant once flushed: offered = acked + lost (+ records still queued or spooled).
 *
 * @param offered      records passed to offer()
 * @param sent         records written to the link (including resends)
 * @param acked        records acknowledged as durably stored by the mediator
 * @param spooled      records written to the disk spool because the memory queue was full
 * @param lost         records refused because the spool was full (or the client closed): counted, never silent
 * @param queueDepth   records in the memory queue (unacknowledged)
 * @param spoolBytes   bytes used by the spool
 * @param reconnects   connections established after the first one
 * @param resent       records sent again after a reconnect or restart
 * @param connected    whether a link is up now
 * @param lastAckedSeq highest link sequence acknowledged (-1 = none)
 * @param nextSeq      the link sequence the next offered record gets
 * @param lostInCrash  records of a previous process that had left its memory (sent or being spooled) but were
 *                     neither stored by the mediator nor found in the spool at this start: counted at the first
 *                     connection, the only records whose ETSI numbers the agency sees missing after a crash
 */
public record LinkClientStats(
        long offered,
        long sent,
        long acked,
        long spooled,
        long lost,
        long queueDepth,
        long spoolBytes,
        long reconnects,
        long resent,
        boolean connected,
        long lastAckedSeq,
        long nextSeq,
        long lostInCrash) {}
