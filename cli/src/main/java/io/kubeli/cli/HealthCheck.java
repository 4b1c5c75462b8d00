package io.kubeli.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container HEALTHCHECK probe of the collector and mediator images (their JRE has no curl): exit 0 when the URL
 * answers 200, else 1. Usage: {@code java -cp 'lib/*' io.kubeli.cli.HealthCheck [URL]}.
 */
public final class HealthCheck {
    /** What the images probe when no URL is given. */
    static final String DEFAULT_URL = "http://127.0.0.1:9464/healthz";

    private HealthCheck() {}

    public static void main(String[] args) {
        System.exit(probe(args.length > 0 ? args[0] : DEFAULT_URL));
    }

    /** 0 when {@code url} answers 200 within 2 s, else 1 (any other status, no answer, a bad URL). */
    static int probe(String url) {
        try (HttpClient c =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<Void> r = c.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? 0 : 1;
        } catch (Exception e) {
            return 1; // IOException, InterruptedException, IllegalArgumentException (bad URL): unhealthy
        }
    }
}
