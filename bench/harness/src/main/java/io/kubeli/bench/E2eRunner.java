package io.kubeli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Runs one end-to-end point: agency, mediator and collector as three JVMs started from the built artifacts. */
final class E2eRunner {
    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Pattern KV = Pattern.compile("([a-z][a-z-]*)=(\\d+)");
    private static final long COLLECTOR_TIMEOUT_MS = 600_000;

    private final Path root;
    private final Path javaBin;
    private final Path certs;
    private final String fsync;
    private final String agency;
    private final List<String> jvmOpts;
    /** JDK 25 AOT caches (class loading, linking, method profiles) per module, or null; written in training mode. */
    private Path aotDir;

    private boolean aotTraining;

    /** {@code agency}: "sink" ({@link BenchSink}) or "lea" ({@link BenchLea}); {@code jvmOpts} go to collector and mediator. */
    E2eRunner(Path root, Path certs, String fsync, String agency, List<String> jvmOpts) {
        this.root = root;
        this.javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        this.certs = certs;
        this.fsync = fsync;
        this.agency = agency;
        this.jvmOpts = List.copyOf(jvmOpts);
    }

    /**
     * Uses an AOT cache per module from {@code dir} (JDK 25, JEP 483/515): with {@code training}, the next runs write
     * it (-XX:AOTCacheOutput, at JVM exit); afterwards they start from it (-XX:AOTCache).
     */
    void aot(Path dir, boolean training) {
        this.aotDir = dir;
        this.aotTraining = training;
    }

    /** The same JVM options and class path as the launcher uses for a module's main class. */
    private List<String> jvm(String moduleDir, String artifact, String mainClass, String... extraCp) {
        String cp = root.resolve(moduleDir).resolve("target/" + artifact + "-" + VERSION + ".jar") + ":"
                + root.resolve(moduleDir).resolve("target/lib/*");
        for (String e : extraCp) cp = e + ":" + cp;
        List<String> cmd = new ArrayList<>(
                List.of(javaBin.toString(), "--enable-native-access=ALL-UNNAMED", "-Dkubeli.home=" + root));
        if (extraCp.length == 0) { // the agency is not KubeLI: it keeps the JVM defaults
            cmd.addAll(jvmOpts);
            if (aotDir != null) {
                Path cache = aotDir.resolve(artifact + ".aot");
                if (aotTraining) cmd.add("-XX:AOTCacheOutput=" + cache);
                else if (Files.isRegularFile(cache)) cmd.add("-XX:AOTCache=" + cache);
            }
        }
        cmd.addAll(List.of("-cp", cp, mainClass));
        return cmd;
    }

