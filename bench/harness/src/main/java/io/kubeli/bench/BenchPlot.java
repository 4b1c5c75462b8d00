package io.kubeli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The benchmark plot (Java2D, headless): left, records/s at the agency per target share and link mode (bars);
 * right, captured/sent over the offered rate per live capture method (lines, log-scaled rate axis).
 */
public final class BenchPlot {
    public static final int WIDTH = 1600, HEIGHT = 700;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x7f7f7f),
        new Color(0xbcbd22),
        new Color(0x17becf)
    };
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private BenchPlot() {}

    /** Renders and writes the PNG. */
    public static void write(Path png, List<E2ePoint> points, List<LiveRow> live, String liveNote) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(png.toAbsolutePath().getParent());
        if (!ImageIO.write(render(points, live, liveNote), "png", png.toFile()))
            throw new IOException("no PNG writer available");
    }

    /** Renders the plot. */
    public static BufferedImage render(List<E2ePoint> points, List<LiveRow> live, String liveNote) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        bars(g, points, 0, WIDTH / 2);
        lines(g, live, liveNote, WIDTH / 2, WIDTH / 2);
        g.dispose();
        return img;
    }

    // plot area of a panel starting at x0 with width w
    private record Area(int left, int top, int right, int bottom) {
        int width() {
            return right - left;
        }

        int height() {
            return bottom - top;
        }
    }

    private static Area area(int x0, int w) {
        return new Area(x0 + 95, 70, x0 + w - 30, HEIGHT - 110);
    }

    private static void bars(Graphics2D g, List<E2ePoint> points, int x0, int w) {
        Area a = area(x0, w);
        title(g, "End to end: records/s at the agency (first → last record)", x0, w);
        int runs = points.stream().mapToInt(E2ePoint::runs).max().orElse(1);
        if (runs > 1) {
            g.setFont(SMALL);
            g.setColor(Color.DARK_GRAY);
            center(g, "bar: median of " + runs + " runs; whisker: lowest to highest", x0 + w / 2, HEIGHT - 22);
        }
        List<Integer> shares = new ArrayList<>();
        List<String> links = new ArrayList<>();
        for (E2ePoint p : points) {
            if (!shares.contains(p.sharePercent())) shares.add(p.sharePercent());
            if (!links.contains(p.link())) links.add(p.link());
        }
        double max = 0;
        for (E2ePoint p : points) {
            if (!Double.isNaN(p.recordsPerSecondFirstToLast())) max = Math.max(max, p.recordsPerSecondFirstToLast());
            if (!Double.isNaN(p.rateMax())) max = Math.max(max, p.rateMax());
        }
        double top = niceCeiling(max);
        axesLinearY(g, a, 0, top, false, "records/s");
        g.setFont(LABEL);
        g.setColor(Color.BLACK);
        center(g, "share of target packets in the capture", (a.left + a.right) / 2, a.bottom + 55);
        if (points.isEmpty()) {
            center(g, "no end-to-end points", (a.left + a.right) / 2, (a.top + a.bottom) / 2);
            return;
        }
        int groupW = a.width() / shares.size();
        int barW = Math.min(90, (groupW - 40) / Math.max(1, links.size()));
        for (int si = 0; si < shares.size(); si++) {
            int gx = a.left + si * groupW + (groupW - barW * links.size()) / 2;
            g.setColor(Color.BLACK);
            g.setFont(LABEL);
            center(g, shares.get(si) + " %", a.left + si * groupW + groupW / 2, a.bottom + 25);
            for (int li = 0; li < links.size(); li++) {
                for (E2ePoint p : points) {
                    if (p.sharePercent() != shares.get(si) || !p.link().equals(links.get(li))) continue;
                    double v = p.recordsPerSecondFirstToLast();
                    if (Double.isNaN(v)) continue;
                    int h = (int) Math.round(v / top * a.height());
                    int x = gx + li * barW;
                    g.setColor(PALETTE[li % PALETTE.length]);
                    g.fillRect(x + 3, a.bottom - h, barW - 6, h);
                    g.setColor(Color.BLACK);
                    int labelY = a.bottom - h - 6;
                    if (p.runs() > 1 && !Double.isNaN(p.rateMin())) {
                        // whisker: lowest to highest run
                        int yMin = a.bottom - (int) Math.round(p.rateMin() / top * a.height());
                        int yMax = a.bottom - (int) Math.round(p.rateMax() / top * a.height());
                        int cx = x + barW / 2;
                        g.drawLine(cx, yMin, cx, yMax);
                        g.drawLine(cx - 8, yMin, cx + 8, yMin);
                        g.drawLine(cx - 8, yMax, cx + 8, yMax);
                        labelY = Math.min(labelY, yMax - 6);
                    }
                    g.setFont(SMALL);
                    center(g, BenchReport.rate(v), x + barW / 2, labelY);
                    if (!p.clean()) {
                        g.setColor(Color.RED);
                        center(g, "LOSS " + p.loss(), x + barW / 2, a.bottom - h - 22);
                    }
                }
            }
        }
        List<String> names = links.stream()
                .map(l -> l.equals("mtls") ? "link mTLS" : "link plain")
                .toList();
        List<Color> colors = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) colors.add(PALETTE[i % PALETTE.length]);
        legend(g, names, null, colors, a.left + 15, a.top + 10);
    }

    private static void lines(Graphics2D g, List<LiveRow> live, String note, int x0, int w) {
        Area a = area(x0, w);
        title(g, "Live capture: captured / sent vs offered rate", x0, w);
        Map<String, List<LiveRow>> series = new LinkedHashMap<>();
        double minX = Double.MAX_VALUE, maxX = 0;
        boolean inMemory = false;
        for (LiveRow r : live) {
            // in-memory rows (no wire, "offered" = achieved rate) are in the table, not on this rate axis
            if (r.method().contains("(memory)")) {
                inMemory = true;
                continue;
            }
            if (Double.isNaN(r.captureRatio()) || !(r.offeredPps() > 0)) continue;
            series.computeIfAbsent(r.series(), k -> new ArrayList<>()).add(r);
            minX = Math.min(minX, r.offeredPps());
            maxX = Math.max(maxX, r.offeredPps());
        }
        // the y axis starts at the next 10 % below the worst ratio, so small losses stay visible
        double worst = 1;
        for (List<LiveRow> rows : series.values()) for (LiveRow r : rows) worst = Math.min(worst, r.captureRatio());
        double yLo = worst > 0.95 ? Math.floor(worst * 100 - 1) : Math.max(0, Math.floor((worst * 100 - 2) / 10) * 10);
        axesLinearY(g, a, yLo, 100, true, "captured / sent (%)");
        g.setFont(LABEL);
        g.setColor(Color.BLACK);
        center(g, "offered rate (packets/s, log scale)", (a.left + a.right) / 2, a.bottom + 55);
        if (series.isEmpty()) {
            g.setColor(Color.DARK_GRAY);
            center(
                    g,
                    "live capture: " + (note == null ? "no data" : note),
                    (a.left + a.right) / 2,
                    (a.top + a.bottom) / 2);
            return;
        }
        double lo = Math.pow(10, Math.floor(Math.log10(minX))), hi = Math.pow(10, Math.ceil(Math.log10(maxX)));
        if (hi <= lo) hi = lo * 10;
        for (double d = lo; d <= hi * 1.0001; d *= 10) {
            int x = xLog(a, d, lo, hi);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, a.top, x, a.bottom);
            g.setColor(Color.BLACK);
            g.setFont(SMALL);
            center(g, decade(d), x, a.bottom + 22);
        }
        List<String> names = new ArrayList<>(series.keySet());
        List<Boolean> dashed = new ArrayList<>();
        Stroke solid = new BasicStroke(2.5f),
                dash = new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0);
        for (int i = 0; i < names.size(); i++) {
            List<LiveRow> rows = new ArrayList<>(series.get(names.get(i)));
            rows.sort((p, q) -> Double.compare(p.offeredPps(), q.offeredPps()));
            boolean isSource = rows.getFirst().level().equals("source");
            dashed.add(isSource);
            g.setColor(methodColor(rows.getFirst().method(), live));
            int px = -1, py = -1;
            for (LiveRow r : rows) {
                int x = xLog(a, r.offeredPps(), lo, hi);
                int y = a.bottom
                        - (int) Math.round((Math.min(1.0, r.captureRatio()) * 100 - yLo) / (100 - yLo) * a.height());
                if (px >= 0) {
                    g.setStroke(isSource ? dash : solid);
                    g.drawLine(px, py, x, y);
                }
                g.setStroke(solid);
                g.fillOval(x - 4, y - 4, 8, 8);
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1));
        List<Color> colors = new ArrayList<>();
        for (String n : names) colors.add(methodColor(series.get(n).getFirst().method(), live));
        legend(g, names, dashed, colors, a.left + 15, a.bottom - names.size() * 24 - 25);
        g.setFont(SMALL);
        g.setColor(Color.DARK_GRAY);
        center(
                g,
                "veth pair between two namespaces; dashed: capture method alone, solid: whole collector",
                (a.left + a.right) / 2,
                a.bottom + 78);
        if (inMemory) center(g, "(in-memory DPDK rows are in the table)", (a.left + a.right) / 2, a.bottom + 96);
        if (worst >= 1.0) {
            // all lines lie on top of each other at 100 %: say so in words
            g.setFont(LABEL);
            g.setColor(Color.BLACK);
            center(
                    g,
                    "every method captured every packet sent, up to " + BenchReport.rate(maxX) + " packets/s offered",
                    (a.left + a.right) / 2,
                    a.top + 40);
        }
    }

    private static int xLog(Area a, double v, double lo, double hi) {
        return a.left
                + (int) Math.round((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * a.width());
    }

    private static void axesLinearY(Graphics2D g, Area a, double bottom, double top, boolean plain, String label) {
        g.setFont(SMALL);
        for (int i = 0; i <= 5; i++) {
            double v = bottom + (top - bottom) * i / 5;
            int y = a.bottom - (int) Math.round((double) a.height() * i / 5);
            g.setColor(new Color(0xdddddd));
            g.drawLine(a.left, y, a.right, y);
            g.setColor(Color.BLACK);
            String s = plain
                    ? String.format(java.util.Locale.ROOT, top - bottom < 10 ? "%.1f" : "%.0f", v)
                    : BenchReport.rate(v);
            g.drawString(s, a.left - 10 - g.getFontMetrics().stringWidth(s), y + 5);
        }
        g.setColor(Color.BLACK);
        g.drawLine(a.left, a.top, a.left, a.bottom);
        g.drawLine(a.left, a.bottom, a.right, a.bottom);
        g.setFont(LABEL);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        FontMetrics fm = r.getFontMetrics();
        r.drawString(label, -(a.top + a.bottom) / 2 - fm.stringWidth(label) / 2, a.left - 70);
        r.dispose();
    }

    // one colour per capture method, in order of first appearance
    private static Color methodColor(String method, List<LiveRow> live) {
        List<String> methods = new ArrayList<>();
        for (LiveRow r : live)
            if (!r.method().contains("(memory)") && !methods.contains(r.method())) methods.add(r.method());
        return PALETTE[Math.max(0, methods.indexOf(method)) % PALETTE.length];
    }

    private static void legend(
            Graphics2D g, List<String> names, List<Boolean> dashed, List<Color> colors, int x, int y) {
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (String n : names) w = Math.max(w, fm.stringWidth(n));
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(x, y, w + 60, names.size() * 24 + 10);
        g.setColor(Color.GRAY);
        g.drawRect(x, y, w + 60, names.size() * 24 + 10);
        for (int i = 0; i < names.size(); i++) {
            int ly = y + 22 + i * 24;
            g.setColor(colors.get(i));
            if (dashed == null) {
                g.fillRect(x + 10, ly - 12, 30, 14);
            } else {
                g.setStroke(
                        dashed.get(i)
                                ? new BasicStroke(
                                        2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0)
                                : new BasicStroke(2.5f));
                g.drawLine(x + 8, ly - 5, x + 42, ly - 5);
                g.setStroke(new BasicStroke(1));
            }
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x + 50, ly);
        }
    }

    private static void title(Graphics2D g, String s, int x0, int w) {
        g.setFont(TITLE);
        g.setColor(Color.BLACK);
        center(g, s, x0 + w / 2, 40);
    }

    private static void center(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    /** A power of ten as a short label: 10 k, 100 k, 1 M. */
    static String decade(double d) {
        if (d >= 1e6) return String.format(java.util.Locale.ROOT, "%.0f M", d / 1e6);
        if (d >= 1e3) return String.format(java.util.Locale.ROOT, "%.0f k", d / 1e3);
        return String.format(java.util.Locale.ROOT, "%.0f", d);
    }

    /** A round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) 8 % or more above {@code v}, for the axis top. */
    static double niceCeiling(double v) {
        if (!(v > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) if (m * p >= v * 1.08) return m * p;
        return 10 * p * 2;
    }
}
