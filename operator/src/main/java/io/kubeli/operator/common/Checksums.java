package io.kubeli.operator.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** SHA-256 checksums of configuration data (stable key order). */
public final class Checksums {
    private Checksums() {}

    /** SHA-256 hex of the entries of {@code data}, sorted by key. */
    public static String of(Map<String, String> data) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(data)
                .forEach((k, v) -> sb.append(k).append('\0').append(v).append('\0'));
        return sha256(sb.toString());
    }

    /** SHA-256 hex of a string (UTF-8). */
    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
