package io.kubeli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of the benchmark harness ({@code bench/run} passes them through).
 *
 * @param root project root (where the modules' target directories are)
 * @param out raw data, captures and logs of the runs (a build output directory)
 * @param quick fewer packets, plain link only
 * @param packets frames per capture (0 = the default of the mode)
 * @param shares target shares in percent
 * @param links link modes: plain, mtls
 * @param fsync mediator fsync policy
 * @param liveCsv CSV of bench/live-capture, or null
 * @param liveNote why the live capture section is missing, or null
 * @param doc markdown report to write, or null
 * @param png plot to write, or null
 * @param repeat runs per point (the report shows the median by records/s and the range)
 * @param loadBefore load average before bench/run started (its build and live part), or null
 * @param agency the agency process: sink (minimal, the default) or lea (the project's test LEA receiver)
 * @param jvmOpts extra JVM options of the collector and mediator (e.g. GC, heap, JFR)
 * @param aot train a JDK 25 AOT cache for collector and mediator first, and start them from it
 */
public record BenchConfig(Path root, Path out, boolean quick, long packets, List<Integer> shares, List<String> links, String fsync,
                          Path liveCsv, String liveNote, Path doc, Path png, int repeat, String loadBefore,
                          String agency, List<String> jvmOpts, boolean aot) {

    /** JVM options of collector and mediator unless --jvm-opt is given: the images' serial GC, a heap a small pod allows. */
    public static final List<String> POD_JVM = List.of("-XX:+UseSerialGC", "-Xmx256m");

    /** Option name → (argument, default, description), for --help and validation messages. */
    public static final Map<String, String[]> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("--root", new String[] {"DIR", "the kubeli.home property, else the working directory", "project root with the built modules"});
        OPTIONS.put("--out", new String[] {"DIR", "ROOT/bench/harness/target/bench-out", "captures, logs and raw results (CSV, JSON)"});
        OPTIONS.put("--quick", new String[] {"", "off", "short run: 300000 packets per point, plain link only"});
        OPTIONS.put("--packets", new String[] {"N", "1500000 (quick: 300000)", "frames per capture at shares >= 50 %; lower shares get up to 2.5x as many"});
        OPTIONS.put("--repeat", new String[] {"N", "3 (quick: 1)", "runs per point; the median by records/s is reported with the range"});
        OPTIONS.put("--shares", new String[] {"P,P,...", "10,50,100", "target shares in percent"});
        OPTIONS.put("--links", new String[] {"plain,mtls", "plain,mtls (quick: plain)", "collector-mediator link modes"});
        OPTIONS.put("--fsync", new String[] {"batch|none", "batch", "mediator fsync policy"});
        OPTIONS.put("--live-csv", new String[] {"FILE", "none", "bench/live-capture results to include"});
        OPTIONS.put("--live-note", new String[] {"TEXT", "none", "why the live capture section is missing"});
        OPTIONS.put("--doc", new String[] {"FILE", "none", "markdown report to write (docs/benchmarks.md)"});
        OPTIONS.put("--png", new String[] {"FILE", "none", "plot to write (docs/benchmarks.png)"});
        OPTIONS.put("--agency", new String[] {"sink|lea", "sink", "agency process: minimal sink (counts, checks sequences) or the test LEA receiver"});
        OPTIONS.put("--jvm-opt", new String[] {"OPT", String.join(" ", POD_JVM), "JVM option for collector and mediator, repeatable; replaces the default (like a 2-core pod of the images: serial GC, bounded heap)"});
        OPTIONS.put("--aot", new String[] {"", "off", "train a JDK 25 AOT cache for collector and mediator on a short run first, then start them from it"});
        OPTIONS.put("--load-before", new String[] {"\"L1 L5 L15\"", "read at start", "load average before bench/run began"});
    }

    /** Parses the command line; IllegalArgumentException with a clear message on any bad option. */
    public static BenchConfig parse(String[] args) {
        Path root = Path.of(System.getProperty("kubeli.home", ".")).toAbsolutePath().normalize();
        Path out = null, liveCsv = null, doc = null, png = null;
        boolean quick = false, aot = false;
        long packets = 0;
        int repeat = 0;
        List<Integer> shares = List.of(10, 50, 100);
        List<String> links = null;
        String fsync = "batch", liveNote = null, loadBefore = null, agency = "sink";
        List<String> jvmOpts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--root" -> root = Path.of(value(args, ++i, a)).toAbsolutePath().normalize();
                case "--out" -> out = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--quick" -> quick = true;
                case "--aot" -> aot = true;
                case "--packets" -> packets = number(value(args, ++i, a), a, 1, 50_000_000);
                case "--repeat" -> repeat = (int) number(value(args, ++i, a), a, 1, 9);
                case "--shares" -> shares = shares(value(args, ++i, a));
                case "--links" -> links = links(value(args, ++i, a));
                case "--fsync" -> {
                    fsync = value(args, ++i, a);
                    if (!fsync.equals("batch") && !fsync.equals("none")) throw new IllegalArgumentException("--fsync must be batch or none, got '" + fsync + "'");
                }
                case "--live-csv" -> liveCsv = Path.of(value(args, ++i, a));
                case "--live-note" -> liveNote = value(args, ++i, a);
                case "--doc" -> doc = Path.of(value(args, ++i, a));
                case "--png" -> png = Path.of(value(args, ++i, a));
                case "--load-before" -> loadBefore = value(args, ++i, a);
                case "--agency" -> {
                    agency = value(args, ++i, a);
                    if (!agency.equals("sink") && !agency.equals("lea")) throw new IllegalArgumentException("--agency must be sink or lea, got '" + agency + "'");
                }
                case "--jvm-opt" -> {
                    String o = value(args, ++i, a);
                    if (!o.startsWith("-")) throw new IllegalArgumentException("--jvm-opt takes a JVM option starting with '-', got '" + o + "'");
                    jvmOpts.add(o);
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (packets == 0) packets = quick ? 300_000 : 1_500_000;
        if (repeat == 0) repeat = quick ? 1 : 3;
        if (links == null) links = quick ? List.of("plain") : List.of("plain", "mtls");
        if (out == null) out = root.resolve("bench/harness/target/bench-out");
        return new BenchConfig(root, out, quick, packets, shares, links, fsync, liveCsv, liveNote, doc, png, repeat, loadBefore, agency,
                jvmOpts.isEmpty() ? POD_JVM : List.copyOf(jvmOpts), aot);
    }

    /** Frames of the capture at {@code share} %: below 50 % up to 2.5x more, so the point still delivers enough records. */
    public long packetsFor(int share) {
        return share >= 50 ? packets : packets * Math.min(250, 5000 / share) / 100;
    }

    /** The option list for --help. */
    public static String usage() {
        StringBuilder sb = new StringBuilder("Usage: bench/run [--quick] [--skip-live] [--out DIR]  (harness options below)\n\n");
        OPTIONS.forEach((k, v) -> sb.append(String.format("  %-28s %s [default: %s]%n", k + (v[0].isEmpty() ? "" : " " + v[0]), v[2], v[1])));
        return sb.toString();
    }

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
        return args[i];
    }

    private static long number(String v, String opt, long min, long max) {
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) throw new IllegalArgumentException(opt + " must be " + min + ".." + max + ", got " + n);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a number, got '" + v + "'");
        }
    }

    private static List<Integer> shares(String v) {
        List<Integer> r = new ArrayList<>();
        for (String s : v.split(",")) r.add((int) number(s.trim(), "--shares", 1, 100));
        return List.copyOf(r);
    }

    private static List<String> links(String v) {
        List<String> r = new ArrayList<>();
        for (String s : v.split(",")) {
            String l = s.trim();
            if (!l.equals("plain") && !l.equals("mtls")) throw new IllegalArgumentException("--links takes plain and/or mtls, got '" + l + "'");
            r.add(l);
        }
        return List.copyOf(r);
    }
}
