package io.kubeli.etsi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Loads the test vectors from src/test/resources/vectors. */
public final class Vectors {
    private Vectors() {}

    public static byte[] load(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) throw new IllegalArgumentException("no vector " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Instant t(String iso) {
        return Instant.parse(iso);
    }
}
