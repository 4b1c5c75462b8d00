package io.kubeli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code bench/run}'s Java half: generates captures, runs the end-to-end points, prints tables, writes report and plot. */
public final class BenchMain {
    private static final long SEED = 20261126L;

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        BenchConfig cfg;
        try {
            cfg = BenchConfig.parse(args, System.out);
        } catch (IllegalArgumentException e) {
            System.exit(io.kubeli.cli.Cli.fail(System.err, "bench", e.getMessage()));
            return;
        }
        if (cfg == null) return; // --help
        MachineInfo before = MachineInfo.now();
        if (cfg.loadBefore() != null) before = before.withLoadAverage(cfg.loadBefore());
        E2eRunner runner =
                new E2eRunner(cfg.root(), cfg.out().resolve("certs"), cfg.fsync(), cfg.agency(), cfg.jvmOpts());
        try {
            runner.checkArtifacts();
        } catch (IllegalStateException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
        }
        List<LiveRow> live = List.of();
        String liveNote = cfg.liveNote();
        if (cfg.liveCsv() != null) {
            try {
                live = LiveCsv.parse(Files.readString(cfg.liveCsv()));
            } catch (IOException | IllegalArgumentException e) {
                liveNote = "could not read " + cfg.liveCsv().getFileName() + ": " + e.getMessage();
            }
        }
        List<String> failures = new ArrayList<>();
        List<E2ePoint> points = runAll(cfg, runner, failures);
        MachineInfo after = MachineInfo.now();
        Path raw = cfg.out().resolve("e2e.csv");
        StringBuilder csv = new StringBuilder(E2ePoint.csvHeader()).append('\n');
        points.forEach(p -> csv.append(p.csv()).append('\n'));
        Files.writeString(raw, csv);
        Files.writeString(cfg.out().resolve("e2e.json"), BenchReport.json(points));
        System.out.println();
        System.out.println(BenchReport.e2eTable(points).text());
        if (!live.isEmpty()) System.out.println(BenchReport.liveTable(live).text());
        else System.out.println("live capture: " + (liveNote == null ? "not run" : liveNote));
        System.out.println(BenchGoals.table(points, live).text());
        failures.forEach(f -> System.out.println("!!! FAILED: " + f));
        boolean clean = failures.isEmpty() && points.stream().allMatch(E2ePoint::clean);
        if (points.stream().anyMatch(p -> !p.clean())) {
            System.out.println("!!! LOSS OR SEQUENCE GAPS: "
                    + points.stream()
                            .filter(p -> !p.clean())
                            .map(p ->
                                    p.link() + "/" + p.sharePercent() + "%: loss=" + p.loss() + " gaps=" + p.missing())
                            .toList()
                    + " !!!");
        }
        if (cfg.png() != null) {
            try {
                BenchPlot.write(cfg.png(), points, live, liveNote);
                System.out.println("plot: " + cfg.png());
            } catch (IOException | RuntimeException | Error e) {
                // Java2D needs fonts through fontconfig; a bare machine may have none
                System.out.println(
                        "plot NOT written (" + e + "); on Debian: apt-get install fontconfig fonts-dejavu-core");
            }
        }
        if (cfg.doc() != null) {
            Files.createDirectories(cfg.doc().toAbsolutePath().getParent());
            Files.writeString(cfg.doc(), BenchReport.markdown(cfg, before, after, points, failures, live, liveNote));
            System.out.println("report: " + cfg.doc());
        }
        System.out.println("raw data: " + raw + " (and e2e.json, logs under " + cfg.out() + ")");
        System.exit(clean ? 0 : 1);
    }

    /** The median run by records/s, carrying the range; a run with loss or gaps is shown instead, so it is never hidden. */
    static E2ePoint representative(List<E2ePoint> runs) {
        List<E2ePoint> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(E2ePoint::recordsPerSecondFirstToLast));
        double min = sorted.getFirst().recordsPerSecondFirstToLast(),
                max = sorted.getLast().recordsPerSecondFirstToLast();
        E2ePoint pick = runs.stream().filter(p -> !p.clean()).findFirst().orElse(sorted.get((sorted.size() - 1) / 2));
        return pick.withRuns(runs.size(), min, max);
    }

    // a point that fails (a process exits, a time-out) is reported and the others still run
    private static List<E2ePoint> runAll(BenchConfig cfg, E2eRunner runner, List<String> failures)
            throws IOException, InterruptedException {
        Path caps = cfg.out().resolve("captures");
        if (cfg.links().contains("mtls")) {
            Path certs = cfg.out().resolve("certs");
            io.kubeli.system.pki.LinkCertificates.write(
                    certs.resolve("server"), certs.resolve("client"), "mediator", "kubeli-bench-collector");
        }
        if (cfg.aot()) {
            // training: a short run through every link mode; its figures are not reported
            Path aotDir = cfg.out().resolve("aot");
            E2eRunner.deleteTree(aotDir);
            Files.createDirectories(aotDir);
            Path train = caps.resolve("aot-training.pcap");
            BenchCapture.Result tr = new BenchCapture(new BenchCapture.Spec(200_000, 100, SEED - 1)).write(train);
            runner.aot(aotDir, true);
            try {
                runner.run(cfg.links().getFirst(), 100, train, tr, cfg.out().resolve("run-aot-training"), 0);
            } catch (IOException e) {
                failures.add("AOT training run: " + e.getMessage());
            }
            runner.aot(aotDir, false);
            Files.deleteIfExists(train);
            System.out.println("AOT caches: " + aotDir);
        }
        Path empty = caps.resolve("base-0.pcap");
        BenchCapture.Result emptyRes = new BenchCapture(new BenchCapture.Spec(0, 0, SEED)).write(empty);
        // the collector's fixed cost (JVM start-up, link set-up, shutdown), measured once per link mode on an empty
        // capture
        java.util.Map<String, Long> base = new java.util.HashMap<>(), baseJit = new java.util.HashMap<>();
        for (String link : cfg.links()) {
            try {
                E2ePoint b = runner.run(link, 0, empty, emptyRes, cfg.out().resolve("run-" + link + "-base"), 0);
                base.put(link, b.collectorCpuNanos());
                baseJit.put(link, b.extra().collectorJitNanos());
            } catch (IOException e) {
                failures.add(link + " base run (empty capture): " + e.getMessage());
                base.put(link, 0L);
                baseJit.put(link, 0L);
            }
        }
        List<E2ePoint> points = new ArrayList<>();
        StringBuilder allRuns = new StringBuilder("run," + E2ePoint.csvHeader() + "\n");
        for (int share : cfg.shares()) {
            long packets = cfg.packetsFor(share);
            Path file = caps.resolve("share-" + share + "-" + packets + ".pcap");
            long t0 = System.nanoTime();
            BenchCapture.Result res = new BenchCapture(new BenchCapture.Spec(packets, share, SEED + share)).write(file);
            System.out.printf(
                    "capture %s: %,d packets, %,d targets (%.1f s to generate)%n",
                    file.getFileName(), res.packets(), res.targetPackets(), (System.nanoTime() - t0) / 1e9);
            for (String link : cfg.links()) {
                List<E2ePoint> runs = new ArrayList<>();
                for (int rep = 1; rep <= cfg.repeat(); rep++) {
                    E2ePoint p;
                    try {
                        p = runner.run(
                                link,
                                share,
                                file,
                                res,
                                cfg.out().resolve("run-" + link + "-" + share),
                                base.get(link),
                                baseJit.get(link));
                    } catch (IOException e) {
                        failures.add(link + " " + share + " % run " + rep + ": " + e.getMessage());
                        System.out.println(
                                "!!! " + link + " " + share + " % run " + rep + " FAILED: " + e.getMessage());
                        continue;
                    }
                    runs.add(p);
                    allRuns.append(rep).append(',').append(p.csv()).append('\n');
                    System.out.printf(
                            "%-5s %3d%% run %d/%d: %,d records at the agency, %,.0f records/s (first to last), %,.0f packets/s read, "
                                    + "%.2f µs CPU/record (collector %.2f + mediator %.2f = %.2f, without JIT %.2f + %.2f = %.2f, %s %.2f), peak RSS collector %s mediator %s (anonymous %s, %s), "
                                    + "start-up collector %s mediator %s (CPU %s, %s), loss %d, gaps %d%s%n",
                            link,
                            share,
                            rep,
                            cfg.repeat(),
                            p.delivered(),
                            p.recordsPerSecondFirstToLast(),
                            p.packetsPerSecondRead(),
                            p.totalMicrosPerRecord(),
                            p.collectorMicrosPerRecord(),
                            p.mediatorMicrosPerRecord(),
                            p.kubeliMicrosPerRecord(),
                            p.collectorSteadyMicrosPerRecord(),
                            p.mediatorSteadyMicrosPerRecord(),
                            p.kubeliSteadyMicrosPerRecord(),
                            p.extra().agency(),
                            p.leaMicrosPerRecord(),
                            BenchReport.mib(p.extra().collectorRss()),
                            BenchReport.mib(p.extra().mediatorRss()),
                            BenchReport.mib(p.extra().collectorAnon()),
                            BenchReport.mib(p.extra().mediatorAnon()),
                            BenchReport.millis(p.extra().collectorStartupNanos()),
                            BenchReport.millis(p.extra().mediatorStartupNanos()),
                            BenchReport.millis(p.collectorBaseCpuNanos()),
                            BenchReport.millis(p.extra().mediatorStartupCpuNanos()),
                            p.loss(),
                            p.missing(),
                            (p.clean() ? "" : "   <-- NOT CLEAN") + (p.note().isEmpty() ? "" : " (" + p.note() + ")"));
                }
                if (!runs.isEmpty()) points.add(representative(runs));
            }
            Files.deleteIfExists(file); // captures are big; they are regenerated deterministically
        }
        Files.writeString(cfg.out().resolve("e2e-runs.csv"), allRuns);
        return points;
    }
}
