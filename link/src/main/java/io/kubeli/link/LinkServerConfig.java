package io.kubeli.link;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Configuration of a {@link LinkServer}.
 *
 * @param bindAddress        address to listen on ("0.0.0.0" all, "127.0.0.1" loopback)
 * @param port               TCP port, 0 = ephemeral (see {@link LinkServer#port()})
 * @param tls                mutual TLS 1.3, or {@link TlsConfig#none()} for plain TCP (explicit only)
 * @param maxFrameBytes      largest accepted frame body; larger frames close the connection
 * @param heartbeatInterval  a HEARTBEAT is sent when nothing was written for this long
 * @param idleTimeout        a connection (or TLS handshake / HELLO) silent for this long is closed
 * @param handshakeTimeout   a connection that has not completed the TLS handshake and HELLO this long after it was
 *                           accepted is closed, however much it trickles (a slow peer cannot hold a slot forever)
 * @param maxConnections     connections beyond this are closed at once (logged)
 * @param maxRecordsPerStore consecutive buffered batches are merged into one sink call up to this many records
 * @param backPressureRetry  first delay before retrying a sink that threw BackPressureException (doubles up to 1 s)
 */
public record LinkServerConfig(
        String bindAddress,
        int port,
        TlsConfig tls,
        int maxFrameBytes,
        Duration heartbeatInterval,
        Duration idleTimeout,
        Duration handshakeTimeout,
        int maxConnections,
        int maxRecordsPerStore,
        Duration backPressureRetry) {

    /** Validates with clear messages. */
    public LinkServerConfig {
        Objects.requireNonNull(bindAddress, "link server bindAddress");
        Objects.requireNonNull(tls, "link server tls (use TlsConfig.none() for plain TCP)");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("link server port must be 0..65535, got " + port);
        }
        if (maxFrameBytes < LinkProtocol.MIN_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("link server maxFrameBytes must be >= "
                    + LinkProtocol.MIN_MAX_FRAME_BYTES + ", got " + maxFrameBytes);
        }
        LinkClientConfig.positive("link server heartbeatInterval", heartbeatInterval);
        LinkClientConfig.positive("link server idleTimeout", idleTimeout);
        LinkClientConfig.positive("link server handshakeTimeout", handshakeTimeout);
        LinkClientConfig.positive("link server backPressureRetry", backPressureRetry);
        if (idleTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("link server idleTimeout (" + idleTimeout
                    + ") must exceed heartbeatInterval (" + heartbeatInterval + ")");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("link server maxConnections must be >= 1, got " + maxConnections);
        }
        if (maxRecordsPerStore < 1) {
            throw new IllegalArgumentException(
                    "link server maxRecordsPerStore must be >= 1, got " + maxRecordsPerStore);
        }
    }

    /** Defaults: all addresses, 4 MiB frames, 5 s heartbeat, 30 s idle timeout, 30 s handshake + HELLO, 1024 connections, 16384 records per store. */
    public static LinkServerConfig of(int port, TlsConfig tls) {
        return new LinkServerConfig(
                "0.0.0.0",
                port,
                tls,
                LinkProtocol.DEFAULT_MAX_FRAME_BYTES,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofSeconds(30),
                1024,
                16384,
                Duration.ofMillis(50));
    }

    /** Copy with another bind address. */
    public LinkServerConfig withBindAddress(String v) {
        return copy(c -> c.bindAddress = v);
    }

    /** Copy with another max frame size. */
    public LinkServerConfig withMaxFrameBytes(int v) {
        return copy(c -> c.maxFrameBytes = v);
    }

    /** Copy with other heartbeat interval and idle timeout. */
    public LinkServerConfig withHeartbeat(Duration interval, Duration idle) {
        return copy(c -> {
            c.heartbeatInterval = interval;
            c.idleTimeout = idle;
        });
    }

    /** Copy with another deadline for the TLS handshake and HELLO. */
    public LinkServerConfig withHandshakeTimeout(Duration v) {
        return copy(c -> c.handshakeTimeout = v);
    }

    /** Copy with another connection limit. */
    public LinkServerConfig withMaxConnections(int v) {
        return copy(c -> c.maxConnections = v);
    }

    /** Copy with another merge limit. */
    public LinkServerConfig withMaxRecordsPerStore(int v) {
        return copy(c -> c.maxRecordsPerStore = v);
    }

    /** One copy path for every wither: the changed components, then the record's validation once. */
    private LinkServerConfig copy(Consumer<Components> change) {
        Components c = new Components(this);
        change.accept(c);
        return new LinkServerConfig(
                c.bindAddress,
                port,
                tls,
                c.maxFrameBytes,
                c.heartbeatInterval,
                c.idleTimeout,
                c.handshakeTimeout,
                c.maxConnections,
                c.maxRecordsPerStore,
                backPressureRetry);
    }

    /** The components a wither may change, as mutable fields, for {@link #copy}. */
    private static final class Components {
        String bindAddress;
        int maxFrameBytes;
        Duration heartbeatInterval;
        Duration idleTimeout;
        Duration handshakeTimeout;
        int maxConnections;
        int maxRecordsPerStore;

        Components(LinkServerConfig r) {
            bindAddress = r.bindAddress;
            maxFrameBytes = r.maxFrameBytes;
            heartbeatInterval = r.heartbeatInterval;
            idleTimeout = r.idleTimeout;
            handshakeTimeout = r.handshakeTimeout;
            maxConnections = r.maxConnections;
            maxRecordsPerStore = r.maxRecordsPerStore;
        }
    }
}
