package io.kubeli.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the CSV of {@code bench/live-capture}: header
 * {@code method,level,offered_pps,sent,captured,socket_drops,interface_drops,backlog_drops,cpu_ns_per_pkt}
 * (columns found by name, so extra or reordered columns are fine; empty or "-" numbers mean unknown).
 */
public final class LiveCsv {
    static final List<String> REQUIRED = List.of("method", "level", "offered_pps", "sent", "captured");

    private LiveCsv() {}

    /** Parses the text; IllegalArgumentException naming the line on a bad row or missing column. */
    public static List<LiveRow> parse(String text) {
        List<LiveRow> rows = new ArrayList<>();
        Map<String, Integer> col = null;
        int lineNo = 0;
        for (String raw : text.split("\\R")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split(",", -1);
            if (col == null) {
                col = new HashMap<>();
                for (int i = 0; i < f.length; i++) col.put(f[i].strip().toLowerCase(Locale.ROOT), i);
                for (String r : REQUIRED) {
                    if (!col.containsKey(r))
                        throw new IllegalArgumentException("line " + lineNo + ": header lacks column '" + r + "'");
                }
                continue;
            }
            try {
                rows.add(new LiveRow(
                        text(f, col, "method"),
                        text(f, col, "level"),
                        dbl(f, col, "offered_pps"),
                        lng(f, col, "sent"),
                        lng(f, col, "captured"),
                        lng(f, col, "socket_drops"),
                        lng(f, col, "interface_drops"),
                        lng(f, col, "backlog_drops"),
                        dbl(f, col, "cpu_ns_per_pkt")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + lineNo + ": not a number (" + e.getMessage() + ")");
            }
        }
        if (col == null) throw new IllegalArgumentException("no header line");
        return List.copyOf(rows);
    }

    private static String text(String[] f, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        return i == null || i >= f.length ? "" : f[i].strip();
    }

    private static long lng(String[] f, Map<String, Integer> col, String name) {
        String s = text(f, col, name);
        if (s.isEmpty() || s.equals("-")) return -1;
        return s.contains(".") || s.contains("e") || s.contains("E")
                ? Math.round(Double.parseDouble(s))
                : Long.parseLong(s);
    }

    private static double dbl(String[] f, Map<String, Integer> col, String name) {
        String s = text(f, col, name);
        return s.isEmpty() || s.equals("-") ? Double.NaN : Double.parseDouble(s);
    }
}
