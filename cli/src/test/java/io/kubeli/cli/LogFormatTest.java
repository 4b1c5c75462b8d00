package io.kubeli.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** {@code --log-format json}: one JSON object per line with time, level, logger, message, whatever the message holds. */
class LogFormatTest {
    /** Field names of a flat JSON object of string values (fails on anything else: raw control characters too). */
    private static java.util.List<String> keys(String line) {
        assertTrue(line.endsWith("}\n") && line.startsWith("{\""), line);
        java.util.List<String> keys = new java.util.ArrayList<>();
        int i = 1;
        String body = line.substring(0, line.length() - 1);
        while (true) {
            int[] k = string(body, i);
            keys.add(body.substring(i + 1, k[0] - 1));
            assertEquals(':', body.charAt(k[0]), line);
            int[] v = string(body, k[0] + 1);
            i = v[0];
            if (body.charAt(i) == '}') {
                assertEquals(body.length() - 1, i, line);
                return keys;
            }
            assertEquals(',', body.charAt(i++), line);
        }
    }

    /** Scans a JSON string starting at {@code i} (a quote); returns the index after its closing quote. */
    private static int[] string(String s, int i) {
        assertEquals('"', s.charAt(i), s);
        for (int j = i + 1; j < s.length(); j++) {
            char c = s.charAt(j);
            assertTrue(
                    c >= 0x20
                            && c != 0x2028
                            && c != 0x2029
                            && !(Character.isSurrogate(c)
                                    && !(Character.isHighSurrogate(c)
                                            && j + 1 < s.length()
                                            && Character.isLowSurrogate(s.charAt(j + 1)))
                                    && !(Character.isLowSurrogate(c) && Character.isHighSurrogate(s.charAt(j - 1)))),
                    s);
            if (c == '\\') {
                char e = s.charAt(++j);
                if (e == 'u') {
                    assertTrue(s.substring(j + 1, j + 5).matches("[0-9a-f]{4}"), s);
                    j += 4;
                } else {
                    assertTrue("\"\\nrt".indexOf(e) >= 0, s);
                }
            } else if (c == '"') {
                return new int[] {j + 1};
            }
        }
        return fail("unterminated string: " + s);
    }

    private static LogRecord record(Level level, String msg, Object... params) {
        LogRecord r = new LogRecord(level, msg);
        r.setLoggerName("io.kubeli.test");
        r.setParameters(params);
        return r;
    }

    @Test
    void jsonIsOneObjectPerLineWithTheFourFields() {
        String line = LogFormat.JSON.formatter().format(record(Level.INFO, "target table updated: {0} active", 3));
        assertEquals(java.util.List.of("time", "level", "logger", "message"), keys(line));
        assertTrue(line.matches("\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\",.*\\R"), line);
        assertTrue(line.contains("\"level\":\"INFO\""));
        assertTrue(line.contains("\"logger\":\"io.kubeli.test\""));
        assertTrue(line.contains("\"message\":\"target table updated: 3 active\""), line);
    }

    @Test
    void hostileMessagesStayOneValidLine() {
        String hostile = "quote \" backslash \\ newline\n cr\r tab\t nul\0 bell\u0007 ls\u2028 lone\uD800 end";
        LogRecord r = record(Level.WARNING, hostile);
        r.setThrown(new IllegalStateException("bad\nthing \"x\""));
        String line = LogFormat.JSON.formatter().format(r);
        assertEquals(1, line.lines().count(), line);
        assertEquals(java.util.List.of("time", "level", "logger", "message", "error"), keys(line));
        assertTrue(line.contains("\\\"x\\\""), line);
    }

    @Test
    void theFormatterAddsNothingButTheMessage() {
        // parameters not referenced by the message (e.g. a target address handed along) are not printed
        String line = LogFormat.JSON.formatter().format(record(Level.INFO, "matched", "198.18.0.7"));
        assertFalse(line.contains("198.18.0.7"), line);
        assertFalse(LogFormat.TEXT
                .formatter()
                .format(record(Level.INFO, "matched", "198.18.0.7"))
                .contains("198.18"));
    }

    @Test
    void textIsOneLineAndBadValuesAreUsageErrors() {
        String line = LogFormat.TEXT.formatter().format(record(Level.INFO, "hello"));
        assertTrue(line.matches("\\d{4}-.*Z INFO io.kubeli.test: hello\\R"), line);
        assertEquals(LogFormat.JSON, LogFormat.of("--log-format", "json"));
        Cli.UsageException e = assertThrows(Cli.UsageException.class, () -> LogFormat.of("--log-format", "yaml"));
        assertEquals("--log-format must be text or json (got 'yaml')", e.getMessage());
    }
}
