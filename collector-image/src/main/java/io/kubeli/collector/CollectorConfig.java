package io.kubeli.collector;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed, validated collector configuration (command line; every option has a default and a description).
 * {@link #parse} throws {@link ConfigException} with a message fit for the operator on any bad option.
 */
public record CollectorConfig(List<String> sources, Path intercepts, boolean kubernetes, String namespace,
        String output, int threads, int encoders, int ringSlots, String filter, String networkElementId,
        String collectorId, int metricsPort, Path spool, long pollMillis, String tls, String instanceId,
        boolean ealLcoresFromCpuset, int drainSeconds, Integer cinSlot, String nodeName, int minPrefix4,
        int minPrefix6, int mediatorReplicas, String metricsAddress, Radius radius, Sip sip) {

    /**
     * SIP call tracking (sipUri targets).
     *
     * @param ports        UDP/TCP ports carrying SIP (either end); empty = tracking off
     * @param maxCalls     target calls followed at most (more are refused, counted)
     * @param mediaTimeout a call without SIP or media for this many seconds ends
     */
    public record Sip(List<Integer> ports, int maxCalls, int mediaTimeout) {
    }

    /**
     * RADIUS session tracking (radiusUser targets).
     *
     * @param ports      UDP ports carrying RADIUS (either end); empty = tracking off
     * @param maxSessions sessions tracked at most (the least recently updated beyond it is evicted, counted)
     * @param idleSeconds a session without accounting for this long ends
     * @param identity   user, calling-station-id or both: what a radiusUser target is compared with
     * @param state      where the session table is saved (null = not saved); file replays never use it
     */
    public record Radius(List<Integer> ports, int maxSessions, int idleSeconds, String identity, Path state) {
    }

    /** What the mediator link accepts as a collector identity. */
    static final String IDENTITY = "[A-Za-z0-9._:/-]{1,200}";

    /** A configuration problem; the message names the option. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    /** One option: name, value placeholder (null for a flag), default and description (for --help). */
    public record Option(String name, String arg, String defaultValue, String description) {
    }

    public static final List<Option> OPTIONS = List.of(
            new Option("--source", "URI", "--kubernetes: the Collector's spec.sources", "capture source, repeatable: pcapfile:PATH, pcap:IFACE, afpacket:IFACE?threads=N&fanout=ip, dpdk:PCI|env|vdev=ARGS?queues=N, xdp:IFACE?queues=N&mode=native|skb"),
            new Option("--intercepts", "DIR", null, "directory of Intercept/Agency/Collector YAML files, reloaded on change"),
            new Option("--kubernetes", null, "false", "watch Intercepts/Agencies/own Collector through the Kubernetes API instead of --intercepts"),
            new Option("--namespace", "NS", "client default", "namespace to watch with --kubernetes"),
            new Option("--output", "SPEC", null, "file:PATH (one file; a directory or PATH/ = one file per intercept and stream) or mediator:HOST:PORT"),
            new Option("--threads", "N", "0 (source default)", "capture threads per source (afpacket fanout members)"),
            new Option("--encoders", "N", "1", "encoder threads; each owns the sequence numbers of the keys sharded to it"),
            new Option("--ring-slots", "N", "4096", "slots per capture-thread-to-encoder ring"),
            new Option("--filter", "BPF", "none", "BPF filter applied by the capture sources (keep every target's packets!)"),
            new Option("--network-element-id", "ID", "Collector spec, else none", "networkElementIdentifier in PS-PDU headers (1-16 octets)"),
            new Option("--collector-id", "ID", "$HOSTNAME", "the Collector resource name (its spec, Intercept selectors)"),
            new Option("--instance-id", "ID", "ID/$NODE_NAME, else ID", "this pod's identity on the mediator link (the mediator de-duplicates per instance: unique per pod)"),
            new Option("--eal-lcores-from-cpuset", null, "false", "dpdk: sources without lcores= pin the EAL and capture threads to this process's CPU set (Cpus_allowed_list)"),
            new Option("--metrics-port", "P", "off", "serve /metrics, /healthz and /readyz on this port"),
            new Option("--metrics-address", "ADDR", "0.0.0.0", "address the metrics endpoint binds to (per-intercept counts are sensitive: in a cluster pass the pod/host IP the scraper uses)"),
            new Option("--spool", "DIR", "--kubernetes: /var/lib/kubeli/collector/ID, else $HOME/.local/state/kubeli/collector/ID", "disk spool of the mediator link (memory queue overflow, link and ETSI sequence state; created 0700, files 0600)"),
            new Option("--cin-slot", "N", "0; --kubernetes: Collector status.cinSlots[$NODE_NAME]", "CIN slot of this instance (0..4095): delivered CIN = N * 1048576 + the target's cin (or CRC32 of its prefix mod 2^20); with --kubernetes nothing is intercepted (and /readyz fails) until the slot is known"),
            new Option("--min-prefix-ipv4", "LEN", "8", "shortest IPv4 target prefix accepted (1..32); an Intercept with a shorter one (or 0.0.0.0/0) is rejected whole"),
            new Option("--min-prefix-ipv6", "LEN", "16", "shortest IPv6 target prefix accepted (1..128); an Intercept with a shorter one (or ::/0) is rejected whole"),
            new Option("--mediator-replicas", "N", "1", "mediator replicas (1..1024); with N > 1 the mediator host must contain {replica}, replaced by this instance's fixed replica (CRC32 of the instance id mod N)"),
            new Option("--radius-ports", "LIST|none", "1812,1813,1645,1646", "UDP ports of RADIUS authentication and accounting, comma-separated; RADIUS on them updates the session table that radiusUser targets follow ('none' turns tracking off: radiusUser Intercepts are then rejected)"),
            new Option("--radius-max-sessions", "N", "2000000", "RADIUS sessions tracked at most (1..50000000); beyond it the least recently updated one is dropped (counted)"),
            new Option("--radius-idle-timeout", "S", "7200", "a RADIUS session without Accounting for S seconds (1..2592000) ends (IRI-End sessionExpired); keep it above the NAS's Interim-Update interval"),
            new Option("--radius-identity", "user|calling-station-id|both", "user", "what a radiusUser target is compared with: User-Name, Calling-Station-Id, or either"),
            new Option("--radius-state", "FILE|none", "SPOOL/radius-sessions", "where the RADIUS session table survives restarts (0600; saved every 10 s when changed and at shutdown; not used for file replays)"),
            new Option("--sip-ports", "LIST|none", "5060", "UDP/TCP ports of SIP, comma-separated; SIP on them is followed for sipUri targets ('none' turns it off: sipUri Intercepts are then rejected)"),
            new Option("--sip-max-calls", "N", "100000", "calls of sipUri targets followed at once (1..1048576, one CIN each); more are refused (counted); other calls cost nothing"),
            new Option("--sip-media-timeout", "S", "300", "a target call without SIP or RTP for S seconds (1..86400) ends and its media stops"),
            new Option("--poll-ms", "MS", "500", "poll interval of the --intercepts directory (100..1000)"),
            new Option("--drain-seconds", "S", "10", "on shutdown, wait up to S s (0..3600) for the mediator to acknowledge every record; the rest stays in the spool for the next start (keep it below the pod's termination grace period)"),
            new Option("--tls", "DIR|none", "none", "mTLS to the mediator: directory with tls.crt, tls.key, ca.crt (a mounted Secret)"),
            new Option("--help", null, null, "this text"));

    /** The --help text. */
    public static String usage() {
        StringBuilder sb = new StringBuilder("Usage: ./kubeli collector --source URI [--source URI...] "
                + "(--intercepts DIR | --kubernetes) --output file:PATH|mediator:HOST:PORT [options]\n\n"
                + "Captures packets, matches warranted targets, encodes ETSI TS 102 232 records and streams them.\n"
                + "With only pcapfile: sources it processes them to the end, prints a summary and exits.\n\nOptions:\n");
        for (Option o : OPTIONS) {
            String left = o.name() + (o.arg() == null ? "" : " " + o.arg());
            sb.append(String.format(Locale.ROOT, "  %-26s %s%s%n", left, o.description(),
                    o.defaultValue() == null ? "" : " [default: " + o.defaultValue() + "]"));
        }
        sb.append("\nafpacket: needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode).\n");
        sb.append("Sources: pcapfile:PATH, pcap:IFACE, afpacket:IFACE, dpdk:PCI|env|env=VAR|vdev=ARGS, xdp:IFACE.\n");
        sb.append("\nSubcommand (privileged init step for xdp: sources; see 'xdp-attach --help'):\n");
        sb.append("  xdp-attach --iface IFACE [--mode native|skb|auto] [--queues N] [--pin DIR] [--detach]\n");
        return sb.toString();
    }

    /** Parses and validates command-line arguments (without --help handling). */
    public static CollectorConfig parse(String[] args) {
        return parse(args, System::getenv);
    }

    /** As {@link #parse(String[])} with the environment (NODE_NAME, HOSTNAME) from {@code env}. */
    public static CollectorConfig parse(String[] args, java.util.function.UnaryOperator<String> env) {
        List<String> sources = new ArrayList<>();
        Path intercepts = null;
        boolean kube = false;
        String ns = null;
        String output = null;
        int threads = 0;
        int encoders = 1;
        int ringSlots = 4096;
        String filter = null;
        String neId = null;
        String collectorId = null;
        int metricsPort = -1;
        Path spool = null;
        long poll = 500;
        int drain = 10;
        String tls = "none";
        String instanceId = null;
        boolean ealCpuset = false;
        Integer cinSlot = null;
        int minPrefix4 = 8;
        int minPrefix6 = 16;
        int replicas = 1;
        String metricsAddress = "0.0.0.0";
        List<Integer> radiusPorts = List.of(1812, 1813, 1645, 1646);
        int radiusMax = 2_000_000;
        int radiusIdle = 7200;
        String radiusIdentity = "user";
        String radiusState = null;
        List<Integer> sipPorts = List.of(5060);
        int sipMax = 100_000;
        int sipTimeout = 300;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            String opt = a;
            if (OPTIONS.stream().noneMatch(o -> o.name().equals(opt))) {
                throw new ConfigException("unknown option '" + a + "' (see --help)");
            }
            if (a.equals("--kubernetes")) {
                kube = true;
                continue;
            }
            if (a.equals("--eal-lcores-from-cpuset")) {
                ealCpuset = true;
                continue;
            }
            if (v == null) {
                if (i + 1 >= args.length) {
                    throw new ConfigException(a + " needs a value");
                }
                v = args[++i];
            }
            switch (a) {
                case "--source" -> sources.add(v);
                case "--intercepts" -> intercepts = Path.of(v);
                case "--namespace" -> ns = v;
                case "--output" -> output = v;
                case "--threads" -> threads = intArg(a, v, 0, 256);
                case "--encoders" -> encoders = intArg(a, v, 1, 64);
                case "--ring-slots" -> ringSlots = intArg(a, v, 16, 1 << 20);
                case "--filter" -> filter = v;
                case "--network-element-id" -> neId = v;
                case "--collector-id" -> collectorId = v;
                case "--instance-id" -> instanceId = v;
                case "--metrics-port" -> metricsPort = intArg(a, v, 0, 65535);
                case "--spool" -> spool = Path.of(v);
                case "--poll-ms" -> poll = intArg(a, v, 100, 1000);
                case "--drain-seconds" -> drain = intArg(a, v, 0, 3600);
                case "--tls" -> tls = v;
                case "--cin-slot" -> cinSlot = intArg(a, v, 0, InterceptManager.MAX_CIN_SLOT);
                case "--min-prefix-ipv4" -> minPrefix4 = intArg(a, v, 1, 32);
                case "--min-prefix-ipv6" -> minPrefix6 = intArg(a, v, 1, 128);
                case "--mediator-replicas" -> replicas = intArg(a, v, 1, 1024);
                case "--metrics-address" -> metricsAddress = v;
                case "--radius-ports" -> radiusPorts = portList(a, v);
                case "--sip-ports" -> sipPorts = portList(a, v);
                case "--sip-max-calls" -> sipMax = intArg(a, v, 1, (int) InterceptManager.CIN_SPACE); // one CIN each
                case "--sip-media-timeout" -> sipTimeout = intArg(a, v, 1, 86_400);
                case "--radius-max-sessions" -> radiusMax = intArg(a, v, 1, 50_000_000);
                case "--radius-idle-timeout" -> radiusIdle = intArg(a, v, 1, 2_592_000);
                case "--radius-identity" -> {
                    if (!v.equals("user") && !v.equals("calling-station-id") && !v.equals("both")) {
                        throw new ConfigException("--radius-identity must be user, calling-station-id or both (got '" + v + "')");
                    }
                    radiusIdentity = v;
                }
                case "--radius-state" -> {
                    if (v.isBlank()) {
                        throw new ConfigException("--radius-state needs a file or 'none'");
                    }
                    radiusState = v;
                }
                default -> throw new ConfigException("unknown option '" + a + "'");
            }
        }
        if (sources.isEmpty() && !kube) {
            throw new ConfigException("at least one --source is required (with --kubernetes: or the Collector's spec.sources)");
        }
        if (intercepts == null && !kube) {
            throw new ConfigException("--intercepts DIR or --kubernetes is required");
        }
        if (intercepts != null && kube) {
            throw new ConfigException("use either --intercepts or --kubernetes, not both");
        }
        if (output == null) {
            throw new ConfigException("--output is required (file:PATH or mediator:HOST:PORT)");
        }
        if (!output.startsWith("file:") && !output.startsWith("mediator:")) {
            throw new ConfigException("--output must be file:PATH or mediator:HOST:PORT");
        }
        if (output.startsWith("file:") && output.length() == 5) {
            throw new ConfigException("--output file: needs a path");
        }
        if (output.startsWith("mediator:")) {
            String host = mediatorAddress(output)[0];
            if (replicas > 1 && !host.contains(io.kubeli.link.ReplicaPick.PLACEHOLDER)) {
                throw new ConfigException("--mediator-replicas " + replicas + " needs a mediator host containing "
                        + io.kubeli.link.ReplicaPick.PLACEHOLDER + " (one stable name per replica)");
            }
        } else if (replicas > 1) {
            throw new ConfigException("--mediator-replicas needs --output mediator:HOST:PORT");
        }
        if (!metricsAddress.matches("[0-9A-Fa-f.:]{2,45}")) {
            throw new ConfigException("--metrics-address must be an IP address literal (got '" + metricsAddress + "')");
        }
        if (neId != null && (neId.isEmpty() || neId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 16)) {
            throw new ConfigException("--network-element-id must be 1 to 16 octets");
        }
        if (!tls.equals("none") && !java.nio.file.Files.isDirectory(Path.of(tls))) {
            throw new ConfigException("--tls " + tls + " is not a directory (or 'none')");
        }
        if (collectorId == null) {
            collectorId = defaultCollectorId(env);
        }
        if (instanceId == null) {
            // all pods of a DaemonSet share --collector-id; the link identity must be unique per pod
            String node = env.apply("NODE_NAME");
            instanceId = node == null || node.isBlank() ? collectorId : collectorId + "/" + node.trim();
        }
        if (!instanceId.matches(IDENTITY)) {
            throw new ConfigException("--instance-id (or --collector-id/NODE_NAME) '" + instanceId
                    + "' must be 1 to 200 of A-Z a-z 0-9 . _ : / -");
        }
        String node = env.apply("NODE_NAME");
        node = node == null || node.isBlank() ? null : node.trim();
        if (kube && cinSlot == null && node == null) {
            throw new ConfigException("--kubernetes needs NODE_NAME (the key of Collector status.cinSlots) or --cin-slot");
        }
        if (!kube && cinSlot == null) {
            cinSlot = 0;
        }
        if (spool == null) {
            // never a shared temp directory: the spool holds LIIDs and records
            String leaf = instanceId.replaceAll("[^A-Za-z0-9._-]", "_");
            String home = System.getProperty("user.home");
            spool = kube || home == null || home.isBlank() ? Path.of("/var/lib/kubeli/collector", leaf)
                    : Path.of(home, ".local", "state", "kubeli", "collector", leaf);
        }
        return new CollectorConfig(List.copyOf(sources), intercepts, kube, ns, output, threads, encoders, ringSlots,
                filter, neId, collectorId, metricsPort, spool, poll, tls, instanceId, ealCpuset, drain, cinSlot, node,
                minPrefix4, minPrefix6, replicas, metricsAddress, new Radius(radiusPorts, radiusMax, radiusIdle,
                radiusIdentity, "none".equals(radiusState) ? null
                        : radiusState != null ? Path.of(radiusState) : spool.resolve("radius-sessions")),
                new Sip(sipPorts, sipMax, sipTimeout));
    }

    private static List<Integer> portList(String name, String v) {
        if (v.trim().equals("none")) {
            return List.of();
        }
        List<Integer> l = new ArrayList<>();
        for (String p : v.split(",")) {
            l.add(intArg(name, p, 1, 65535));
        }
        return List.copyOf(l);
    }

    /** The manager's target rules from these options. */
    InterceptManager.Rules rules() {
        return new InterceptManager.Rules(minPrefix4, minPrefix6, cinSlot, nodeName);
    }

    /** host and port of a mediator:HOST:PORT output. */
    public static String[] mediatorAddress(String output) {
        String hp = output.substring("mediator:".length());
        int c = hp.lastIndexOf(':');
        if (c <= 0 || c == hp.length() - 1) {
            throw new ConfigException("--output mediator: needs HOST:PORT");
        }
        intArg("--output port", hp.substring(c + 1), 1, 65535);
        String host = hp.substring(0, c);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new String[] {host, hp.substring(c + 1)};
    }

    private static int intArg(String name, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + " (got " + n + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a number (got '" + v + "')");
        }
    }

    private static String defaultCollectorId(java.util.function.UnaryOperator<String> env) {
        String h = env.apply("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                h = "collector";
            }
        }
        return h;
    }
}
