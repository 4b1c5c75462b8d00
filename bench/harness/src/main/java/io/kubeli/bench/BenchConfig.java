package io.kubeli.bench;

import io.kubeli.cli.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
public record BenchConfig(
        Path root,
        Path out,
        boolean quick,
        long packets,
        List<Integer> shares,
        List<String> links,
        String fsync,
        Path liveCsv,
        String liveNote,
        Path doc,
        Path png,
        int repeat,
        String loadBefore,
        String agency,
        List<String> jvmOpts,
        boolean aot) {

    /** JVM options of collector and mediator unless --jvm-opt is given: the images' serial GC, a heap a small pod allows. */
    public static final List<String> POD_JVM = List.of("-XX:+UseSerialGC", "-Xmx256m");

    /** The command line as declared (picocli). */
    @Command(
            name = "bench",
            customSynopsis = "bench/run [--quick] [--skip-live] [--out DIR]  (harness options below)",
            description = {"", "Runs the end-to-end benchmark points and writes the tables, report and plot.", ""},
            optionListHeading = "Options:%n")
    static final class Declared {
        @Option(
                names = "--root",
                paramLabel = "DIR",
                description = "project root with the built modules [default: the"
                        + " kubeli.home property, else the working directory]")
        String root;

        @Option(
                names = "--out",
                paramLabel = "DIR",
                description = "captures, logs and raw results (CSV, JSON) [default:"
                        + " ROOT/bench/harness/target/bench-out]")
        String out;

        @Option(names = "--quick", description = "short run: 300000 packets per point, plain link only [default: off]")
        boolean quick;

        @Option(
                names = "--packets",
                paramLabel = "N",
                description = "frames per capture at shares >= 50 %; lower shares get"
                        + " up to 2.5x as many (1..50000000) [default: 1500000 (quick: 300000)]")
        long packets;

        @Option(
                names = "--repeat",
                paramLabel = "N",
                description = "runs per point (1..9); the median by records/s is"
                        + " reported with the range [default: 3 (quick: 1)]")
        int repeat;

        @Option(
                names = "--shares",
                paramLabel = "P,P,...",
                description = "target shares in percent [default: 10,50,100]")
        String shares = "10,50,100";

        @Option(
                names = "--links",
                paramLabel = "plain,mtls",
                description = "collector-mediator link modes [default:" + " plain,mtls (quick: plain)]")
        String links;

        @Option(names = "--fsync", paramLabel = "batch|none", description = "mediator fsync policy [default: batch]")
        String fsync = "batch";

        @Option(
                names = "--live-csv",
                paramLabel = "FILE",
                description = "bench/live-capture results to include [default: none]")
        String liveCsv;

        @Option(
                names = "--live-note",
                paramLabel = "TEXT",
                description = "why the live capture section is missing [default: none]")
        String liveNote;

        @Option(
                names = "--doc",
                paramLabel = "FILE",
                description = "markdown report to write (docs/benchmarks.md) [default: none]")
        String doc;

        @Option(
                names = "--png",
                paramLabel = "FILE",
                description = "plot to write (docs/benchmarks.png) [default: none]")
        String png;

        @Option(
                names = "--load-before",
                paramLabel = "\"L1 L5 L15\"",
                description = "load average before bench/run began" + " [default: read at start]")
        String loadBefore;

        @Option(
                names = "--agency",
                paramLabel = "sink|lea",
                description = "agency process: minimal sink (counts, checks"
                        + " sequences) or the test LEA receiver [default: sink]")
        String agency = "sink";

        @Option(
                names = "--jvm-opt",
                paramLabel = "OPT",
                description =
                        "JVM option for collector and mediator, repeatable;"
                                + " replaces the default (like a 2-core pod of the images) [default: -XX:+UseSerialGC -Xmx256m]")
        List<String> jvmOpts = new ArrayList<>();

        @Option(
                names = "--aot",
                description = "train a JDK 25 AOT cache for collector and mediator on a short run first,"
                        + " then start them from it [default: off]")
        boolean aot;
    }

    /**
     * Parses the command line; IllegalArgumentException with a clear message on any bad option, null for --help
     * (printed on {@code out}).
     */
    public static BenchConfig parse(String[] args, java.io.PrintStream help) {
        Declared d = new Declared();
        if (!Cli.parse(d, args, help)) return null;
        Path root = Path.of(d.root != null ? d.root : System.getProperty("kubeli.home", "."))
                .toAbsolutePath()
                .normalize();

        boolean quick = d.quick;
        long packets = d.packets == 0 ? 0 : Cli.range("--packets", d.packets, 1, 50_000_000);
        int repeat = d.repeat == 0 ? 0 : Cli.range("--repeat", d.repeat, 1, 9);
        List<Integer> shares = shares(d.shares);
        List<String> links = d.links == null ? null : links(d.links);
        String fsync = d.fsync;
        if (!fsync.equals("batch") && !fsync.equals("none"))
            throw new Cli.UsageException("--fsync must be batch or none, got '" + fsync + "'");
        Path liveCsv = path(d.liveCsv), doc = path(d.doc), png = path(d.png);
        String liveNote = d.liveNote, loadBefore = d.loadBefore;
        Path out = d.out == null ? null : Path.of(d.out).toAbsolutePath();
        String agency = d.agency;
        if (!agency.equals("sink") && !agency.equals("lea"))
            throw new Cli.UsageException("--agency must be sink or lea, got '" + agency + "'");
        for (String o : d.jvmOpts) {
            if (!o.startsWith("-"))
                throw new Cli.UsageException("--jvm-opt takes a JVM option starting with '-', got '" + o + "'");
        }
        List<String> jvmOpts = d.jvmOpts;
        boolean aot = d.aot;
        if (packets == 0) packets = quick ? 300_000 : 1_500_000;
        if (repeat == 0) repeat = quick ? 1 : 3;
        if (links == null) links = quick ? List.of("plain") : List.of("plain", "mtls");
        if (out == null) out = root.resolve("bench/harness/target/bench-out");
        return new BenchConfig(
                root,
                out,
                quick,
                packets,
                shares,
                links,
                fsync,
                liveCsv,
                liveNote,
                doc,
                png,
                repeat,
                loadBefore,
                agency,
                jvmOpts.isEmpty() ? POD_JVM : List.copyOf(jvmOpts),
                aot);
    }

    /** Frames of the capture at {@code share} %: below 50 % up to 2.5x more, so the point still delivers enough records. */
    public long packetsFor(int share) {
        return share >= 50 ? packets : packets * Math.min(250, 5000 / share) / 100;
    }

    /** Parses the command line (see {@link #parse(String[], java.io.PrintStream)}); help is not printed. */
    public static BenchConfig parse(String[] args) {
        return parse(args, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    /** The option list for --help. */
    public static String usage() {
        return Cli.usage(new Declared());
    }

    private static Path path(String p) {
        return p == null ? null : Path.of(p);
    }

    private static long number(String v, String opt, long min, long max) {
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max)
                throw new IllegalArgumentException(opt + " must be " + min + ".." + max + ", got " + n);
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
            if (!l.equals("plain") && !l.equals("mtls"))
                throw new IllegalArgumentException("--links takes plain and/or mtls, got '" + l + "'");
            r.add(l);
        }
        return List.copyOf(r);
    }
}
