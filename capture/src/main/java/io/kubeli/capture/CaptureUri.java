package io.kubeli.capture;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed capture URI {@code scheme:target?key=value&key=value}; values are percent-decoded
 * ({@code %20}, {@code %26}); {@code +} stays literal. Typed getters throw {@link CaptureUriException}.
 *
 * @param scheme lower-case scheme, e.g. {@code afpacket}
 * @param target everything between the first ':' and '?' (interface, path, device)
 * @param params query options in order
 */
public record CaptureUri(String scheme, String target, Map<String, String> params) {

    public CaptureUri {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** Parses {@code text}; throws {@link CaptureUriException} when it has no scheme or target. */
    public static CaptureUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new CaptureUriException("empty capture URI");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new CaptureUriException(
                    "capture URI has no scheme (expected scheme:target, e.g. afpacket:eth1): " + text);
        }
        String scheme = text.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
            throw new CaptureUriException("bad scheme '" + scheme + "' in capture URI");
        }
        String rest = text.substring(colon + 1);
        int q = rest.indexOf('?');
        String target = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> params = new LinkedHashMap<>();
        if (q >= 0 && q + 1 < rest.length()) {
            for (String kv : rest.substring(q + 1).split("&")) {
                if (kv.isEmpty()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                String k = decode(eq < 0 ? kv : kv.substring(0, eq));
                String v = eq < 0 ? "" : decode(kv.substring(eq + 1));
                if (params.put(k, v) != null) {
                    throw new CaptureUriException("option '" + k + "' given twice in " + scheme + ": URI");
                }
            }
        }
        if (target.isEmpty()) {
            throw new CaptureUriException("capture URI '" + scheme + ":' has no target (interface or path)");
        }
        return new CaptureUri(scheme, decode(target), params);
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new CaptureUriException("bad percent escape in capture URI");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new CaptureUriException("bad percent escape in capture URI");
                }
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (n + b.length > out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2 + b.length);
                }
                System.arraycopy(b, 0, out, n, b.length);
                n += b.length;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** Throws when an option outside {@code known} is present (typos must not be ignored silently). */
    public void requireKnown(Set<String> known) {
        for (String k : params.keySet()) {
            if (!known.contains(k)) {
                throw new CaptureUriException("unknown option '" + k + "' for " + scheme + ": (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** The raw value, or {@code def} when absent. */
    public String param(String key, String def) {
        String v = params.get(key);
        return v == null ? def : v;
    }

    /** An integer option in [min, max]. */
    public int intParam(String key, int def, int min, int max) {
        long v = sizeParam(key, def, min, max);
        return (int) v;
    }

    /** A size option in [min, max]; accepts suffixes k, m, g (powers of 1024). */
    public long sizeParam(String key, long def, long min, long max) {
        String v = params.get(key);
        if (v == null) {
            return def;
        }
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        long mul = 1;
        if (s.endsWith("k")) {
            mul = 1L << 10;
        } else if (s.endsWith("m")) {
            mul = 1L << 20;
        } else if (s.endsWith("g")) {
            mul = 1L << 30;
        }
        if (mul != 1) {
            s = s.substring(0, s.length() - 1);
        }
        long n;
        try {
            n = Math.multiplyExact(Long.parseLong(s), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CaptureUriException("option " + key + "=" + v + " of " + scheme + ": is not a number");
        }
        if (n < min || n > max) {
            throw new CaptureUriException(
                    "option " + key + "=" + v + " of " + scheme + ": out of range [" + min + ", " + max + "]");
        }
        return n;
    }

    /** A boolean option: true/false/1/0/yes/no/on/off. */
    public boolean boolParam(String key, boolean def) {
        String v = params.get(key);
        if (v == null) {
            return def;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "", "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default ->
                throw new CaptureUriException(
                        "option " + key + "=" + v + " of " + scheme + ": is not a boolean (true/false)");
        };
    }

    /** An option restricted to {@code allowed} values. */
    public String choiceParam(String key, String def, Set<String> allowed) {
        String v = params.get(key);
        if (v == null) {
            return def;
        }
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (!allowed.contains(s)) {
            throw new CaptureUriException("option " + key + "=" + v + " of " + scheme + ": must be one of "
                    + String.join("|", new TreeSet<>(allowed)));
        }
        return s;
    }

    /** The URI without query values that could carry target data (the filter is replaced by "..."). */
    public String redacted() {
        StringBuilder sb = new StringBuilder(scheme).append(':').append(target);
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(e.getKey().equals("filter") ? "..." : e.getValue());
            sep = '&';
        }
        return sb.toString();
    }
}
