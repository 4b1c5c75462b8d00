package io.kubeli.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/** Issue #16's throughput goals beside OpenLI's reference figures and what this run measured. */
public final class BenchGoals {
    /**
     * OpenLI 1.1.20 on the same captures and machine class (issue #16; OpenLI is not installable from the registries
     * reachable here, so these are the measured figures, not re-measured): records/s first→last and µs CPU
     * per delivered record over its collector, mediator, provisioner and RabbitMQ.
     */
    static final double OPENLI_100_RATE = 164_000, OPENLI_100_CPU_US = 10.9;

    static final double OPENLI_10_RATE = 84_000, OPENLI_10_CPU_US = 17.1;
    /** The factor over OpenLI's rate. */
    static final double FACTOR = 4;

    static final double PLAIN_100_GOAL = 650_000, MTLS_100_GOAL = 500_000, TEN_PERCENT_GOAL = FACTOR * OPENLI_10_RATE;
    static final double CPU_GOAL_US = 2.7;
    static final long RSS_GOAL_BYTES = 300L * 1000 * 1000;
    static final double LIVE_FACTOR = 1.5;

    private BenchGoals() {}

    /** One row per goal: what OpenLI did, the goal, what this run measured, met or not ("–" when the run has no such point). */
    public static Table table(List<E2ePoint> points, List<LiveRow> live) {
        Table t = new Table("goal (issue #16)", ">OpenLI 1.1.20", ">goal", ">KubeLI (this run)", ">× OpenLI", "met");
        rate(t, "records/s plain, 100 % targets", OPENLI_100_RATE, PLAIN_100_GOAL, find(points, "plain", 100));
        rate(t, "records/s mTLS, 100 % targets", OPENLI_100_RATE, MTLS_100_GOAL, find(points, "mtls", 100));
        rate(t, "records/s plain, 10 % targets", OPENLI_10_RATE, TEN_PERCENT_GOAL, find(points, "plain", 10));
        rate(t, "records/s mTLS, 10 % targets", OPENLI_10_RATE, TEN_PERCENT_GOAL, find(points, "mtls", 10));
        Optional<E2ePoint> p100 = find(points, "plain", 100);
        t.row(
                "µs CPU/record collector + mediator, plain 100 %",
                BenchReport.micros(OPENLI_100_CPU_US) + " (all processes)",
                "≤ " + BenchReport.micros(CPU_GOAL_US),
                p100.map(p -> BenchReport.micros(p.kubeliMicrosPerRecord()) + " ("
                                + BenchReport.micros(p.kubeliSteadyMicrosPerRecord()) + " without JIT)")
                        .orElse("–"),
                p100.map(p -> String.format(Locale.ROOT, "%.1f× less", OPENLI_100_CPU_US / p.kubeliMicrosPerRecord()))
                        .orElse("–"),
                p100.map(p -> verdict(p.kubeliMicrosPerRecord() <= CPU_GOAL_US)).orElse("–"));
        long collectorRss =
                points.stream().mapToLong(p -> p.extra().collectorRss()).max().orElse(-1);
        long mediatorRss =
                points.stream().mapToLong(p -> p.extra().mediatorRss()).max().orElse(-1);
        t.row(
                "peak RSS collector / mediator (all points)",
                "–",
                "each ≤ 300 MB",
                collectorRss < 0 ? "–" : mb(collectorRss) + " / " + mb(mediatorRss),
                "–",
                collectorRss < 0 ? "–" : verdict(collectorRss <= RSS_GOAL_BYTES && mediatorRss <= RSS_GOAL_BYTES));
        Optional<LiveRow> afpacket = topRate(
                live, r -> r.method().startsWith("afpacket") && r.level().equals("collector"));
        Optional<LiveRow> tcpdump = topRate(live, r -> r.method().startsWith("tcpdump"));
        Optional<LiveRow> xdp = topRate(
                live, r -> r.method().startsWith("xdp: native") && r.level().equals("collector"));
        boolean liveCpu = afpacket.isPresent()
                && tcpdump.isPresent()
                && !Double.isNaN(afpacket.get().cpuNsPerPacket())
                && !Double.isNaN(tcpdump.get().cpuNsPerPacket());
        t.row(
                "afpacket: collector CPU/pkt at the top offered rate",
                "–",
                "≤ 1.5× tcpdump",
                liveCpu ? ns(afpacket.get()) + " vs tcpdump " + ns(tcpdump.get()) : "–",
                "–",
                liveCpu
                        ? verdict(afpacket.get().cpuNsPerPacket()
                                <= LIVE_FACTOR * Math.max(1, tcpdump.get().cpuNsPerPacket()))
                        : "–");
        boolean xdpCpu = liveCpu && xdp.isPresent() && !Double.isNaN(xdp.get().cpuNsPerPacket());
        t.row(
                "xdp: native collector CPU/pkt",
                "–",
                "≤ afpacket:",
                xdpCpu ? ns(xdp.get()) + " vs " + ns(afpacket.get()) : "–",
                "–",
                xdpCpu ? verdict(xdp.get().cpuNsPerPacket() <= afpacket.get().cpuNsPerPacket()) : "–");
        return t;
    }

    private static void rate(Table t, String goal, double openli, double target, Optional<E2ePoint> p) {
        t.row(
                goal,
                BenchReport.rate(openli),
                "≥ " + BenchReport.rate(target),
                p.map(x -> BenchReport.rate(x.recordsPerSecondFirstToLast()) + (x.clean() ? "" : " (LOSS)"))
                        .orElse("–"),
                p.map(x -> String.format(Locale.ROOT, "%.1f×", x.recordsPerSecondFirstToLast() / openli))
                        .orElse("–"),
                p.map(x -> verdict(x.clean() && x.recordsPerSecondFirstToLast() >= target))
                        .orElse("–"));
    }

    private static Optional<E2ePoint> find(List<E2ePoint> points, String link, int share) {
        return points.stream()
                .filter(p -> p.link().equals(link) && p.sharePercent() == share)
                .findFirst();
    }

    private static Optional<LiveRow> topRate(List<LiveRow> live, Predicate<LiveRow> which) {
        return live.stream().filter(which).max(Comparator.comparingDouble(LiveRow::offeredPps));
    }

    private static String verdict(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }

    private static String ns(LiveRow r) {
        return String.format(Locale.ROOT, "%.0f ns", r.cpuNsPerPacket());
    }
}
