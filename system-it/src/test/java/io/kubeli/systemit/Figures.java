package io.kubeli.systemit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Measured figures of one run, printed and written to target/system-it-figures.txt (reported, never asserted). */
final class Figures {
    private final Map<String, String> values = new LinkedHashMap<>();

    synchronized void put(String name, String value) {
        values.put(name, value);
        System.out.println("SystemIT figure: " + name + ": " + value);
    }

    /** Milliseconds since {@code startNanos} (System.nanoTime). */
    void millis(String name, long startNanos) {
        put(name, String.format("%.0f ms", (System.nanoTime() - startNanos) / 1e6));
    }

    synchronized void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# KubeLI system test figures, " + Instant.now() + "\n");
        values.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        Files.writeString(file, sb.toString());
    }
}
