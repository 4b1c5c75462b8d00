package io.kubeli.collector.sip;

import java.util.Locale;

/**
 * Normalised SIP identities. A name-addr or URI ({@code "Alice" <sips:Alice@Example.COM:5061;transport=tls>},
 * {@code tel:+1-555-0100}) becomes {@code user@host} (sip/sips alike, user unescaped and case kept, host lowercase,
 * port and parameters dropped) and, when the user part is a telephone number ({@code user=phone}, {@code tel:}, or
 * digits with an optional +), also {@code tel:<digits>} without visual separators, so numbers match on any host.
 */
public final class SipUri {
    private SipUri() {}

    /** The keys of an identity: [user@host] or [user@host, tel:digits] or [tel:digits]; empty when unusable. */
    public static String[] keys(String value) {
        if (value == null) {
            return new String[0];
        }
        String t = value.trim();
        String uri = t.regionMatches(true, 0, "tel:", 0, 4) ? t : uriOf(value); // a bare tel: may hold spaces
        if (uri == null) {
            return new String[0];
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("tel:")) {
            String n = number(uri.substring(4, cut(uri, 4, ";")));
            return n == null ? new String[0] : new String[] {"tel:" + n};
        }
        int s;
        if (lower.startsWith("sip:")) {
            s = 4;
        } else if (lower.startsWith("sips:")) {
            s = 5;
        } else {
            return new String[0];
        }
        int paramsAt = uri.indexOf(';', s);
        int headersAt = uri.indexOf('?', s);
        int at = uri.lastIndexOf('@', paramsAt < 0 ? uri.length() - 1 : paramsAt);
        if (at >= 0 && at < s) {
            at = -1;
        }
        String user = at < 0 ? "" : uri.substring(s, at);
        int colon = user.indexOf(':'); // user:password
        if (colon >= 0) {
            user = user.substring(0, colon);
        }
        int hs = at < 0 ? s : at + 1;
        int he = uri.length();
        if (paramsAt >= hs) {
            he = paramsAt;
        }
        if (headersAt >= hs && headersAt < he) {
            he = headersAt;
        }
        String host = uri.substring(hs, he);
        if (host.startsWith("[")) {
            int rb = host.indexOf(']');
            host = rb < 0 ? host : host.substring(0, rb + 1);
        } else {
            int pc = host.indexOf(':');
            if (pc >= 0) {
                host = host.substring(0, pc);
            }
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            return new String[0];
        }
        String params = paramsAt < 0 ? "" : lower.substring(paramsAt);
        int ue = user.indexOf(';'); // user parameters (RFC 3966 in a sip user part)
        String bare = unescape(ue < 0 ? user : user.substring(0, ue));
        if (bare == null) {
            return new String[0];
        }
        String full = bare.isEmpty() ? host : bare + "@" + host;
        String n = number(bare);
        boolean phone = params.contains(";user=phone") || n != null && bare.matches("\\+?[0-9][0-9().-]*");
        if (phone && n != null) {
            return new String[] {n + "@" + host, "tel:" + n};
        }
        return new String[] {full};
    }

    /** The first key of a target URI from an Intercept, or null when it names no usable identity. */
    public static String targetKey(String value) {
        String[] k = keys(value);
        if (k.length == 0) {
            return null;
        }
        return k.length == 2 && (value.toLowerCase(Locale.ROOT).contains("user=phone")) ? k[1] : k[0];
    }

    /** A parameter of a name-addr header value outside the URI (e.g. tag), or null. */
    public static String param(String value, String name) {
        int gt = value.lastIndexOf('>');
        int from = gt >= 0 ? gt + 1 : 0;
        String v = value.substring(from);
        int i = 0;
        while ((i = v.indexOf(';', i)) >= 0) {
            int eq = v.indexOf('=', i);
            int next = v.indexOf(';', i + 1);
            int ne = eq < 0 || next >= 0 && next < eq ? (next < 0 ? v.length() : next) : eq;
            if (v.substring(i + 1, ne).trim().equalsIgnoreCase(name)) {
                if (eq < 0 || ne != eq) {
                    return "";
                }
                return v.substring(eq + 1, next < 0 ? v.length() : next).trim();
            }
            i++;
        }
        return null;
    }

    /** The URI of a header value: inside <...>, else up to the first ';' or whitespace. */
    static String uriOf(String v) {
        v = v.trim();
        int lt = v.indexOf('<');
        if (lt >= 0) {
            int gt = v.indexOf('>', lt);
            return gt < 0 ? null : v.substring(lt + 1, gt).trim();
        }
        int e = v.length();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ';' || c == ' ' || c == '\t' || c == ',') {
                e = i;
                break;
            }
        }
        return v.substring(0, e);
    }

    private static int cut(String s, int from, String stop) {
        int i = s.indexOf(stop, from);
        return i < 0 ? s.length() : i;
    }

    /** Digits with an optional leading + and visual separators removed, or null when not a number. */
    static String number(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9' || c == '+' && sb.isEmpty()) {
                sb.append(c);
            } else if (c != '-' && c != '.' && c != '(' && c != ')' && c != ' ') {
                return null;
            }
        }
        return sb.length() == 0 || sb.length() == 1 && sb.charAt(0) == '+' ? null : sb.toString();
    }

    private static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int h = Character.digit(s.charAt(i + 1), 16);
                int l = Character.digit(s.charAt(i + 2), 16);
                if (h < 0 || l < 0) {
                    return null;
                }
                sb.append((char) (h * 16 + l));
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
