package io.kubeli.link;

import java.util.logging.Logger;

/**
 * Counts the records a crashed previous run lost: at the first HELLO answer after start, the records that run
 * covered (sent or being spooled) that the mediator did not store and that are not in the spool. Their ETSI numbers
 * are the only ones the agency sees missing, so they are counted (link numbering is contiguous from the journal's
 * first).
 */
final class CrashAccount {
    private static final Logger LOG = Logger.getLogger(ClientSender.class.getName()); // log lines keep their logger

    private final String collectorId;
    /** Durable records found at start, until the first HELLO answer (sender thread). */
    private Spool.Durable durableAtStart;
    /** The journal's highest and lowest covered link sequence at start (before this process covered any). */
    private final long coveredAtStart;

    private final long firstAtStart;
    private volatile long lost;

    CrashAccount(String collectorId, Spool.Durable durableAtStart, long coveredAtStart, long firstAtStart) {
        this.collectorId = collectorId;
        this.durableAtStart = durableAtStart;
        this.coveredAtStart = coveredAtStart;
        this.firstAtStart = firstAtStart;
    }

    /** At every HELLO answer (sender thread); only the first one after start counts. */
    void account(long highestStored) {
        Spool.Durable d = durableAtStart;
        if (d == null) {
            return;
        }
        durableAtStart = null;
        long from = Math.max(highestStored + 1, firstAtStart);
        long to = coveredAtStart;
        if (firstAtStart < 0 || to < from) {
            return;
        }
        long n = (to - from + 1) - d.countIn(from, to);
        if (n > 0) {
            lost += n;
            LOG.warning("link client " + collectorId + ": " + n + " records of the previous run were lost in"
                    + " its crash (left its memory, neither stored by the mediator nor spooled); counted as lost");
        }
    }

    /** Records lost in the previous run's crash. */
    long lost() {
        return lost;
    }
}
