package io.kubeli.mediator.bench;

import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.Mediator;
import io.kubeli.mediator.MediatorSettings;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.ingest.BufferFullException;
import io.kubeli.mediator.ingest.IncomingRecord;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark of the mediator without the link: batches stored durably (Ingest) -> HI3 handover -> LEA receiver on
 * loopback. Args: [records=2000000] [pduBytes=150] [fsync=batch|none] [batch=1000]. Prints records/s end to end.
 */
public final class CoreBench {
    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 150;
        FsyncPolicy fsync = args.length > 2 ? FsyncPolicy.parse(args[2]) : FsyncPolicy.perBatch();
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        Path tmp = Files.createTempDirectory("kubeli-bench");
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            ResourceCatalog catalog = new ResourceCatalog();
            Path cfg = BenchConfig.load(tmp, lea, catalog);
            MediatorSettings s = BenchConfig.settings(cfg, tmp.resolve("data"), null, fsync);
            try (Mediator m = new Mediator(s, catalog, r -> null)) {
                m.start();
                BenchPdus pdus = new BenchPdus("LIID-BENCH", 1, size);
                long t0 = System.nanoTime();
                List<IncomingRecord> b = new ArrayList<>(batch);
                long stores = 0;
                for (long i = 0; i < n; i++) {
                    b.add(new IncomingRecord("bench", i, "ic-bench", "agency-bench", true, pdus.pdu(i)));
                    if (b.size() == batch || i == n - 1) {
                        while (true) {
                            try {
                                m.ingest().store(b);
                                break;
                            } catch (BufferFullException e) {
                                Thread.sleep(1);
                            }
                        }
                        stores++;
                        b = new ArrayList<>(batch);
                    }
                }
                long tStored = System.nanoTime();
                long deadline = System.currentTimeMillis() + 600_000;
                while (lea.summary().hi3Records() < n && System.currentTimeMillis() < deadline) Thread.sleep(5);
                long t1 = System.nanoTime();
                var sum = lea.summary();
                System.out.printf(
                        "core bench: %d records of %d bytes, fsync=%s, batch=%d: stored %.0f rec/s, end-to-end %.0f rec/s (%.1f MB/s); "
                                + "received=%d missing=%d duplicates=%d%n",
                        n,
                        pdus.size(),
                        fsync,
                        batch,
                        n / ((tStored - t0) / 1e9),
                        n / ((t1 - t0) / 1e9),
                        n * (double) pdus.size() / ((t1 - t0) / 1e3),
                        sum.hi3Records(),
                        sum.missing(),
                        sum.duplicates());
            }
        } finally {
            try (var w = Files.walk(tmp)) {
                w.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }
}
