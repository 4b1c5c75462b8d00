package io.kubeli.collector.bench;

import io.kubeli.capture.CaptureFiles;
import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.CaptureStats;
import io.kubeli.capture.Frames;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import io.kubeli.capture.VethPair;
import io.kubeli.capture.afpacket.AfPacketSender;
import io.kubeli.capture.bypass.DpdkProvider;
import io.kubeli.capture.bypass.XdpProvider;
import io.kubeli.collector.CollectorApp;
import io.kubeli.collector.CollectorSettings;
import io.kubeli.collector.FileSink;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Capture methods side by side in one run (test-scope main, run by {@code bench/live-capture}; root for the veth
 * part): in-memory DPDK vdevs (net_null, net_pcap with infinite_rx), then on a veth pair at rising offered rates
 * up to the generator's ceiling afpacket:, pcap:, dpdk: net_af_packet and net_af_xdp, xdp: skb and native and
 * {@code tcpdump -w /dev/null}, plus the full collector (capture + match + encode) for afpacket:, pcap: and xdp:.
 * Each row: sent, captured, drops by place and CPU ns per captured packet (capture threads; collector rows: every
 * collector thread; tcpdump: its process). Args: {@code [--quick] [--csv FILE] [--only TEXT]}. Generator: AF_PACKET sendmmsg
 * with PACKET_QDISC_BYPASS from inside the sender's namespace (the test-jar's AfPacketSender), paced per batch.
 */
public final class LiveCaptureBench {
    /** One result line. {@code offered} = packets/s offered (memory rows: achieved, the PMD offers without limit). */
    record Row(
            String method,
            String level,
            long offered,
            long sent,
            long captured,
            long socketDrops,
            long interfaceDrops,
            long backlogDrops,
            double cpuNsPerPkt,
            double seconds) {}

