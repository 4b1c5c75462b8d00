package io.kubeli.operator;

import io.kubeli.cli.Cli;
import io.kubeli.cli.LogFormat;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the packaged operator: the command line is read before Quarkus starts, so {@code --help} and a bad
 * option never start the operator (or connect to a cluster).
 */
@QuarkusMain
public final class OperatorMain {
    private OperatorMain() {}

    /** The command line as declared (picocli); everything else is Quarkus configuration. */
    @Command(
            name = "kubeli operator",
            customSynopsis = "./kubeli operator [--log-format text|json]",
            description = {
                "",
                "Runs the KubeLI operator against the current kubeconfig (in a pod: its service account):",
                "reconciles Agencies, Collectors, Mediators and Intercepts.",
                ""
            },
            optionListHeading = "Options:%n",
            footer = {
                "",
                "Configuration comes from application.properties, -D system properties and environment",
                "variables, e.g. KUBELI_COLLECTOR_IMAGE, KUBELI_MEDIATOR_IMAGE, KUBELI_IMAGE_PULL_POLICY,",
                "KUBELI_TLS_CERTIFICATE_LIFETIME, QUARKUS_OPERATOR_SDK_NAMESPACES (the Helm chart sets them).",
                "Exit status: 0 stopped, 1 failure (e.g. leadership lost), 2 invalid options."
            })
    static final class Options {
        @Option(
                names = "--log-format",
                paramLabel = "text|json",
                description = "log lines: text, or json (one object per"
                        + " line; the same as QUARKUS_LOG_CONSOLE_JSON_ENABLED=true) [default: text]")
        String logFormat;
    }

    public static void main(String... args) {
        Options o = new Options();
        Integer exit = Cli.parseOrExit(o, args, System.out, System.err);
        if (exit != null) {
            System.exit(exit); // --help or a bad option: nothing started
            return;
        }
        if (o.logFormat != null) {
            try {
                LogFormat f = LogFormat.of("--log-format", o.logFormat);
                System.setProperty("quarkus.log.console.json.enabled", Boolean.toString(f == LogFormat.JSON));
            } catch (Cli.UsageException e) {
                System.exit(Cli.fail(System.err, "kubeli operator", e.getMessage()));
                return;
            }
        }
        Quarkus.run(args);
    }
}
