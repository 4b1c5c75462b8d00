package io.kubeli.link;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The /metrics (Prometheus text), /healthz and /readyz HTTP endpoint of the collector and the mediator. */
public final class HealthEndpoint implements AutoCloseable {
    private final HttpServer server;

    private HealthEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code port} (0 = ephemeral) from one daemon thread named {@code metrics-http}. */
    public static HealthEndpoint start(int port, Supplier<String> metrics, BooleanSupplier ready) throws IOException {
        return start(null, port, metrics, ready);
    }

    /** As {@link #start(int, Supplier, BooleanSupplier)} bound to {@code address} (an IP literal; null = all). */
    public static HealthEndpoint start(String address, int port, Supplier<String> metrics, BooleanSupplier ready)
            throws IOException {
        InetSocketAddress bind = address == null
                ? new InetSocketAddress(port)
                : new InetSocketAddress(java.net.InetAddress.ofLiteral(address), port);
        HttpServer s = HttpServer.create(bind, 0);
        s.createContext("/metrics", ex -> reply(ex, 200, metrics.get(), "text/plain; version=0.0.4; charset=utf-8"));
        s.createContext("/healthz", ex -> reply(ex, 200, "ok\n", "text/plain"));
        s.createContext("/readyz", ex -> {
            boolean r = ready.getAsBoolean();
            reply(ex, r ? 200 : 503, r ? "ready\n" : "not ready\n", "text/plain");
        });
        s.setExecutor(Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().daemon().name("metrics-http").unstarted(r)));
        s.start();
        return new HealthEndpoint(s);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, int code, String body, String type) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
