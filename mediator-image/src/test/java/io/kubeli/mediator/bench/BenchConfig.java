package io.kubeli.mediator.bench;

import io.kubeli.mediator.MediatorRig;

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
}
