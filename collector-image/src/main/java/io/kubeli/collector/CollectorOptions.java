package io.kubeli.collector;

import io.kubeli.cli.LogFormatOption;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The collector's command line as declared (picocli); {@link CollectorSettings#parse} validates it. */
@Command(
        name = "kubeli collector",
        customSynopsis = {
            "./kubeli collector --source URI [--source URI...] (--intercepts DIR | --kubernetes)",
            "         --output file:PATH|mediator:HOST:PORT [options]"
        },
        description = {
            "",
            "Captures packets, matches warranted targets, encodes ETSI TS 102 232 records and streams them.",
            "With only pcapfile: sources it processes them to the end, prints a summary and exits.",
            ""
        },
        optionListHeading = "Options:%n",
        footer = {
            "",
            "afpacket: needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode).",
            "Sources: pcapfile:PATH, pcap:IFACE, afpacket:IFACE, dpdk:PCI|env|env=VAR|vdev=ARGS, xdp:IFACE.",
            "Subcommand (privileged init step for xdp: sources; see 'xdp-attach --help'):",
            "  xdp-attach --iface IFACE [--mode native|skb|auto] [--queues N] [--pin DIR] [--detach]",
            "Exit status: 0 ok, 1 failure, 2 invalid options or configuration."
        })
final class CollectorOptions {
    @Option(
            names = "--source",
            paramLabel = "URI",
            description = "capture source, repeatable: pcapfile:PATH, pcap:IFACE,"
                    + " afpacket:IFACE?threads=N&fanout=ip, dpdk:PCI|env|vdev=ARGS?queues=N, xdp:IFACE?queues=N&mode=native|skb"
                    + " [default: --kubernetes: the Collector's spec.sources]")
    List<String> sources = new ArrayList<>();

    @Option(
            names = "--intercepts",
            paramLabel = "DIR",
            description = "directory of Intercept/Agency/Collector YAML files," + " reloaded on change")
    String intercepts;

    @Option(
            names = "--kubernetes",
            description =
                    "watch Intercepts/Agencies/own Collector through the Kubernetes API" + " instead of --intercepts")
    boolean kubernetes;

    @Option(
            names = "--namespace",
            paramLabel = "NS",
            description = "namespace to watch with --kubernetes" + " [default: the client's]")
    String namespace;

