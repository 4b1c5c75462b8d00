package io.kubeli.collector;

import io.kubeli.cli.Cli;
import io.kubeli.cli.LogFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validated collector configuration (command line; every option has a default and a description).
 * {@link #parse} throws {@link ConfigException} with a message fit for the operator on any bad option.
 */
public record CollectorSettings(
        List<String> sources,
        Path intercepts,
        boolean kubernetes,
        String namespace,
        String output,
        int threads,
        int encoders,
        int ringSlots,
        String filter,
        String networkElementId,
        String collectorId,
        int metricsPort,
        Path spool,
        long pollMillis,
        String tls,
        String instanceId,
        boolean ealLcoresFromCpuset,
        int drainSeconds,
        Integer cinSlot,
        String nodeName,
        int minPrefix4,
        int minPrefix6,
        int mediatorReplicas,
        String metricsAddress,
        Radius radius,
        Sip sip,
        LogFormat logFormat) {

    /**
     * SIP call tracking (sipUri targets).
     *
     * @param ports        UDP/TCP ports carrying SIP (either end); empty = tracking off
     * @param maxCalls     target calls followed at most (more are refused, counted)
     * @param mediaTimeout a call without SIP or media for this many seconds ends
     */
    public record Sip(List<Integer> ports, int maxCalls, int mediaTimeout) {}

    /**
     * RADIUS session tracking (radiusUser targets).
     *
     * @param ports      UDP ports carrying RADIUS (either end); empty = tracking off
     * @param maxSessions sessions tracked at most (the least recently updated beyond it is evicted, counted)
     * @param idleSeconds a session without accounting for this long ends
     * @param identity   user, calling-station-id or both: what a radiusUser target is compared with
     * @param state      where the session table is saved (null = not saved); file replays never use it
     */
    public record Radius(List<Integer> ports, int maxSessions, int idleSeconds, String identity, Path state) {}

    /** What the mediator link accepts as a collector identity. */
    static final String IDENTITY = "[A-Za-z0-9._:/-]{1,200}";

    /** A configuration problem; the message names the option. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    /** The --help text. */
    public static String usage() {
        return Cli.usage(new CollectorOptions());
    }

    /** Parses and validates command-line arguments (without --help handling). */
    public static CollectorSettings parse(String[] args) {
        return parse(args, System::getenv);
    }

    /** As {@link #parse(String[])} with the environment (NODE_NAME, HOSTNAME) from {@code env}. */
    public static CollectorSettings parse(String[] args, java.util.function.UnaryOperator<String> env) {
        CollectorOptions o = new CollectorOptions();
        try {
            Cli.parse(o, args, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            return validate(o, env);
        } catch (Cli.UsageException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static CollectorSettings validate(CollectorOptions o, java.util.function.UnaryOperator<String> env) {
        List<String> sources = o.sources;
        Path intercepts = o.intercepts == null ? null : Path.of(o.intercepts);
        boolean kube = o.kubernetes;
        String ns = o.namespace;
        String output = o.output;
        int threads = Cli.range("--threads", o.threads, 0, 256);
        int encoders = Cli.range("--encoders", o.encoders, 1, 64);
        int ringSlots = Cli.range("--ring-slots", o.ringSlots, 16, 1 << 20);
        String filter = o.filter;
        String neId = o.networkElementId;
        String collectorId = o.collectorId;
        int metricsPort = o.metricsPort == -1 ? -1 : Cli.range("--metrics-port", o.metricsPort, 0, 65535);
        Path spool = o.spool == null ? null : Path.of(o.spool);
        long poll = Cli.range("--poll-ms", o.pollMs, 100, 1000);
        int drain = Cli.range("--drain-seconds", o.drainSeconds, 0, 3600);
        String tls = o.tls;
        String instanceId = o.instanceId;
        boolean ealCpuset = o.ealLcoresFromCpuset;
        Integer cinSlot =
                o.cinSlot == null ? null : Cli.range("--cin-slot", o.cinSlot, 0, InterceptManager.MAX_CIN_SLOT);
        int minPrefix4 = Cli.range("--min-prefix-ipv4", o.minPrefix4, 1, 32);
        int minPrefix6 = Cli.range("--min-prefix-ipv6", o.minPrefix6, 1, 128);
        int replicas = Cli.range("--mediator-replicas", o.mediatorReplicas, 1, 1024);
        String metricsAddress = o.metricsAddress;
        List<Integer> radiusPorts = portList("--radius-ports", o.radiusPorts);
        int radiusMax = Cli.range("--radius-max-sessions", o.radiusMaxSessions, 1, 50_000_000);
        int radiusIdle = Cli.range("--radius-idle-timeout", o.radiusIdleTimeout, 1, 2_592_000);
        String radiusIdentity = o.radiusIdentity;
        if (!radiusIdentity.equals("user")
                && !radiusIdentity.equals("calling-station-id")
                && !radiusIdentity.equals("both")) {
            throw new ConfigException(
                    "--radius-identity must be user, calling-station-id or both (got '" + radiusIdentity + "')");
        }
        String radiusState = o.radiusState;
        if (radiusState != null && radiusState.isBlank()) {
            throw new ConfigException("--radius-state needs a file or 'none'");
        }
        List<Integer> sipPorts = portList("--sip-ports", o.sipPorts);
        int sipMax = Cli.range("--sip-max-calls", o.sipMaxCalls, 1, (int) InterceptManager.CIN_SPACE); // one CIN each
        int sipTimeout = Cli.range("--sip-media-timeout", o.sipMediaTimeout, 1, 86_400);
        LogFormat logFormat = o.log.format();
        if (sources.isEmpty() && !kube) {
            throw new ConfigException(
                    "at least one --source is required (with --kubernetes: or the Collector's spec.sources)");
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
            throw new ConfigException(
                    "--kubernetes needs NODE_NAME (the key of Collector status.cinSlots) or --cin-slot");
        }
        if (!kube && cinSlot == null) {
            cinSlot = 0;
        }
        if (spool == null) {
            // never a shared temp directory: the spool holds LIIDs and records
            String leaf = instanceId.replaceAll("[^A-Za-z0-9._-]", "_");
            String home = System.getProperty("user.home");
            spool = kube || home == null || home.isBlank()
                    ? Path.of("/var/lib/kubeli/collector", leaf)
                    : Path.of(home, ".local", "state", "kubeli", "collector", leaf);
        }
        return new CollectorSettings(
                List.copyOf(sources),
                intercepts,
                kube,
                ns,
                output,
                threads,
                encoders,
                ringSlots,
                filter,
                neId,
                collectorId,
                metricsPort,
                spool,
                poll,
                tls,
                instanceId,
                ealCpuset,
                drain,
                cinSlot,
                node,
                minPrefix4,
                minPrefix6,
                replicas,
                metricsAddress,
                new Radius(
                        radiusPorts,
                        radiusMax,
                        radiusIdle,
                        radiusIdentity,
                        "none".equals(radiusState)
                                ? null
                                : radiusState != null ? Path.of(radiusState) : spool.resolve("radius-sessions")),
                new Sip(sipPorts, sipMax, sipTimeout),
                logFormat);
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
