package io.kubeli.collector.sip;

import java.nio.charset.StandardCharsets;

/**
 * Bounded SIP message parser (RFC 3261 section 7): start line, header folding, compact header names, Content-Length
 * framing (several messages in one datagram or segment). Never reads past {@code off+len}; every rejection is a
 * {@link Result} the caller counts.
 */
public final class SipParser {
    /** Longest message accepted (a UDP datagram or a TCP-framed message). */
    public static final int MAX_MESSAGE = 65_535;
    /** Most header fields in one message. */
    public static final int MAX_HEADERS = 256;
    /** Longest single header field (after unfolding). */
    public static final int MAX_HEADER = 8192;

    /** Outcome of one parse. */
    public enum Result {
        OK,
        INCOMPLETE,
        NOT_SIP,
        BAD_START_LINE,
        BAD_HEADER,
        TOO_MANY_HEADERS,
        HEADER_TOO_LONG,
        NO_CALL_ID,
        NO_CSEQ,
        BAD_CONTENT_LENGTH,
        TOO_LARGE
    }

    private SipParser() {}

    /** Parses the message starting at {@code off} (leading CRLF keep-alives skipped); sets {@code m.length}. */
    public static Result parse(byte[] b, int off, int len, SipMessage m) {
        m.clear();
        int end = off + len;
        int p = off;
        while (p < end && (b[p] == '\r' || b[p] == '\n')) {
            p++;
        }
        if (p == end) {
            return Result.INCOMPLETE;
        }
        m.start = p;
        int lineEnd = lineEnd(b, p, Math.min(end, p + MAX_HEADER));
        if (lineEnd < 0) {
            return end - p >= MAX_HEADER
                    ? Result.BAD_START_LINE
                    : looksSip(b, p, end) ? Result.INCOMPLETE : Result.NOT_SIP;
        }
        Result r = startLine(b, p, lineEnd, m);
        if (r != Result.OK) {
            return r;
        }
        p = next(b, lineEnd);
        int contentLength = -1;
        StringBuilder value = new StringBuilder(64);
        while (true) {
            if (p >= end) {
                return Result.INCOMPLETE;
            }
            if (b[p] == '\r' || b[p] == '\n') { // empty line: end of headers
                p = next(b, p);
                break;
            }
            if (++m.headers > MAX_HEADERS) {
                return Result.TOO_MANY_HEADERS;
            }
            int colon = -1;
            int q = p;
            value.setLength(0);
            int nameEnd = -1;
            while (true) { // one header field with its continuation lines
                int le = lineEnd(b, q, end);
                if (le < 0) {
                    return end - p > MAX_HEADER ? Result.HEADER_TOO_LONG : Result.INCOMPLETE;
                }
                if (le - p > MAX_HEADER) {
                    return Result.HEADER_TOO_LONG;
                }
                if (colon < 0) {
                    for (int i = q; i < le; i++) {
                        if (b[i] == ':') {
                            colon = i;
                            break;
                        }
                    }
                    if (colon < 0) {
                        return Result.BAD_HEADER;
                    }
                    nameEnd = colon;
                    while (nameEnd > p && (b[nameEnd - 1] == ' ' || b[nameEnd - 1] == '\t')) {
                        nameEnd--;
                    }
                    if (nameEnd == p) {
                        return Result.BAD_HEADER;
                    }
                    appendTrimmed(value, b, colon + 1, le);
                } else {
                    value.append(' ');
                    appendTrimmed(value, b, q, le);
                }
                q = next(b, le);
                if (q < end && (b[q] == ' ' || b[q] == '\t')) {
                    continue; // folded (LWS) continuation
                }
                if (q >= end) {
                    return Result.INCOMPLETE;
                }
                break;
            }
            String name = new String(b, p, nameEnd - p, StandardCharsets.US_ASCII);
            for (int i = p; i < nameEnd; i++) {
                if (b[i] <= ' ' || b[i] >= 127) {
                    return Result.BAD_HEADER;
                }
            }
            String v = value.toString();
            switch (canonical(name)) {
                case "call-id" -> m.callId = v;
                case "from" -> {
                    m.from = v;
                    m.fromTag = SipUri.param(v, "tag");
                }
                case "to" -> {
                    m.to = v;
                    m.toTag = SipUri.param(v, "tag");
                }
                case "cseq" -> {
                    if (!cseq(v, m)) {
                        return Result.NO_CSEQ;
                    }
                }
                case "content-length" -> {
                    contentLength = contentLength(v);
                    if (contentLength < 0) {
                        return Result.BAD_CONTENT_LENGTH;
                    }
                }
                case "content-type" -> m.contentType = v;
                case "p-asserted-identity", "remote-party-id" -> {
                    if (m.asserted.size() < 8) {
                        m.asserted.add(v);
                    }
                }
                default -> {}
            }
            p = q;
        }
        if (m.callId == null || m.callId.isEmpty()) {
            return Result.NO_CALL_ID;
        }
        if (m.cseqMethod == null) {
            return Result.NO_CSEQ;
        }
        if (contentLength < 0) {
            contentLength = end - p; // UDP may omit Content-Length (RFC 3261 18.3): the rest of the datagram
        }
        if ((long) p - m.start + contentLength > MAX_MESSAGE) {
            return Result.TOO_LARGE;
        }
        if (p + contentLength > end) {
            return Result.INCOMPLETE;
        }
        m.bodyOffset = p;
        m.bodyLength = contentLength;
        m.length = p + contentLength - m.start;
        return Result.OK;
    }