    @Option(
            names = "--output",
            paramLabel = "SPEC",
            description = "file:PATH (one file; a directory or PATH/ = one file"
                    + " per intercept and stream) or mediator:HOST:PORT")
    String output;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "capture threads per source (afpacket fanout members,"
                    + " 0..256) [default: 0 = the source's default]")
    int threads;

    @Option(
            names = "--encoders",
            paramLabel = "N",
            description = "encoder threads (1..64); each owns the sequence"
                    + " numbers of the keys sharded to it [default: 1]")
    int encoders = 1;

    @Option(
            names = "--ring-slots",
            paramLabel = "N",
            description = "slots per capture-thread-to-encoder ring" + " (16..1048576) [default: 4096]")
    int ringSlots = 4096;

    @Option(
            names = "--filter",
            paramLabel = "BPF",
            description =
                    "BPF filter applied by the capture sources (keep every" + " target's packets!) [default: none]")
    String filter;

    @Option(
            names = "--network-element-id",
            paramLabel = "ID",
            description = "networkElementIdentifier in PS-PDU headers"
                    + " (1-16 octets) [default: the Collector's spec, else none]")
    String networkElementId;

    @Option(
            names = "--collector-id",
            paramLabel = "ID",
            description = "the Collector resource name (its spec, Intercept" + " selectors) [default: $HOSTNAME]")
    String collectorId;

    @Option(
            names = "--instance-id",
            paramLabel = "ID",
            description = "this pod's identity on the mediator link (the"
                    + " mediator de-duplicates per instance: unique per pod) [default: ID/$NODE_NAME, else ID]")
    String instanceId;

    @Option(
            names = "--eal-lcores-from-cpuset",
            description = "dpdk: sources without lcores= pin the EAL and capture"
                    + " threads to this process's CPU set (Cpus_allowed_list)")
    boolean ealLcoresFromCpuset;

    @Option(
            names = "--metrics-port",
            paramLabel = "P",
            description = "serve /metrics, /healthz and /readyz on this port" + " (0..65535) [default: off]")
    int metricsPort = -1;

    @Option(
            names = "--metrics-address",
            paramLabel = "ADDR",
            description = "address the metrics endpoint binds to"
                    + " (per-intercept counts are sensitive: in a cluster pass the pod/host IP the scraper uses)"
                    + " [default: 0.0.0.0]")
    String metricsAddress = "0.0.0.0";

    @Option(
            names = "--spool",
            paramLabel = "DIR",
            description = "disk spool of the mediator link (memory queue overflow,"
                    + " link and ETSI sequence state; created 0700, files 0600) [default: --kubernetes:"
                    + " /var/lib/kubeli/collector/ID, else $HOME/.local/state/kubeli/collector/ID]")
    String spool;

    @Option(
            names = "--cin-slot",
            paramLabel = "N",
            description = "CIN slot of this instance (0..4095): delivered CIN ="
                    + " N * 1048576 + the target's cin (or CRC32 of its prefix mod 2^20); with --kubernetes nothing is"
                    + " intercepted (and /readyz fails) until the slot is known [default: 0; --kubernetes: Collector"
                    + " status.cinSlots[$NODE_NAME]]")
    Integer cinSlot;

    @Option(
            names = "--min-prefix-ipv4",
            paramLabel = "LEN",
            description = "shortest IPv4 target prefix accepted (1..32);"
                    + " an Intercept with a shorter one (or 0.0.0.0/0) is rejected whole [default: 8]")
    int minPrefix4 = 8;

    @Option(
            names = "--min-prefix-ipv6",
            paramLabel = "LEN",
            description = "shortest IPv6 target prefix accepted"
                    + " (1..128); an Intercept with a shorter one (or ::/0) is rejected whole [default: 16]")
    int minPrefix6 = 16;

    @Option(
            names = "--mediator-replicas",
            paramLabel = "N",
            description = "mediator replicas (1..1024); with N > 1 the"
                    + " mediator host must contain {replica}, replaced by this instance's fixed replica (CRC32 of the instance"
                    + " id mod N) [default: 1]")
    int mediatorReplicas = 1;

    @Option(
            names = "--radius-ports",
            paramLabel = "LIST|none",
            description =
                    "UDP ports of RADIUS authentication and"
                            + " accounting, comma-separated; RADIUS on them updates the session table that radiusUser targets follow"
                            + " ('none' turns tracking off: radiusUser Intercepts are then rejected) [default: 1812,1813,1645,1646]")
    String radiusPorts = "1812,1813,1645,1646";

    @Option(
            names = "--radius-max-sessions",
            paramLabel = "N",
            description =
                    "RADIUS sessions tracked at most"
                            + " (1..50000000); beyond it the least recently updated one is dropped (counted) [default: 2000000]")
    int radiusMaxSessions = 2_000_000;

    @Option(
            names = "--radius-idle-timeout",
            paramLabel = "S",
            description = "a RADIUS session without Accounting for S"
                    + " seconds (1..2592000) ends (IRI-End sessionExpired); keep it above the NAS's Interim-Update interval"
                    + " [default: 7200]")
    int radiusIdleTimeout = 7200;

    @Option(
            names = "--radius-identity",
            paramLabel = "user|calling-station-id|both",
            description = "what a radiusUser"
                    + " target is compared with: User-Name, Calling-Station-Id, or either [default: user]")
    String radiusIdentity = "user";

    @Option(
            names = "--radius-state",
            paramLabel = "FILE|none",
            description = "where the RADIUS session table survives"
                    + " restarts (0600; saved every 10 s when changed and at shutdown; not used for file replays)"
                    + " [default: SPOOL/radius-sessions]")
    String radiusState;

    @Option(
            names = "--sip-ports",
            paramLabel = "LIST|none",
            description = "UDP/TCP ports of SIP, comma-separated; SIP on"
                    + " them is followed for sipUri targets ('none' turns it off: sipUri Intercepts are then rejected)"
                    + " [default: 5060]")
    String sipPorts = "5060";

    @Option(
            names = "--sip-max-calls",
            paramLabel = "N",
            description =
                    "calls of sipUri targets followed at once"
                            + " (1..1048576, one CIN each); more are refused (counted); other calls cost nothing [default: 100000]")
    int sipMaxCalls = 100_000;

    @Option(
            names = "--sip-media-timeout",
            paramLabel = "S",
            description = "a target call without SIP or RTP for S"
                    + " seconds (1..86400) ends and its media stops [default: 300]")
    int sipMediaTimeout = 300;

    @Option(
            names = "--poll-ms",
            paramLabel = "MS",
            description = "poll interval of the --intercepts directory" + " (100..1000) [default: 500]")
    int pollMs = 500;

    @Option(
            names = "--drain-seconds",
            paramLabel = "S",
            description = "on shutdown, wait up to S s (0..3600) for the"
                    + " mediator to acknowledge every record; the rest stays in the spool for the next start (keep it below"
                    + " the pod's termination grace period) [default: 10]")
    int drainSeconds = 10;

    @Option(
            names = "--tls",
            paramLabel = "DIR|none",
            description = "mTLS to the mediator: directory with tls.crt,"
                    + " tls.key, ca.crt (a mounted Secret) [default: none]")
    String tls = "none";

    @Mixin
    LogFormatOption log = new LogFormatOption();
}
