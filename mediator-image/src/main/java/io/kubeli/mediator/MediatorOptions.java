package io.kubeli.mediator;

import io.kubeli.cli.LogFormatOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The mediator's command line as declared (picocli); {@link MediatorMain#settings} validates it. */
@Command(
        name = "kubeli mediator",
        customSynopsis = "./kubeli mediator --config DIR --listen PORT --data DIR (--tls-dir DIR | --plain) [options]",
        description = {
            "",
            "Receives records from collectors over the acknowledged link, stores them durably per agency and",
            "hands them over to each agency's HI2 (IRI) and HI3 (CC) endpoints (ETSI TS 102 232).",
            ""
        },
        optionListHeading = "Options:%n",
        footer = {"", "Sizes take k, m, g suffixes (binary). Exit status 2 on invalid options or configuration."})
final class MediatorOptions {
    @Option(
            names = "--config",
            paramLabel = "DIR",
            description = "Agency and Intercept YAML (multi-document allowed);" + " reloaded on change")
    String config;

    @Option(
            names = "--kubernetes",
            description = "read Agencies/Intercepts from the API server [default: on when run"
                    + " in a pod without --config]")
    boolean kubernetes;

    @Option(
            names = "--namespace",
            paramLabel = "NS",
            description = "namespace to watch in cluster mode [default: the" + " pod's / kubeconfig's]")
    String namespace;

    @Option(
            names = "--listen",
            paramLabel = "PORT",
            description = "collector link port (0 = ephemeral; the bound port is" + " printed) [required]")
    Integer listen;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "durable buffers, delivery cursors and dedup state (a" + " persistent volume) [required]")
    String data;

    @Option(
            names = "--tls-dir",
            paramLabel = "DIR",
            description = "link TLS 1.3 with client certificates: DIR/tls.crt," + " tls.key, ca.crt")
    String tlsDir;

    @Option(names = "--plain", description = "plain TCP on the link (tests only)")
    boolean plain;

    @Option(
            names = "--agency-tls-dir",
            paramLabel = "DIR",
            description = "file mode:" + " DIR/<tlsSecretRef>/{ca.crt,tls.crt,tls.key} for agency TLS")
    String agencyTlsDir;

    @Option(
            names = "--metrics-port",
            paramLabel = "P",
            description = "serve /metrics, /healthz, /readyz on P (0..65535)" + " [default: off]")
    int metricsPort = -1;

    @Option(names = "--mediator-name", paramLabel = "NAME", description = "this mediator's name [default: mediator]")
    String mediatorName = "mediator";

    @Option(
            names = "--buffer-bytes",
            paramLabel = "N",
            description = "size bound of each agency buffer per HI and of the" + " holding log [default: 1g]")
    String bufferBytes = "1g";

    @Option(names = "--segment-bytes", paramLabel = "N", description = "segment file size [default: 64m]")
    String segmentBytes = "64m";

    @Option(
            names = "--fsync",
            paramLabel = "POLICY",
            description = "batch (fsync each stored batch before the ack) or" + " none (page cache) [default: batch]")
    String fsync = "batch";

    @Option(
            names = "--status-interval",
            paramLabel = "S",
            description = "seconds between status log lines [default: 10]")
    int statusInterval = 10;

    @Option(
            names = "--replica-index",
            paramLabel = "N",
            description = "this replica's index (0..65535); only replica 0"
                    + " sends HI1 notifications (activation/modification/deactivation) [default: the numeric suffix of HOSTNAME"
                    + " name-N, else 0]")
    Integer replicaIndex;

    @Mixin
    LogFormatOption log = new LogFormatOption();
}
