package io.kubeli.mediator.bench;

/** Agency + Intercept YAML used by the benchmarks. */
final class BenchConfig {
    private BenchConfig() {}

    static String yaml(int hi2, int hi3) {
        return """
                apiVersion: li.kubeli.io/v1alpha1
                kind: Agency
                metadata: {name: agency-bench}
                spec:
                  hi2: {host: 127.0.0.1, port: %d}
                  hi3: {host: 127.0.0.1, port: %d}
                  countryCode: DE
                  operatorId: OP1
                  reconnectBackoff: 100ms
                  keepalive: {interval: 1s, responseTimeout: 10s}
                ---
                apiVersion: li.kubeli.io/v1alpha1
                kind: Intercept
                metadata: {name: ic-bench}
                spec:
                  liid: LIID-BENCH
                  agencyRef: agency-bench
                  mediatorRef: bench
                  authorizationCountryCode: DE
                  deliveryCountryCode: DE
                  validFrom: "2025-01-01T00:00:00Z"
                  validUntil: "2030-01-01T00:00:00Z"
                  targets: [{ip: 192.0.2.10}]
                """.formatted(hi2, hi3);
    }
}