    private static Result startLine(byte[] b, int p, int e, SipMessage m) {
        String line = new String(b, p, e - p, StandardCharsets.ISO_8859_1);
        if (line.startsWith("SIP/2.0 ")) {
            if (line.length() < 11) {
                return Result.BAD_START_LINE;
            }
            int code = 0;
            for (int i = 8; i < 11; i++) {
                char c = line.charAt(i);
                if (c < '0' || c > '9') {
                    return Result.BAD_START_LINE;
                }
                code = code * 10 + c - '0';
            }
            if (code < 100 || code > 699 || line.length() > 11 && line.charAt(11) != ' ') {
                return Result.BAD_START_LINE;
            }
            m.status = code;
            return Result.OK;
        }
        int s1 = line.indexOf(' ');
        int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
        if (s1 <= 0 || s2 <= s1 + 1 || !line.substring(s2 + 1).equals("SIP/2.0")) {
            return looksSip(b, p, e) ? Result.BAD_START_LINE : Result.NOT_SIP;
        }
        String method = line.substring(0, s1);
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (!(c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c == '-'
                    || c == '.'
                    || c == '!'
                    || c == '%'
                    || c == '*'
                    || c == '_'
                    || c == '+'
                    || c == '`'
                    || c == '\''
                    || c == '~'
                    || c >= '0' && c <= '9')) {
                return Result.BAD_START_LINE;
            }
        }
        m.request = true;
        m.method = method;
        m.requestUri = line.substring(s1 + 1, s2);
        return Result.OK;
    }

    private static boolean looksSip(byte[] b, int p, int e) {
        for (int i = p; i < e && i < p + 64; i++) {
            if (b[i] < 0x20 && b[i] != '\r' && b[i] != '\n' && b[i] != '\t' || b[i] == 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static boolean cseq(String v, SipMessage m) {
        int sp = v.indexOf(' ');
        if (sp <= 0 || sp > 10) {
            return false;
        }
        long n = 0;
        for (int i = 0; i < sp; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            n = n * 10 + c - '0';
        }
        String method = v.substring(sp + 1).trim();
        if (method.isEmpty() || n > 0xFFFF_FFFFL) {
            return false;
        }
        m.cseq = n;
        m.cseqMethod = method;
        return true;
    }

    private static int contentLength(String v) {
        if (v.isEmpty() || v.length() > 9) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + c - '0';
        }
        return n;
    }

    /** Compact forms (RFC 3261 7.3.3) mapped to the long names, lowercase. */
    static String canonical(String name) {
        if (name.length() == 1) {
            return switch (Character.toLowerCase(name.charAt(0))) {
                case 'i' -> "call-id";
                case 'f' -> "from";
                case 't' -> "to";
                case 'l' -> "content-length";
                case 'c' -> "content-type";
                default -> "";
            };
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    private static void appendTrimmed(StringBuilder sb, byte[] b, int s, int e) {
        while (s < e && (b[s] == ' ' || b[s] == '\t')) {
            s++;
        }
        while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
            e--;
        }
        for (int i = s; i < e; i++) {
            sb.append((char) (b[i] & 0xFF));
        }
    }

    /** Index of the CR or LF that ends the line starting at p, or -1 when none before {@code end}. */
    private static int lineEnd(byte[] b, int p, int end) {
        for (int i = p; i < end; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Index after the line terminator at le (CRLF, or a bare LF or CR as RFC 4475 tolerates). */
    private static int next(byte[] b, int le) {
        if (b[le] == '\r' && le + 1 < b.length && b[le + 1] == '\n') {
            return le + 2;
        }
        return le + 1;
    }
}
