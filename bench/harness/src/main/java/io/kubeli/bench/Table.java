package io.kubeli.bench;

import java.util.ArrayList;
import java.util.List;

/** A small table rendered as GitHub markdown or as aligned console text; numeric columns are right-aligned. */
public final class Table {
    private final List<String> headers;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    /** Headers; a header starting with '>' marks a right-aligned column (the '>' is not shown). */
    public Table(String... headers) {
        this.headers = new ArrayList<>();
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith(">");
            this.headers.add(right[i] ? headers[i].substring(1) : headers[i]);
        }
    }

    public Table row(String... cells) {
        if (cells.length != headers.size())
            throw new IllegalArgumentException(
                    "row has " + cells.length + " cells, table has " + headers.size() + " columns");
        rows.add(List.of(cells));
        return this;
    }

    public int rows() {
        return rows.size();
    }

    /** GitHub-flavoured markdown; '|' in cells is escaped. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        line(sb, headers, true);
        sb.append('|');
        for (boolean r : right) sb.append(r ? " ---: |" : " --- |");
        sb.append('\n');
        for (List<String> row : rows) line(sb, row, true);
        return sb.toString();
    }

    /** Aligned plain text for the console. */
    public String text() {
        int[] w = new int[headers.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = headers.get(i).length();
            for (List<String> r : rows) w[i] = Math.max(w[i], r.get(i).length());
        }
        StringBuilder sb = new StringBuilder();
        pad(sb, headers, w);
        int total = 0;
        for (int x : w) total += x + 2;
        sb.append("-".repeat(Math.max(0, total - 2))).append('\n');
        for (List<String> r : rows) pad(sb, r, w);
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, boolean md) {
        sb.append('|');
        for (String c : cells)
            sb.append(' ').append(md ? c.replace("|", "\\|") : c).append(" |");
        sb.append('\n');
    }

    private void pad(StringBuilder sb, List<String> cells, int[] w) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String sp = " ".repeat(w[i] - c.length());
            sb.append(right[i] ? sp + c : c + sp).append(i == cells.size() - 1 ? "" : "  ");
        }
        sb.append('\n');
    }
}
