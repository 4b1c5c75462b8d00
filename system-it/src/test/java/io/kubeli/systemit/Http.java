package io.kubeli.systemit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Probes and metrics of the processes on loopback, like the kubelet's HTTP probes and a Prometheus scrape. */
final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Http() {}

    /** The HTTP status of GET {@code path}, or -1 when nothing answers. */
    static int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Sum of all samples of a metric (any labels) in the Prometheus text at /metrics. */
    static long metric(int port, String name) {
        try {
            double sum = 0;
            for (String line : get(port, "/metrics").body().split("\n")) {
                if (line.startsWith(name) && (line.charAt(name.length()) == ' ' || line.charAt(name.length()) == '{')) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (long) sum;
        } catch (IOException e) {
            throw new IllegalStateException("cannot scrape :" + port + "/metrics: " + e.getMessage(), e);
        }
    }

    /** Sum of the samples of a metric whose label set contains {@code label} (e.g. {@code result="ok"}). */
    static long metric(int port, String name, String label) {
        try {
            double sum = 0;
            for (String line : get(port, "/metrics").body().split("\n")) {
                if (line.startsWith(name + "{")
                        && line.substring(0, line.lastIndexOf('}') + 1).contains(label)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (long) sum;
        } catch (IOException e) {
            throw new IllegalStateException("cannot scrape :" + port + "/metrics: " + e.getMessage(), e);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException {
        try {
            return CLIENT.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
