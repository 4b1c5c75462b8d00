package io.kubeli.system.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
public record DemoOptions(Path out, boolean live, Path capture, int pps, int timeoutSeconds, String childInterface, boolean help) {

    /** A bad command line; the message names the option. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    /** One option for --help: name, value placeholder (null for a flag), default and description. */
    public record Option(String name, String arg, String defaultValue, String description) {
    }

    public static final List<Option> OPTIONS = List.of(
            new Option("--out", "DIR", "system/target/demo", "where the agency's output goes: hi2.ber, hi3.ber, records.json, cc.pcap, summary.json"),
            new Option("--live", null, "off", "replay the capture across a veth pair between two network namespaces and capture it live with afpacket: (root, ip, tcpreplay)"),
            new Option("--capture", "FILE", "system/demo/traffic.pcap", "the capture to replay (pcap or pcapng with Ethernet frames)"),
            new Option("--pps", "N", "2000", "--live: replay rate in packets per second (1..100000)"),
            new Option("--timeout", "S", "60", "fail when the agency does not have every record after S seconds (5..3600)"),
            new Option("--help", null, null, "this text"));

    /** The --help text. */
    public static String usage() {
        StringBuilder sb = new StringBuilder("""
                Usage: ./kubeli demo [--out DIR] [--live] [--capture FILE] [options]

                Runs the whole chain on one machine, with the resources of deploy/examples: a collector reads the
                bundled capture, matches the Intercept's targets and streams ETSI records over a mutual-TLS link to
                a mediator, which hands them over (HI2 IRI, HI3 CC) to a test agency. Prints what arrived.

                Options:
                """);
        for (Option o : OPTIONS) {
            String left = o.name() + (o.arg() == null ? "" : " " + o.arg());
            sb.append(String.format(Locale.ROOT, "  %-16s %s%s%n", left, o.description(),
                    o.defaultValue() == null ? "" : " [default: " + o.defaultValue() + "]"));
        }
        return sb.toString();
    }

    /** Parses and validates the command line (also {@code --opt=value}). */
    public static DemoOptions parse(String[] args) {
        Path out = null;
        Path capture = null;
        boolean live = false;
        boolean help = false;
        int pps = 2000;
        int timeout = 60;
        String child = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--help", "-h" -> help = true;
                case "--live" -> live = true;
                case "--out", "--capture", "--pps", "--timeout", "--child-interface" -> {
                    if (v == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(a + " needs a value");
                        }
                        v = args[++i];
                    }
                    switch (a) {
                        case "--out" -> out = Path.of(v);
                        case "--capture" -> capture = Path.of(v);
                        case "--pps" -> pps = intArg(a, v, 1, 100_000);
                        case "--timeout" -> timeout = intArg(a, v, 5, 3600);
                        default -> child = v;
                    }
                }
                default -> throw new UsageException("unknown option '" + a + "'");
            }
        }
        if (capture != null && !java.nio.file.Files.isRegularFile(capture)) {
            throw new UsageException("--capture " + capture + " is not a readable file");
        }
        if (out != null && java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new UsageException("--out " + out + " exists and is not a directory");
        }
        return new DemoOptions(out, live, capture, pps, timeout, child, help);
    }

    private static int intArg(String name, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new UsageException(name + " must be between " + min + " and " + max + " (got " + n + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number (got '" + v + "')");
        }
    }
}
