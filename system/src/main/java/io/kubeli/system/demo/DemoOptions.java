package io.kubeli.system.demo;

import io.kubeli.cli.Cli;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Typed options of {@code ./kubeli demo}; every option has a default and a description.
 *
 * @param out where the agency's output goes (null = {@code system/target/demo} of the checkout)
 * @param live replay the capture across a veth pair and capture it with {@code afpacket:} (root)
 * @param capture the capture to replay (null = the bundled {@code system/demo/traffic.pcap})
 * @param pps {@code --live}: replay rate in packets per second
 * @param timeoutSeconds how long to wait for the agency to have every record
 * @param childInterface internal: run the pipeline on this interface inside the live namespace
 * @param help print the usage and exit
 */
public record DemoOptions(
        Path out, boolean live, Path capture, int pps, int timeoutSeconds, String childInterface, boolean help) {

    /** A bad command line; the message names the option. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    /** The command line as declared (picocli). */
    @Command(
            name = "kubeli demo",
            customSynopsis = "./kubeli demo [--out DIR] [--live] [--capture FILE] [options]",
            description = {
                "",
                "Runs the whole chain on one machine, with the resources of deploy/examples: a collector reads the",
                "bundled capture, matches the Intercept's targets and streams ETSI records over a mutual-TLS link to",
                "a mediator, which hands them over (HI2 IRI, HI3 CC) to a test agency. Prints what arrived.",
                ""
            },
            optionListHeading = "Options:%n",
            footer = {"", "Exit status: 0 every record delivered, 1 the run failed, 2 bad usage or environment."})
    static final class Declared {
        @Option(
                names = "--out",
                paramLabel = "DIR",
                description = "where the agency's output goes: hi2.ber, hi3.ber,"
                        + " records.json, cc.pcap, summary.json [default: system/target/demo]")
        String out;

        @Option(
                names = "--live",
                description = "replay the capture across a veth pair between two network namespaces and"
                        + " capture it live with afpacket: (root, ip, tcpreplay) [default: off]")
        boolean live;

        @Option(
                names = "--capture",
                paramLabel = "FILE",
                description = "the capture to replay (pcap or pcapng with Ethernet"
                        + " frames) [default: system/demo/traffic.pcap]")
        String capture;

        @Option(
                names = "--pps",
                paramLabel = "N",
                description = "--live: replay rate in packets per second (1..100000)" + " [default: 2000]")
        int pps = 2000;

        @Option(
                names = "--timeout",
                paramLabel = "S",
                description =
                        "fail when the agency does not have every record after" + " S seconds (5..3600) [default: 60]")
        int timeout = 60;

        @Option(names = "--child-interface", hidden = true, description = "internal: the live demo's pipeline process")
        String childInterface;
    }

    /** The --help text. */
    public static String usage() {
        return Cli.usage(new Declared());
    }

    /** Parses and validates the command line (also {@code --opt=value}). */
    public static DemoOptions parse(String[] args) {
        Declared d = new Declared();
        boolean help;
        try {
            help = !Cli.parse(d, args, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            Cli.range("--pps", d.pps, 1, 100_000);
            Cli.range("--timeout", d.timeout, 5, 3600);
        } catch (Cli.UsageException e) {
            throw new UsageException(e.getMessage());
        }
        if (help) {
            return new DemoOptions(null, false, null, d.pps, d.timeout, null, true);
        }
        Path out = d.out == null ? null : Path.of(d.out);
        Path capture = d.capture == null ? null : Path.of(d.capture);
        if (capture != null && !java.nio.file.Files.isRegularFile(capture)) {
            throw new UsageException("--capture " + capture + " is not a readable file");
        }
        if (out != null && java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new UsageException("--out " + out + " exists and is not a directory");
        }
        return new DemoOptions(out, d.live, capture, d.pps, d.timeout, d.childInterface, help);
    }
}