    private static final int FRAMES = 1024;
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final List<Row> ROWS = new ArrayList<>();
    private static List<byte[]> frames;
    private static double seconds;
    private static Path work;
    private static int vdev = 20; // fresh vdev names: the EAL is one per process
    private static boolean warmingUp;
    private static String only = ""; // --only TEXT[,TEXT]: rows whose method contains one TEXT (iterating on a few)
    /** Veth pairs still open: removed by a shutdown hook when the run is cut short (timeout's SIGTERM). */
    private static final java.util.Set<VethPair> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private LiveCaptureBench() {}

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path csv = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--csv" -> csv = Path.of(args[++i]);
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("usage: LiveCaptureBench [--quick] [--csv FILE]");
            }
        }
        Logger.getLogger("").setLevel(Level.WARNING);
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform()
                        .name("veth-cleanup")
                        .unstarted(() -> OPEN.stream()
                                .filter(v -> Files.exists(Path.of("/var/run/netns", v.ns)))
                                .forEach(VethPair::close)));
        seconds = quick ? 1.0 : 2.0;
        work = Files.createTempDirectory("kben-bench");
        frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) { // 60-byte UDP frames; every 8th from the target 198.18.1.10
            frames.add(
                    Frames.frame(false, false, -1, i % 8 == 0 ? 10 : 20 + i % 100, 100 + i % 50, 1024 + i, 53, 18, i));
        }
        try {
            memoryRows(quick);
            vethRows(quick ? new long[] {100_000, 0} : new long[] {50_000, 200_000, 0});
        } finally {
            print(csv);
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    // ---- in memory: DPDK vdevs without a kernel interface ----

    private static void memoryRows(boolean quick) throws Exception {
        String why = DpdkProvider.unavailableReason();
        if (why != null) {
            System.err.println("live-capture: dpdk rows skipped: " + why);
            return;
        }
        Path pcap = work.resolve("mem.pcap");
        List<CaptureFiles.Rec> recs = frames.stream()
                .map(f -> new CaptureFiles.Rec(Instant.now().toEpochMilli() * 1_000_000L, f))
                .toList();
        Files.write(pcap, CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs));
        double secs = quick ? 1.5 : 4;
        memory("dpdk net_null (memory)", "dpdk:vdev=net_null" + (vdev++) + ",copy=0", secs);
        // net_pcap with infinite_rx: the file's packets from memory, over and over (mbufs copied by the PMD)
        memory("dpdk net_pcap (memory)", "dpdk:vdev=net_pcap" + (vdev++) + ",rx_pcap=" + pcap + ",infinite_rx=1", secs);
        collectorMemory(
                "dpdk net_pcap (memory)",
                "dpdk:vdev=net_pcap" + (vdev++) + ",rx_pcap=" + pcap + ",infinite_rx=1",
                secs);
    }

    private static void memory(String method, String uri, double secs) throws Exception {
        if (!selected(method)) {
            return;
        }
        try (CaptureSource s = CaptureSources.open(uri, CaptureOptions.defaults())) {
            s.start(i -> new Touch());
            Thread.sleep(secs < 2 ? 500 : 1000); // JIT warm-up
            CaptureStats a = s.stats();
            Map<Long, Long> cpu0 = cpu("capture-");
            long t0 = System.nanoTime();
            Thread.sleep((long) (secs * 1000));
            CaptureStats b = s.stats();
            long t1 = System.nanoTime();
            double cpu = cpuSince(cpu0, "capture-");
            s.stop();
            long n = b.packets() - a.packets();
            double dt = (t1 - t0) / 1e9;
            ROWS.add(new Row(
                    method,
                    "source",
                    Math.round(n / dt),
                    n,
                    n,
                    b.socketDrops() - a.socketDrops(),
                    b.interfaceDrops() - a.interfaceDrops(),
                    b.backlogDrops() - a.backlogDrops(),
                    cpu / n,
                    dt));
        }
    }

    private static void collectorMemory(String method, String uri, double secs) throws Exception {
        if (!selected(method)) {
            return;
        }
        Path dir = intercepts();
        Path out = work.resolve("mem.ber");
        CollectorApp app = CollectorApp.start(
                CollectorSettings.parse(new String[] {
                    "--source", uri, "--intercepts", dir.toString(), "--output", "file:" + out, "--encoders", "1"
                }),
                FileSink.forPath(out.toString()),
                Clock.systemUTC());
        try {
            Thread.sleep(secs < 2 ? 500 : 1000);
            long p0 = app.pipeline().stats().packets();
            Map<Long, Long> cpu0 = cpu(null);
            long t0 = System.nanoTime();
            Thread.sleep((long) (secs * 1000));
            long n = app.pipeline().stats().packets() - p0;
            long t1 = System.nanoTime();
            double cpu = cpuSince(cpu0, null);
            double dt = (t1 - t0) / 1e9;
            CaptureStats st = app.captureStats();
            ROWS.add(new Row(
                    method,
                    "collector",
                    Math.round(n / dt),
                    n,
                    n,
                    st.socketDrops(),
                    st.interfaceDrops(),
                    st.backlogDrops(),
                    cpu / n,
                    dt));
        } finally {
            app.close();
            Files.deleteIfExists(out);
        }
    }

    // ---- on a veth pair ----

    private static void vethRows(long[] rates) throws Exception {
        String[] why = new String[1];
        try (VethPair v = track(VethPair.tryCreate(why, "kben", 6))) {
            if (v == null) {
                System.err.println("live-capture: veth rows skipped: " + why[0]);
                return;
            }
            String dpdk = DpdkProvider.unavailableReason();
            String xdp = XdpProvider.unavailableReason();
            String i = v.captureIf;
            AfPacketSender.send(v.ns, v.senderIf, frames, 200_000, 2000, 0); // warm the generator up (JIT)
            // warm the collector's packet path up once (JIT), unrecorded: otherwise the first (lowest-rate) row pays
            // for interpreting its first packets, which a long-running collector does not (steady state is measured)
            warmingUp = true;
            collector(v, 0, "afpacket:", "afpacket:" + i + "?threads=1");
            warmingUp = false;
            for (long rate : rates) {
                source(v, rate, "afpacket:", "afpacket:" + i + "?threads=1");
                source(v, rate, "pcap:", "pcap:" + i + "?buffer=64m");
                if (dpdk == null) {
                    source(
                            v,
                            rate,
                            "dpdk: net_af_packet",
                            "dpdk:vdev=net_af_packet" + (vdev++) + ",iface=" + i + "?defrag=accept");
                    dpdkAfXdp(rate);
                }
                if (xdp == null) {
                    source(v, rate, "xdp: skb", "xdp:" + i + "?mode=skb");
                    source(v, rate, "xdp: native", "xdp:" + i + "?mode=native");
                }
                tcpdump(v, rate);
                collector(v, rate, "afpacket:", "afpacket:" + i + "?threads=1");
                collector(v, rate, "pcap:", "pcap:" + i + "?buffer=64m");
                if (xdp == null) {
                    collector(v, rate, "xdp: native", "xdp:" + i + "?mode=native");
                }
            }
        }
    }

    /** DPDK 22.11's net_af_xdp keeps its queue bound after close: a fresh veth per run. */
    private static void dpdkAfXdp(long rate) throws Exception {
        if (!selected("dpdk: net_af_xdp")) {
            return;
        }
        String[] why = new String[1];
        try (VethPair own = track(VethPair.tryCreate(why, "kben", 7))) {
            if (own != null) {
                source(
                        own,
                        rate,
                        "dpdk: net_af_xdp",
                        "dpdk:vdev=net_af_xdp" + (vdev++) + ",iface=" + own.captureIf + ",start_queue=0,queue_count=1");
            }
        }
    }

    private static boolean selected(String method) {
        return only.isEmpty() || java.util.Arrays.stream(only.split(",")).anyMatch(method::contains);
    }

    private static VethPair track(VethPair v) {
        if (v != null) {
            OPEN.add(v);
        }
        return v;
    }

    /** Packets to send at {@code rate} (0 = as fast as possible) for about {@code seconds}. */
    private static long count(long rate) {
        return rate > 0 ? (long) (rate * seconds) : 20_000_000L;
    }

    /** Sends and returns {sent, nanos}. */
    private static long[] send(VethPair v, long rate) throws Exception {
        long t0 = System.nanoTime();
        // paced runs end by count (time bound as a guard); unpaced runs last `seconds`
        long max = rate > 0 ? (long) (seconds * 1000) + 2000 : (long) (seconds * 1000);
        long sent = AfPacketSender.send(v.ns, v.senderIf, frames, count(rate), max, rate);
        return new long[] {sent, System.nanoTime() - t0};
    }

    private static void source(VethPair v, long rate, String method, String uri) {
        if (!selected(method)) {
            return;
        }
        try (CaptureSource s = CaptureSources.open(uri, CaptureOptions.defaults())) {
            s.start(i -> new Touch());
            Thread.sleep(300);
            CaptureStats a = s.stats();
            Map<Long, Long> cpu0 = cpu("capture-");
            long[] sent = send(v, rate);
            drain(s::stats);
            double cpu = cpuSince(cpu0, "capture-");
            s.stop();
            CaptureStats b = s.stats();
            long n = b.packets() - a.packets();
            ROWS.add(new Row(
                    method,
                    "source",
                    offered(rate, sent),
                    sent[0],
                    n,
                    b.socketDrops() - a.socketDrops(),
                    b.interfaceDrops() - a.interfaceDrops(),
                    b.backlogDrops() - a.backlogDrops(),
                    n == 0 ? 0 : cpu / n,
                    sent[1] / 1e9));
        } catch (Exception | Error e) {
            System.err.println("live-capture: " + method + " at " + rate + " pps failed: " + e.getMessage());
        }
    }

    private static void collector(VethPair v, long rate, String method, String uri) {
        if (!selected(method)) {
            return;
        }
        Path out = work.resolve("veth.ber");
        try {
            CollectorApp app = CollectorApp.start(
                    CollectorSettings.parse(new String[] {
                        "--source",
                        uri,
                        "--intercepts",
                        intercepts().toString(),
                        "--output",
                        "file:" + out,
                        "--encoders",
                        "1"
                    }),
                    FileSink.forPath(out.toString()),
                    Clock.systemUTC());
            try {
                Thread.sleep(300);
                CaptureStats a = app.captureStats();
                Map<Long, Long> cpu0 = cpu(null);
                long[] sent = send(v, rate);
                drain(app::captureStats);
                double cpu = cpuSince(cpu0, null);
                CaptureStats b = app.captureStats();
                long n = b.packets() - a.packets();
                System.err.println("live-capture: collector " + method + " at " + rate + " pps"
                        + (warmingUp ? " (warm-up, not recorded)" : "") + ", CPU ms by thread: " + cpuByThread(cpu0));
                if (!warmingUp) {
                    ROWS.add(new Row(
                            method,
                            "collector",
                            offered(rate, sent),
                            sent[0],
                            n,
                            b.socketDrops() - a.socketDrops(),
                            b.interfaceDrops() - a.interfaceDrops(),
                            b.backlogDrops() - a.backlogDrops(),
                            n == 0 ? 0 : cpu / n,
                            sent[1] / 1e9));
                }
            } finally {
                app.close();
            }
        } catch (Exception | Error e) {
            System.err.println("live-capture: collector " + method + " at " + rate + " pps failed: " + e.getMessage());
        } finally {
            out.toFile().delete();
        }
    }

    private static void tcpdump(VethPair v, long rate) {
        if (!selected("tcpdump")) {
            return;
        }
        Path log = work.resolve("tcpdump.txt");
        try {
            Process td = new ProcessBuilder("tcpdump", "-i", v.captureIf, "-n", "-B", "65536", "-w", "/dev/null")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                Thread.sleep(1000);
                long cpu0 = procCpuNanos(td.pid());
                long[] sent = send(v, rate);
                Thread.sleep(500);
                long cpu = procCpuNanos(td.pid()) - cpu0;
                new ProcessBuilder("kill", "-INT", Long.toString(td.pid()))
                        .start()
                        .waitFor();
                td.waitFor(10, TimeUnit.SECONDS);
                String out = Files.readString(log);
                long captured = num(out, "(\\d+) packets captured");
                ROWS.add(new Row(
                        "tcpdump -w /dev/null",
                        "source",
                        offered(rate, sent),
                        sent[0],
                        captured,
                        num(out, "(\\d+) packets dropped by kernel"),
                        num(out, "(\\d+) packets dropped by interface"),
                        -1,
                        captured <= 0 ? 0 : (double) cpu / captured,
                        sent[1] / 1e9));
            } finally {
                td.destroyForcibly();
            }
        } catch (Exception e) {
            System.err.println("live-capture: tcpdump at " + rate + " pps failed: " + e.getMessage());
        }
    }

    /** Waits until the captured count stops moving (at most 3 s). */
    private static void drain(java.util.function.Supplier<CaptureStats> stats) throws InterruptedException {
        long last = -1;
        for (int k = 0; k < 30 && stats.get().packets() != last; k++) {
            last = stats.get().packets();
            Thread.sleep(100);
        }
    }

    private static long offered(long rate, long[] sent) {
        return rate > 0 ? rate : Math.round(sent[0] * 1e9 / sent[1]);
    }

    /** Intercepts: target 198.18.1.10 (every 8th frame) for the collector rows. */
    private static Path intercepts() throws IOException {
        Path dir = Files.createDirectories(work.resolve("intercepts"));
        Instant now = Instant.now();
        Files.writeString(dir.resolve("intercepts.yaml"), """
                apiVersion: li.kubeli.io/v1alpha1
                kind: Agency
                metadata: {name: lea1}
                spec: {countryCode: DE, operatorId: OP1, hi2: {host: 127.0.0.1, port: 1}, hi3: {host: 127.0.0.1, port: 2}}
                ---
                apiVersion: li.kubeli.io/v1alpha1
                kind: Intercept
                metadata: {name: bench}
                spec:
                  liid: LIID-BENCH
                  agencyRef: lea1
                  mediatorRef: med1
                  authorizationCountryCode: DE
                  deliveryCountryCode: DE
                  validFrom: "%s"
                  validUntil: "%s"
                  output: ccOnly
                  targets:
                    - {ip: 198.18.1.10, cin: 1}
                """.formatted(now.minusSeconds(3600), now.plusSeconds(3600)));
        return dir;
    }

    // ---- CPU accounting ----

    private static Map<Long, Long> cpu(String prefix) {
        Map<Long, Long> m = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (counted(t, prefix)) {
                m.put(t.threadId(), Math.max(0, MX.getThreadCpuTime(t.threadId())));
            }
        }
        return m;
    }

    /** CPU ns since {@code base} of the threads alive now (threads started since count from zero). */
    private static double cpuSince(Map<Long, Long> base, String prefix) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (counted(t, prefix)) {
                sum += Math.max(0, MX.getThreadCpuTime(t.threadId()) - base.getOrDefault(t.threadId(), 0L));
            }
        }
        return sum;
    }

    /** CPU ms per thread since {@code base}, busiest first (where a collector row's CPU goes). */
    private static String cpuByThread(Map<Long, Long> base) {
        Map<String, Long> ms = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (counted(t, null)) {
                long d = Math.max(0, MX.getThreadCpuTime(t.threadId()) - base.getOrDefault(t.threadId(), 0L));
                ms.merge(t.getName(), d / 1_000_000, Long::sum);
            }
        }
        return ms.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(" "));
    }

    /** prefix null: every thread but the generator and the main thread (the collector's whole work). */
    private static boolean counted(Thread t, String prefix) {
        return prefix != null
                ? t.getName().startsWith(prefix)
                : !t.getName().startsWith("kcap-sender") && t != Thread.currentThread();
    }

    private static long procCpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime + stime, USER_HZ = 100
    }

    private static long num(String s, String re) {
        Matcher m = Pattern.compile(re).matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** A consumer that reads the first byte of every packet (the data is really touched). */
    private static final class Touch implements PacketConsumer {
        long x;

        @Override
        public void onBatch(PacketBatch b) {
            var seg = b.segment();
            for (int k = 0; k < b.size(); k++) {
                x += seg.get(ValueLayout.JAVA_BYTE, b.offset(k));
            }
        }
    }

    // ---- output ----

    private static void print(Path csv) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("| method | level | offered pps | sent | captured | captured Mpps | socket drops | interface drops"
                + " | backlog drops | CPU ns/pkt |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder c = new StringBuilder(
                "method,level,offered_pps,sent,captured,socket_drops,interface_drops,backlog_drops,cpu_ns_per_pkt\n");
        for (Row r : ROWS) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %,d | %,d | %,d | %.3f | %s | %s | %s | %.0f |%n",
                    r.method(),
                    r.level(),
                    r.offered(),
                    r.sent(),
                    r.captured(),
                    r.captured() / r.seconds() / 1e6,
                    n(r.socketDrops()),
                    n(r.interfaceDrops()),
                    n(r.backlogDrops()),
                    r.cpuNsPerPkt()));
            c.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%d,%d,%s,%s,%s,%.1f%n",
                    r.method(),
                    r.level(),
                    r.offered(),
                    r.sent(),
                    r.captured(),
                    r.socketDrops() < 0 ? "" : Long.toString(r.socketDrops()),
                    r.interfaceDrops() < 0 ? "" : Long.toString(r.interfaceDrops()),
                    r.backlogDrops() < 0 ? "" : Long.toString(r.backlogDrops()),
                    r.cpuNsPerPkt()));
        }
        System.out.print(md);
        if (csv != null) {
            Files.writeString(csv, c);
        }
    }

    private static String n(long v) {
        return v < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", v);
    }
}
