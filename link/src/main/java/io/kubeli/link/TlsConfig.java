package io.kubeli.link;

import java.nio.file.Path;

/**
 * TLS settings of the link: either {@link #none()} (plain TCP, only when explicitly configured) or mutual TLS 1.3
 * from a directory as a Kubernetes Secret mounts it: {@code tls.crt} (PEM chain), {@code tls.key} (PEM PKCS#8, PKCS#1 RSA or
 * SEC1 EC), {@code ca.crt} (PEM CA bundle); alternatively {@code keystore.p12} (+ optional {@code keystore.password})
 * instead of tls.crt/tls.key.
 *
 * @param directory      the Secret mount directory, or null for plain TCP
 * @param verifyHostname client side: check the server certificate's names against the host connected to
 */
public record TlsConfig(Path directory, boolean verifyHostname) {

    /** Plain TCP. */
    public static TlsConfig none() {
        return new TlsConfig(null, false);
    }

    /** Mutual TLS from a Secret directory, with hostname verification on the client. */
    public static TlsConfig fromDirectory(Path directory) {
        return new TlsConfig(directory, true);
    }

    /** "none" → plain; anything else is a directory (mutual TLS). */
    public static TlsConfig parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("tls must be 'none' or a certificate directory");
        }
        return value.trim().equalsIgnoreCase("none") ? none() : fromDirectory(Path.of(value.trim()));
    }

    /** Whether TLS is on. */
    public boolean enabled() {
        return directory != null;
    }

    /** Copy with hostname verification switched. */
    public TlsConfig withVerifyHostname(boolean v) {
        return new TlsConfig(directory, v);
    }
}
