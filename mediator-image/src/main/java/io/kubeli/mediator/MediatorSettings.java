package io.kubeli.mediator;

import io.kubeli.link.FsyncPolicy;
import java.nio.file.Path;

/**
 * Typed mediator configuration (from the command line).
 *
 * @param configDir directory of Agency/Intercept YAML (file mode), or null in cluster mode
 * @param kubernetes watch the API server instead of (or as well as) a config directory
 * @param namespace namespace to watch in cluster mode (null = the pod's or the client's default)
 * @param listenPort collector link port (0 = ephemeral)
 * @param dataDir durable buffers, cursors and dedup state
 * @param tlsDir link TLS material (tls.crt, tls.key, ca.crt); null with plain
 * @param plain plain TCP on the link (tests only)
 * @param agencyTlsDir directory holding one sub-directory per agency tlsSecretRef (file mode)
 * @param metricsPort port of /metrics, /healthz, /readyz; -1 = off
 * @param mediatorName this mediator's name (status ownership, logs)
 * @param bufferBytes size bound of each agency buffer (per HI) and of the holding log
 * @param segmentBytes segment file size
 * @param fsync when appended records are forced to disk: per batch (before the ack) or never; not grouped, whose
 *              appends return before the force (the ingest acknowledges when its store returns)
 * @param statusInterval seconds between status reports (log line in file mode, patches in cluster mode)
 * @param replicaIndex this replica's index in its StatefulSet; only replica 0 sends HI1 notifications (contract C4)
 */
public record MediatorSettings(
        Path configDir,
        boolean kubernetes,
        String namespace,
        int listenPort,
        Path dataDir,
        Path tlsDir,
        boolean plain,
        Path agencyTlsDir,
        int metricsPort,
        String mediatorName,
        long bufferBytes,
        long segmentBytes,
        FsyncPolicy fsync,
        int statusInterval,
        int replicaIndex) {
    public MediatorSettings {
        if (listenPort < 0 || listenPort > 65535) throw new IllegalArgumentException("--listen must be 0..65535");
        if (dataDir == null) throw new IllegalArgumentException("--data DIR is required");
        if (configDir == null && !kubernetes)
            throw new IllegalArgumentException("--config DIR is required outside a cluster");
        if (!plain && tlsDir == null)
            throw new IllegalArgumentException("give --tls-dir DIR (mutual TLS on the link) or --plain");
        if (bufferBytes < 1 << 20) throw new IllegalArgumentException("--buffer-bytes must be at least 1 MiB");
        if (segmentBytes < 64 << 10 || segmentBytes > 1L << 30)
            throw new IllegalArgumentException("--segment-bytes must be 64 KiB .. 1 GiB");
        if (fsync == null || fsync.mode() == FsyncPolicy.Mode.GROUPED)
            throw new IllegalArgumentException("--fsync must be batch or none");
        if (statusInterval < 1) throw new IllegalArgumentException("--status-interval must be >= 1");
        if (replicaIndex < 0) throw new IllegalArgumentException("--replica-index must be >= 0");
        if (mediatorName == null || mediatorName.isBlank()) mediatorName = "mediator";
    }

    /** Whether this replica sends the HI1-style notifications (replica 0 only, so an agency gets each once). */
    public boolean sendsHi1() {
        return replicaIndex == 0;
    }
}
