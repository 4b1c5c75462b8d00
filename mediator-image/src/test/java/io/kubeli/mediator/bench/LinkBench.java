package io.kubeli.mediator.bench;

import io.kubeli.link.FsyncPolicy;
import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkClientConfig;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.Mediator;
import io.kubeli.mediator.MediatorSettings;
import io.kubeli.mediator.TestCerts;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.ingest.LinkIngress;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * End-to-end benchmark on loopback: link client -> mediator (link server, durable buffer, HI3 handover) -> LEA
 * receiver, all in one JVM. Args: [records=2000000] [pduBytes=150] [plain|tls] [fsync=batch|none].
 * Prints records/s from the first offer to the last record counted by the receiver.
 */
public final class LinkBench {
    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 150;
        boolean tls = args.length > 2 && args[2].equals("tls");
        io.kubeli.link.FsyncPolicy fsync =
                args.length > 3 ? io.kubeli.link.FsyncPolicy.parse(args[3]) : io.kubeli.link.FsyncPolicy.perBatch();
        Path tmp = Files.createTempDirectory("kubeli-linkbench");
        Path serverTls = null, clientTls = null;
        if (tls) {
            TestCerts certs = new TestCerts();
            serverTls = certs.leaf(tmp.resolve("server-tls"), "mediator");
            clientTls = certs.collector(tmp.resolve("client-tls"), "bench-collector");
        }
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            ResourceCatalog catalog = new ResourceCatalog();
            Path cfg = BenchConfig.load(tmp, lea, catalog);
            MediatorSettings s = BenchConfig.settings(cfg, tmp.resolve("data"), serverTls, fsync);
            try (Mediator m = new Mediator(s, catalog, r -> null)) {
                m.start();
                try (LinkIngress link = LinkIngress.start(s, m.ingest())) {
                    LinkClientConfig cc = LinkClientConfig.of(
                                    "127.0.0.1",
                                    link.port(),
                                    "bench-collector",
                                    tls ? TlsConfig.fromDirectory(clientTls) : TlsConfig.none(),
                                    tmp.resolve("spool"))
                            .withQueueCapacity(262_144)
                            .withSpoolFsync(FsyncPolicy.none());
                    BenchPdus pdus = new BenchPdus("LIID-BENCH", 1, size);
                    LinkClient client = LinkClient.start(cc);
                    long t0 = System.nanoTime();
                    for (long i = 0; i < n; i++) {
                        if ((i & 4095) == 0) {
                            while (i - client.stats().acked() > 200_000) Thread.sleep(1); // stay in the memory queue
                        }
                        client.offer(new LinkRecord(
                                "default/ic-bench", "agency-bench", "LIID-BENCH", 1, StreamType.CC, i, pdus.pdu(i)));
                    }
                    client.flush(Duration.ofMinutes(10));
                    long tAck = System.nanoTime();
                    long deadline = System.currentTimeMillis() + 600_000;
                    while (lea.summary().hi3Records() < n && System.currentTimeMillis() < deadline) Thread.sleep(2);
                    long t1 = System.nanoTime();
                    var sum = lea.summary();
                    var st = client.stats();
                    System.out.printf(
                            "link bench: %d records of %d bytes, %s, fsync=%s: acked %.0f rec/s, end-to-end %.0f rec/s (%.1f MB/s); "
                                    + "received=%d missing=%d duplicates=%d spooled=%d lost=%d%n",
                            n,
                            pdus.size(),
                            tls ? "mutual TLS 1.3" : "plain TCP",
                            fsync,
                            n / ((tAck - t0) / 1e9),
                            n / ((t1 - t0) / 1e9),
                            n * (double) pdus.size() / ((t1 - t0) / 1e3),
                            sum.hi3Records(),
                            sum.missing(),
                            sum.duplicates(),
                            st.spooled(),
                            st.lost());
                    client.close();
                }
            }
        } finally {
            try (var w = Files.walk(tmp)) {
                w.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }
}
