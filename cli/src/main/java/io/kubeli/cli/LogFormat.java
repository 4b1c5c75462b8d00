package io.kubeli.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log line format of the collector and mediator ({@code --log-format text|json}), on stderr: {@code text} is
 * one line per record, {@code json} one JSON object per line with exactly time, level, logger, message (and error
 * when a record carries an exception). The formatter adds nothing of its own: no parameters beyond the message,
 * no thread or context data, so what is kept out of messages (target identities) stays out of the log.
 */
public enum LogFormat {
    /** {@code 2026-01-02T03:04:05.678Z INFO logger: message}. */
    TEXT,
    /** {@code {"time":"2026-...Z","level":"INFO","logger":"...","message":"..."}}. */
    JSON;

    /** Millisecond UTC times of fixed width, e.g. {@code 2026-01-02T03:04:05.600Z}. */
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter.ofPattern(
                    "uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    /** The option value: text or json; anything else is a {@link Cli.UsageException}. */
    public static LogFormat of(String option, String value) {
        return switch (value == null ? "" : value.strip()) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new Cli.UsageException(option + " must be text or json (got '" + value + "')");
        };
    }

    /** The formatter of this format. */
    public Formatter formatter() {
        return this == JSON ? new JsonFormatter() : new TextFormatter();
    }

    /** Makes the root logger write this format to stderr (replacing its handlers). */
    public void install() {
        Logger root = Logger.getLogger("");
        java.util.logging.Level level = root.getLevel();
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(formatter());
        h.setLevel(java.util.logging.Level.ALL);
        root.addHandler(h);
        if (level != null) {
            root.setLevel(level);
        }
    }

    /** One line per record. */
    static final class TextFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(128)
                    .append(TIME.format(r.getInstant()))
                    .append(' ')
                    .append(r.getLevel().getName())
                    .append(' ')
                    .append(r.getLoggerName())
                    .append(": ")
                    .append(formatMessage(r));
            if (r.getThrown() != null) {
                sb.append(System.lineSeparator())
                        .append(stackTrace(r.getThrown()).stripTrailing());
            }
            return sb.append(System.lineSeparator()).toString();
        }
    }

    /** One JSON object per line. */
    static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160).append('{');
            field(sb, "time", TIME.format(r.getInstant())).append(',');
            field(sb, "level", r.getLevel().getName()).append(',');
            field(sb, "logger", r.getLoggerName() == null ? "" : r.getLoggerName())
                    .append(',');
            field(sb, "message", formatMessage(r));
            if (r.getThrown() != null) {
                sb.append(',');
                field(sb, "error", stackTrace(r.getThrown()).stripTrailing());
            }
            return sb.append('}').append('\n').toString();
        }

        private static StringBuilder field(StringBuilder sb, String name, String value) {
            sb.append('"').append(name).append("\":\"");
            String v = value == null ? "" : value;
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20
                                || c == 0x2028
                                || c == 0x2029
                                || Character.isSurrogate(c) && !validSurrogate(v, i)) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('"');
        }

        /** A surrogate that is half of a well-formed pair (a lone one is escaped, so the line stays valid UTF-8). */
        private static boolean validSurrogate(String s, int i) {
            char c = s.charAt(i);
            return Character.isHighSurrogate(c)
                    ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