    // the agency classes come from this harness (so --root may point at another checkout, e.g. a baseline)
    private static String harnessClasses() {
        try {
            return Path.of(BenchSink.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the harness classes: " + e.getMessage(), e);
        }
    }

    /** Checks that the artifacts the runs need exist, with a message naming the build command otherwise. */
    void checkArtifacts() {
        for (String[] m : new String[][] {
            {"collector-image", "kubeli-collector"},
            {"mediator-image", "kubeli-mediator"},
            {"bench/harness", "kubeli-bench"}
        }) {
            Path jar = root.resolve(m[0]).resolve("target/" + m[1] + "-" + VERSION + ".jar");
            if (!Files.isRegularFile(jar)
                    || !Files.isDirectory(root.resolve(m[0]).resolve("target/lib"))) {
                throw new IllegalStateException("missing " + jar + " (or its target/lib): build with "
                        + "./mvnw -B -pl bench/harness -am -DskipTests package");
            }
        }
    }

    /** Runs one point on {@code capture} in {@code dir} (emptied first, data removed afterwards). */
    E2ePoint run(String link, int share, Path capture, BenchCapture.Result cap, Path dir, long collectorBaseCpu)
            throws IOException, InterruptedException {
        return run(link, share, capture, cap, dir, collectorBaseCpu, 0);
    }

    /** As above; {@code collectorBaseJit}: JIT compiler CPU of the empty-capture run (part of collectorBaseCpu). */
    E2ePoint run(
            String link,
            int share,
            Path capture,
            BenchCapture.Result cap,
            Path dir,
            long collectorBaseCpu,
            long collectorBaseJit)
            throws IOException, InterruptedException {
        deleteTree(dir);
        Files.createDirectories(dir);
        boolean tls = link.equals("mtls");
        String agencyMain = agency.equals("lea") ? BenchLea.class.getName() : BenchSink.class.getName();
        List<String> leaCmd = jvm("mediator-image", "kubeli-mediator", agencyMain, harnessClasses());
        try (Child lea = Child.start("lea", leaCmd, dir.resolve("lea.log"))) {
            String[] ports =
                    lea.awaitLine(l -> l.startsWith("LISTENING "), 60_000).split(" ");
            Path cfg = dir.resolve("config");
            writeConfig(cfg, Integer.parseInt(ports[1]), Integer.parseInt(ports[2]));
            List<String> medCmd = jvm("mediator-image", "kubeli-mediator", "io.kubeli.mediator.MediatorMain");
            medCmd.addAll(List.of(
                    "--config",
                    cfg.toString(),
                    "--listen",
                    "0",
                    "--data",
                    dir.resolve("data").toString(),
                    "--fsync",
                    fsync,
                    "--status-interval",
                    "3600"));
            if (tls) medCmd.addAll(List.of("--tls-dir", certs.resolve("server").toString()));
            else medCmd.add("--plain");
            long medStart = System.nanoTime();
            try (Child med = Child.start("mediator", medCmd, dir.resolve("mediator.log"))) {
                String l = med.awaitLine(s -> s.contains("link listening on port"), 60_000);
                long medStartup = System.nanoTime() - medStart, medStartupCpu = ProcCpu.cpuNanos(med.pid());
                int linkPort =
                        Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1).trim());
                Thread.sleep(500); // lets the mediator open HI2/HI3 and go idle before CPU is counted
                return measure(
                        link,
                        share,
                        capture,
                        cap,
                        dir,
                        cfg,
                        linkPort,
                        tls,
                        lea,
                        med,
                        collectorBaseCpu,
                        collectorBaseJit,
                        medStartup,
                        medStartupCpu);
            }
        } finally {
            deleteTree(dir.resolve("data"));
            deleteTree(dir.resolve("spool"));
        }
    }

    private E2ePoint measure(
            String link,
            int share,
            Path capture,
            BenchCapture.Result cap,
            Path dir,
            Path cfg,
            int linkPort,
            boolean tls,
            Child lea,
            Child med,
            long collectorBaseCpu,
            long collectorBaseJit,
            long medStartup,
            long medStartupCpu)
            throws IOException, InterruptedException {
        long medCpu0 = ProcCpu.cpuNanos(med.pid()),
                leaCpu0 = ProcCpu.cpuNanos(lea.pid()),
                medJit0 = ProcCpu.compilerNanos(med.pid());
        String id = "bench-" + link + "-" + share;
        long startEpoch = epochNanos();
        long[] medAnon = {-1};
        Thread medSampler = Thread.ofPlatform()
                .name("bench-mediator-rss")
                .daemon()
                .start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        medAnon[0] = Math.max(medAnon[0], ProcCpu.rssAnonBytes(med.pid()));
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
        CollectorRun run = runCollector(capture, cap.packets(), cfg, linkPort, tls, id, dir, "collector.log");
        long iri = run.summary.getOrDefault("iri", 0L),
                drops = run.summary.getOrDefault("drops", 0L),
                cpu = run.cpuNanos,
                jit = run.jitNanos;
        String note = "";
        if (Files.readString(dir.resolve("collector.log")).contains("not every record was acknowledged")) {
            // the collector's shutdown flush (10 s) ran out before the mediator had stored everything; the rest waits
            // in
            // its spool, and a restarted collector resends it, as after any restart (its IRI-Begin/End come on top)
            CollectorRun again =
                    runCollector(emptyCapture(dir), 0, cfg, linkPort, tls, id, dir, "collector-restart.log");
            // its summary's iri= counts from the persisted sequence numbers (this run's and the last); written= is what
            // it sent
            iri += again.summary.getOrDefault("written", 0L);
            drops += again.summary.getOrDefault("drops", 0L);
            cpu += Math.max(0, again.cpuNanos - collectorBaseCpu);
            jit += Math.max(0, again.jitNanos - collectorBaseJit);
            note = "collector restarted once to send its spool (shutdown flush timed out)";
        }
        lea.send("expect " + (cap.targetPackets() + iri) + " 15000");
        Map<String, Long> r = keyValues(lea.awaitLine(x -> x.startsWith("RESULT "), 600_000));
        long medCpu = ProcCpu.cpuNanos(med.pid()) - medCpu0, leaCpu = ProcCpu.cpuNanos(lea.pid()) - leaCpu0;
        long medJit = ProcCpu.compilerNanos(med.pid()) - medJit0;
        medSampler.interrupt();
        medSampler.join();
        Files.writeString(dir.resolve("threads-mediator.txt"), ProcCpu.threads(med.pid()));
        Files.writeString(dir.resolve("threads-agency.txt"), ProcCpu.threads(lea.pid()));
        E2ePoint.Extra extra = new E2ePoint.Extra(
                agency,
                run.rssPeakBytes,
                ProcCpu.rssPeakBytes(med.pid()),
                ProcCpu.rssPeakBytes(lea.pid()),
                run.startupNanos,
                medStartup,
                jit,
                collectorBaseJit,
                medJit,
                run.anonPeakBytes,
                medAnon[0],
                medStartupCpu);
        lea.send("exit");
        return new E2ePoint(
                link,
                share,
                cap.packets(),
                cap.targetPackets(),
                iri,
                r.get("cc"),
                r.get("iri"),
                r.get("duplicates"),
                r.get("missing"),
                drops,
                run.readNanos,
                startEpoch,
                r.get("first"),
                r.get("last"),
                cpu,
                collectorBaseCpu,
                medCpu,
                leaCpu,
                run.spoolPeakBytes,
                note,
                1,
                Double.NaN,
                Double.NaN,
                extra);
    }

    private record CollectorRun(
            Map<String, Long> summary,
            long cpuNanos,
            long readNanos,
            long spoolPeakBytes,
            long rssPeakBytes,
            long startupNanos,
            long jitNanos,
            long anonPeakBytes) {}

    private CollectorRun runCollector(
            Path capture, long packets, Path cfg, int linkPort, boolean tls, String id, Path dir, String log)
            throws IOException, InterruptedException {
        int metricsPort = freePort();
        List<String> cmd = jvm("collector-image", "kubeli-collector", "io.kubeli.collector.CollectorMain");
        cmd.addAll(List.of(
                "--source",
                "pcapfile:" + capture,
                "--intercepts",
                cfg.toString(),
                "--output",
                "mediator:" + (tls ? "localhost" : "127.0.0.1") + ":" + linkPort,
                "--tls",
                tls ? certs.resolve("client").toString() : "none",
                "--spool",
                dir.resolve("spool").toString(),
                "--collector-id",
                id,
                "--instance-id",
                "kubeli-bench-collector/" + id,
                "--network-element-id",
                "bench",
                "--metrics-port",
                Integer.toString(metricsPort)));
        long started = epochNanos();
        Child col = Child.start("collector", cmd, dir.resolve(log));
        Sampler sampler = new Sampler(col, metricsPort, packets);
        Thread st = Thread.ofPlatform().name("bench-sampler").start(sampler);
        int rc = col.waitFor(COLLECTOR_TIMEOUT_MS);
        st.join();
        if (rc != 0) {
            col.close();
            throw new IOException("collector exited with status " + rc + " (see " + dir.resolve(log) + ")");
        }
        Map<String, Long> summary = keyValues(col.awaitLine(s -> s.startsWith("kubeli collector:"), 5_000));
        List<String> lines = Files.readAllLines(dir.resolve(log));
        long fromLog = readNanosFromLog(lines);
        Files.writeString(dir.resolve("threads-" + log.replace(".log", ".txt")), sampler.threads);
        Instant capturing = captureStart(lines);
        long startup =
                capturing == null ? -1 : capturing.getEpochSecond() * 1_000_000_000L + capturing.getNano() - started;
        return new CollectorRun(
                summary,
                sampler.lastCpu,
                fromLog > 0 ? fromLog : sampler.readNanos(),
                sampler.spoolPeak,
                sampler.rssPeak,
                startup,
                sampler.jit,
                sampler.anonPeak);
    }

    /** When the collector's source started ("capturing from pcapfile:"): the end of its start-up; null if absent. */
    static Instant captureStart(List<String> lines) {
        for (String l : lines) {
            int sp = l.indexOf(' ');
            if (sp > 0 && l.contains("capturing from pcapfile:")) return instant(l.substring(0, sp));
        }
        return null;
    }

    /**
     * Read time from the collector's log: "capturing from pcapfile:" when the source starts, the first "IRI-End" when
     * it reached the end of the file (shutdown stops capture, drains the encoders, then ends the intercepts); -1 if absent.
     */
    static long readNanosFromLog(List<String> lines) {
        Instant start = null;
        for (String l : lines) {
            int sp = l.indexOf(' ');
            if (sp < 0) continue;
            if (start == null && l.contains("capturing from pcapfile:")) {
                start = instant(l.substring(0, sp));
            } else if (start != null && l.contains("IRI-End")) {
                Instant end = instant(l.substring(0, sp));
                return end == null
                        ? -1
                        : Math.max(1, Duration.between(start, end).toNanos());
            }
        }
        return -1;
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Path emptyCapture(Path dir) throws IOException {
        Path p = dir.resolve("empty.pcap");
        new BenchCapture(new BenchCapture.Spec(0, 0, 1)).write(p);
        return p;
    }

    /** Samples the collector's CPU every 10 ms (the last sample before exit counts), its packet counter and spool every 250 ms while it reads. */
    private static final class Sampler implements Runnable {
        private final Child col;
        private final URI metrics;
        private final long packets;
        volatile long lastCpu;
        volatile long spoolPeak;
        volatile long rssPeak = -1;
        volatile String threads = "";
        volatile long jit;
        volatile long anonPeak = -1;
        private long readStart = -1, readEnd = -1, lastZero = -1;

        Sampler(Child col, int port, long packets) {
            this.col = col;
            this.metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
            this.packets = packets;
        }

        @Override
        public void run() {
            for (int i = 0; col.alive(); i++) {
                long c = ProcCpu.cpuNanos(col.pid());
                if (c >= 0) lastCpu = c;
                if (i % 5 == 0) {
                    rssPeak = Math.max(rssPeak, ProcCpu.rssPeakBytes(col.pid()));
                    anonPeak = Math.max(anonPeak, ProcCpu.rssAnonBytes(col.pid()));
                }
                if (i % 10 == 0) {
                    String t = ProcCpu.threads(col.pid());
                    long j = ProcCpu.compilerNanos(col.pid());
                    // while the process exits its threads vanish from /proc: keep the fullest picture seen
                    if (j >= jit) {
                        jit = j;
                        threads = t;
                    }
                }
                if (readEnd < 0 && i % 25 == 0) { // a scrape costs the collector CPU: 4 per second at most
                    long now = System.nanoTime(), n = packetsRead();
                    if (n == 0) lastZero = now;
                    if (n > 0 && readStart < 0) readStart = lastZero < 0 ? now : (lastZero + now) / 2;
                    if (n >= packets && packets > 0) readEnd = now;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long readNanos() {
            return readStart < 0 || readEnd < 0 ? -1 : Math.max(1, readEnd - readStart);
        }

        // -1 while the metrics server is not up yet
        private long packetsRead() {
            try {
                HttpURLConnection c = (HttpURLConnection) metrics.toURL().openConnection();
                c.setConnectTimeout(200);
                c.setReadTimeout(1000);
                try (InputStream in = c.getInputStream()) {
                    double sum = 0;
                    boolean found = false;
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (line.startsWith("kubeli_collector_packets_total")) {
                            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                            found = true;
                        } else if (line.startsWith("kubeli_collector_spool_bytes")) {
                            spoolPeak = Math.max(
                                    spoolPeak, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                        }
                    }
                    return found ? (long) sum : -1;
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    private static void writeConfig(Path cfg, int hi2, int hi3) throws IOException {
        Files.createDirectories(cfg);
        Files.writeString(cfg.resolve("agency.yaml"), """
                apiVersion: li.kubeli.io/v1alpha1
                kind: Agency
                metadata:
                  name: bench-lea
                spec:
                  hi2: {host: 127.0.0.1, port: %d}
                  hi3: {host: 127.0.0.1, port: %d}
                  countryCode: DE
                  operatorId: kubeli-bench
                  keepalive: {interval: 5s, responseTimeout: 10s}
                  reconnectBackoff: 1s
                """.formatted(hi2, hi3));
        StringBuilder targets = new StringBuilder();
        for (int i = 0; i < BenchCapture.TARGETS_V4.length; i++) {
            targets.append("    - {ip: ")
                    .append(BenchCapture.TARGETS_V4[i])
                    .append(", cin: ")
                    .append(i + 1)
                    .append("}\n");
        }
        targets.append("    - {ip: \"")
                .append(BenchCapture.TARGET_V6)
                .append("\", cin: ")
                .append(BenchCapture.TARGETS_V4.length + 1)
                .append("}\n");
        Files.writeString(cfg.resolve("intercept.yaml"), """
                apiVersion: li.kubeli.io/v1alpha1
                kind: Intercept
                metadata:
                  name: bench-0001
                spec:
                  liid: BENCH-0001
                  agencyRef: bench-lea
                  mediatorRef: mediator
                  authorizationCountryCode: DE
                  deliveryCountryCode: DE
                  validFrom: "2025-01-01T00:00:00Z"
                  validUntil: "2030-12-31T23:59:59Z"
                  output: both
                  targets:
                """ + targets);
    }

    static Map<String, Long> keyValues(String line) {
        Map<String, Long> m = new HashMap<>();
        Matcher k = KV.matcher(line);
        while (k.find()) m.putIfAbsent(k.group(1), Long.parseLong(k.group(2)));
        // "first"/"last" of the agency may be -1 (no record): the pattern skips the sign, so read them explicitly
        Matcher neg = Pattern.compile("(first|last)=(-?\\d+)").matcher(line);
        while (neg.find()) m.put(neg.group(1), Long.parseLong(neg.group(2)));
        return m;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static long epochNanos() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
