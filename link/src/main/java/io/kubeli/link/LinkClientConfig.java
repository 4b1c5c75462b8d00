package io.kubeli.link;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Configuration of a {@link LinkClient}.
 *
 * @param host              mediator host
 * @param port              mediator port
 * @param collectorId       stable collector identity (dedup key with the link sequence); [A-Za-z0-9._:/-]{1,200}
 * @param tls               mutual TLS 1.3, or {@link TlsConfig#none()} for plain TCP (explicit only)
 * @param queueCapacity     records held in memory until acknowledged; beyond it records go to the spool
 * @param spoolDir          directory of the disk spool and the persisted link sequence
 * @param spoolMaxBytes     bound of the spool; beyond it records are counted as lost
 * @param spoolFsync        fsync policy of the spool
 * @param reconnectMin      first reconnect delay (doubles per failure, with jitter)
 * @param reconnectMax      longest reconnect delay
 * @param batchSize         records per BATCH frame at most
 * @param linger            how long the sender waits to fill a batch when fewer records are queued
 * @param maxFrameBytes     largest frame body sent (must not exceed the server's)
 * @param heartbeatInterval a HEARTBEAT is sent when nothing was sent for this long
 * @param idleTimeout       the link is considered dead when the server was silent for this long
 * @param connectTimeout    TCP connect and TLS handshake timeout
 * @param closeTimeout      close() waits this long for outstanding acks before saving the memory queue to disk
 */
public record LinkClientConfig(
        String host,
        int port,
        String collectorId,
        TlsConfig tls,
        int queueCapacity,
        Path spoolDir,
        long spoolMaxBytes,
        FsyncPolicy spoolFsync,
        Duration reconnectMin,
        Duration reconnectMax,
        int batchSize,
        Duration linger,
        int maxFrameBytes,
        Duration heartbeatInterval,
        Duration idleTimeout,
        Duration connectTimeout,
        Duration closeTimeout) {

    /** Validates with clear messages. */
    public LinkClientConfig {
        Objects.requireNonNull(host, "link client host");
        Objects.requireNonNull(collectorId, "link client collectorId");
        Objects.requireNonNull(tls, "link client tls (use TlsConfig.none() for plain TCP)");
        Objects.requireNonNull(spoolDir, "link client spoolDir");
        Objects.requireNonNull(spoolFsync, "link client spoolFsync");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("link client port must be 1..65535, got " + port);
        }
        if (!collectorId.matches("[A-Za-z0-9._:/-]{1,200}")) {
            throw new IllegalArgumentException(
                    "link client collectorId must match [A-Za-z0-9._:/-]{1,200}: '" + collectorId + "'");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("link client queueCapacity must be >= 1, got " + queueCapacity);
        }
        if (spoolMaxBytes < 2 * spoolSegmentBytes(spoolMaxBytes)) {
            throw new IllegalArgumentException("link client spoolMaxBytes must be >= 1 MiB, got " + spoolMaxBytes);
        }
        positive("link client reconnectMin", reconnectMin);
        positive("link client reconnectMax", reconnectMax);
        positive("link client heartbeatInterval", heartbeatInterval);
        positive("link client idleTimeout", idleTimeout);
        positive("link client connectTimeout", connectTimeout);
        Objects.requireNonNull(linger, "link client linger");
        Objects.requireNonNull(closeTimeout, "link client closeTimeout");
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("link client reconnectMax must be >= reconnectMin");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("link client batchSize must be >= 1, got " + batchSize);
        }
        if (maxFrameBytes < LinkProtocol.MIN_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException(
                    "link client maxFrameBytes must be >= " + LinkProtocol.MIN_MAX_FRAME_BYTES);
        }
        if (idleTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("link client idleTimeout must exceed heartbeatInterval");
        }
    }

    static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, got " + d);
        }
    }

    static long spoolSegmentBytes(long spoolMaxBytes) {
        return Math.max(512 * 1024, Math.min(64L << 20, spoolMaxBytes / 8));
    }

    /**
     * Defaults: queue 65536 records, spool 1 GiB with 50 ms group commit, reconnect 100 ms..10 s, batch 2048,
     * linger 1 ms, 4 MiB frames, heartbeat 5 s, idle 30 s, connect 10 s, close 5 s.
     */
    public static LinkClientConfig of(String host, int port, String collectorId, TlsConfig tls, Path spoolDir) {
        return new LinkClientConfig(
                host,
                port,
                collectorId,
                tls,
                65536,
                spoolDir,
                1L << 30,
                FsyncPolicy.grouped(Integer.MAX_VALUE, Duration.ofMillis(50)),
                Duration.ofMillis(100),
                Duration.ofSeconds(10),
                2048,
                Duration.ofMillis(1),
                LinkProtocol.DEFAULT_MAX_FRAME_BYTES,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5));
    }

    /** Copy with another memory queue capacity. */
    public LinkClientConfig withQueueCapacity(int v) {
        return copy(c -> c.queueCapacity = v);
    }

    /** Copy with another spool bound. */
    public LinkClientConfig withSpoolMaxBytes(long v) {
        return copy(c -> c.spoolMaxBytes = v);
    }

    /** Copy with another spool fsync policy. */
    public LinkClientConfig withSpoolFsync(FsyncPolicy v) {
        return copy(c -> c.spoolFsync = v);
    }

    /** Copy with another reconnect backoff. */
    public LinkClientConfig withReconnect(Duration min, Duration max) {
        return copy(c -> {
            c.reconnectMin = min;
            c.reconnectMax = max;
        });
    }

    /** Copy with another batch size and linger. */
    public LinkClientConfig withBatch(int size, Duration lingerTime) {
        return copy(c -> {
            c.batchSize = size;
            c.linger = lingerTime;
        });
    }

    /** Copy with other heartbeat interval and idle timeout. */
    public LinkClientConfig withHeartbeat(Duration interval, Duration idle) {
        return copy(c -> {
            c.heartbeatInterval = interval;
            c.idleTimeout = idle;
        });
    }

    /** Copy with another close timeout. */
    public LinkClientConfig withCloseTimeout(Duration v) {
        return copy(c -> c.closeTimeout = v);
    }

    /** Copy pointing at another mediator address. */
    public LinkClientConfig withAddress(String h, int p) {
        return copy(c -> {
            c.host = h;
            c.port = p;
        });
    }

    /** One copy path for every wither: the changed components, then the record's validation once. */
    private LinkClientConfig copy(Consumer<Components> change) {
        Components c = new Components(this);
        change.accept(c);
        return new LinkClientConfig(
                c.host,
                c.port,
                collectorId,
                tls,
                c.queueCapacity,
                spoolDir,
                c.spoolMaxBytes,
                c.spoolFsync,
                c.reconnectMin,
                c.reconnectMax,
                c.batchSize,
                c.linger,
                maxFrameBytes,
                c.heartbeatInterval,
                c.idleTimeout,
                connectTimeout,
                c.closeTimeout);
    }

    /** The components a wither may change, as mutable fields, for {@link #copy}. */
    private static final class Components {
        String host;
        int port;
        int queueCapacity;
        long spoolMaxBytes;
        FsyncPolicy spoolFsync;
        Duration reconnectMin;
        Duration reconnectMax;
        int batchSize;
        Duration linger;
        Duration heartbeatInterval;
        Duration idleTimeout;
        Duration closeTimeout;

        Components(LinkClientConfig r) {
            host = r.host;
            port = r.port;
            queueCapacity = r.queueCapacity;
            spoolMaxBytes = r.spoolMaxBytes;
            spoolFsync = r.spoolFsync;
            reconnectMin = r.reconnectMin;
            reconnectMax = r.reconnectMax;
            batchSize = r.batchSize;
            linger = r.linger;
            heartbeatInterval = r.heartbeatInterval;
            idleTimeout = r.idleTimeout;
            closeTimeout = r.closeTimeout;
        }
    }
}
