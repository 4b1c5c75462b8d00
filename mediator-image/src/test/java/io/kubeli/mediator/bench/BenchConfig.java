package io.kubeli.mediator.bench;

import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.MediatorRig;
import io.kubeli.mediator.MediatorSettings;
import io.kubeli.mediator.config.FileResources;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Files;
import java.nio.file.Path;

/** Agency + Intercept YAML used by the benchmarks. */
final class BenchConfig {
    private BenchConfig() {}

    static String yaml(int hi2, int hi3) {
        return MediatorRig.agency("agency-bench", hi2, hi3)
                        .replace("interval: 300ms", "interval: 1s")
                        .replace("responseTimeout: 2s", "responseTimeout: 10s")
                + "---\n"
                + MediatorRig.intercept(
                        "ic-bench", null, "LIID-BENCH", "agency-bench", "bench", "2030-01-01T00:00:00Z", "192.0.2.10");
    }

    /** Writes the benchmark config for {@code lea} into {@code tmp}/config and loads it into {@code catalog}. */
    static Path load(Path tmp, LeaReceiver lea, ResourceCatalog catalog) throws Exception {
        Path cfg = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(cfg.resolve("a.yaml"), yaml(lea.hi2Port(), lea.hi3Port()));
        new FileResources(cfg, catalog).load();
        return cfg;
    }

    /** A file-mode benchmark mediator: 4 GiB buffers, 64 MiB segments, no metrics; plain link without a TLS dir. */
    static MediatorSettings settings(Path cfg, Path data, Path tlsDir, FsyncPolicy fsync) {
        return new MediatorSettings(
                cfg,
                false,
                null,
                0,
                data,
                tlsDir,
                tlsDir == null,
                null,
                -1,
                "bench",
                4L << 30,
                64L << 20,
                fsync,
                10,
                0);
    }
}
