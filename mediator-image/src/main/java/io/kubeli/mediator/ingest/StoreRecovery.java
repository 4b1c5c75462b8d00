package io.kubeli.mediator.ingest;

import io.kubeli.mediator.store.DeliveryLog;
import io.kubeli.mediator.store.StoredRecord;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * Start-up pass over one durable log: cuts the tail a crash left between writing a batch and committing it (see
 * {@link CommitLog}), and raises the de-duplication state with every record kept. One read of the log.
 */
public final class StoreRecovery {
    private static final Logger LOG = Logger.getLogger(StoreRecovery.class.getName());
    private final CommitLog commits;
    private final DedupState dedup;
    private long cut;

    private final java.util.Map<String, Long> snapshot;

    /** Call before anything updates {@code dedup}: its snapshot (committed values only) is a floor for the markers. */
    public StoreRecovery(CommitLog commits, DedupState dedup) {
        this.commits = commits;
        this.dedup = dedup;
        this.snapshot = dedup.copy();
    }

    // a marker segment lost to damage must not make acknowledged records look uncommitted: the snapshot is a floor
    private long committed(String collector) {
        return Math.max(commits.committed(collector), snapshot.getOrDefault(collector, -1L));
    }

    /** Records cut so far (never acknowledged: their collectors send them again). */
    public long cut() {
        return cut;
    }

    /** Recovers {@code log} (named {@code name} in messages). */
    public void recover(String name, DeliveryLog log) throws IOException {
        boolean judge = !commits.fresh();
        long[] suffix = {-1}; // first index of the trailing run of uncommitted records, -1 when none
        long[] inside = {0}; // uncommitted records followed by committed ones (cannot happen; kept, reported)
        java.util.Map<String, Long> run =
                new java.util.HashMap<>(); // highest link sequences of the current uncommitted run
        long pos = log.start(), end = log.end();
        while (pos < end) {
            int n = log.read(pos, 4096, 1 << 20, (idx, b, off, len) -> {
                StoredRecord e = StoredRecord.decode(b, off, len);
                boolean committed = !judge || e.collector().startsWith("#") || e.linkSeq() <= committed(e.collector());
                if (committed) {
                    if (suffix[0] >= 0) { // a run followed by committed records stays: count it for de-duplication
                        inside[0] += idx - suffix[0];
                        run.forEach(dedup::update);
                        run.clear();
                    }
                    suffix[0] = -1;
                    dedup.update(e.collector(), e.linkSeq());
                } else {
                    if (suffix[0] < 0) suffix[0] = idx;
                    run.merge(e.collector(), e.linkSeq(), Math::max);
                }
            });
            if (n == 0) break;
            pos += n;
        }
        if (inside[0] > 0) {
            // kept (and counted for de-duplication): cutting records followed by acknowledged ones could lose them
            LOG.warning("store recovery " + name + ": " + inside[0]
                    + " records without a commit marker precede committed ones; kept");
        }
        if (suffix[0] >= 0) {
            long removed = log.truncateFrom(suffix[0]);
            cut += removed;
            LOG.info("store recovery " + name + ": removed " + removed
                    + " records of a store a crash interrupted before its commit"
                    + " (never acknowledged; the collector sends them again)");
        }
    }
}
