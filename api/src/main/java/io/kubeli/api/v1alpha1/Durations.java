package io.kubeli.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;

/** Parses the Kubernetes-style duration strings ("30s", "1m30s", "500ms") used in specs. */
public final class Durations {
    /** Schema pattern of a duration string: one or more number+unit groups (ms, s, m, h). */
    public static final String PATTERN = "^([0-9]+(ms|s|m|h))+$";

    private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h)");

    private Durations() {}

    /** Parses {@code text} (e.g. "1m30s"); throws IllegalArgumentException when it does not match {@link #PATTERN}. */
    public static Duration parse(String text) {
        if (text == null || !text.matches(PATTERN)) {
            throw new IllegalArgumentException("not a duration like 30s, 1m30s or 500ms: " + text);
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofHours(n);
                    });
        }
        return d;
    }

    /** Parses {@code text}, or returns {@code fallback} when it is null. */
    public static Duration parseOr(String text, Duration fallback) {
        return text == null ? fallback : parse(text);
    }
}
