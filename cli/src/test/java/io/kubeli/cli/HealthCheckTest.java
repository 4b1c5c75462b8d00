package io.kubeli.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The images' HEALTHCHECK probe: healthy only on a 200. */
class HealthCheckTest {
    @Test
    void healthyOnlyOn200() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/healthz", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        s.createContext("/readyz", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        s.start();
        try {
            String base = "http://127.0.0.1:" + s.getAddress().getPort();
            assertEquals(0, HealthCheck.probe(base + "/healthz"));
            assertEquals(1, HealthCheck.probe(base + "/readyz"));
            assertEquals(1, HealthCheck.probe(base + "/nothing")); // 404
        } finally {
            s.stop(0);
        }
        assertEquals(1, HealthCheck.probe("http://127.0.0.1:1/healthz"), "nothing listening");
        assertEquals(1, HealthCheck.probe("not a url"), "misconfiguration");
    }
}
