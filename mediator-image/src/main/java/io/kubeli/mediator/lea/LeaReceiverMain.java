package io.kubeli.mediator.lea;

import io.kubeli.cli.Cli;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./kubeli lea-receiver}: command-line front of {@link LeaReceiver}. */
public final class LeaReceiverMain {
    /** The command line as declared (picocli). */
    @Command(
            name = "kubeli lea-receiver",
            customSynopsis = "./kubeli lea-receiver --hi2 PORT --hi3 PORT [options]",
            description = {
                "",
                "A test law-enforcement agency (LEMF): accepts ETSI TS 102 232 HI2 (IRI) and HI3 (CC) handover",
                "connections, answers keep-alives and reports per LIID/CIN/stream the records received and",
                "any sequence gaps or duplicates (periodically and on SIGTERM/Ctrl-C).",
                ""
            },
            optionListHeading = "Options:%n",
            footer = {
                "",
                "Options --no-keepalive-response, --read-delay-ms and --drop-after misbehave on purpose, for tests."
            })
    static final class Options {
        @Option(names = "--hi2", paramLabel = "PORT", description = "HI2 listen port (0 = ephemeral) [required]")
        Integer hi2;

        @Option(names = "--hi3", paramLabel = "PORT", description = "HI3 listen port (0 = ephemeral) [required]")
        Integer hi3;

        @Option(
                names = "--tls-dir",
                paramLabel = "DIR",
                description = "serve TLS with DIR/tls.crt + DIR/tls.key (PKCS#8 PEM)")
        String tlsDir;

        @Option(
                names = "--record",
                paramLabel = "DIR",
                description = "append the byte streams as received to DIR/hi2.ber,"
                        + " DIR/hi3.ber (whole PDUs; a PDU cut off by a disconnect is counted, not written)")
        String record;

        @Option(names = "--json", description = "print one JSON object per PDU on stdout")
        boolean json;

        @Option(
                names = "--pcap",
                paramLabel = "FILE",
                description = "write IPCC/IPMMCC payloads to FILE (pcap, LINKTYPE_RAW," + " record timestamps)")
        String pcap;

        @Option(
                names = "--summary-file",
                paramLabel = "F",
                description = "write the summary as JSON to F (periodically and at exit)")
        String summaryFile;

        @Option(
                names = "--summary-interval",
                paramLabel = "S",
                description = "seconds between summaries (1..86400) [default: 10]")
        int summaryInterval = 10;

        @Option(names = "--no-keepalive-response", description = "never answer keep-alives (test)")
        boolean noKeepaliveResponse;

        @Option(
                names = "--read-delay-ms",
                paramLabel = "N",
                description = "sleep N ms after every read of at most 1 KiB (a" + " slow agency; test) [default: 0]")
        int readDelayMs;

        @Option(
                names = "--drop-after",
                paramLabel = "N",
                description = "drop the connection once after N records on an HI" + " (test) [default: 0 = never]")
        long dropAfter;
    }

    private static final String COMMAND = "kubeli lea-receiver";

    private LeaReceiverMain() {}

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        Integer exit = Cli.parseOrExit(o, args, System.out, System.err);
        if (exit != null) {
            System.exit(exit); // --help (nothing started) or a bad option (one line)
            return;
        }
        LeaOptions opts;
        try {
            opts = options(o);
        } catch (IllegalArgumentException e) {
            System.exit(Cli.fail(System.err, COMMAND, e.getMessage()));
            return;
        }
        LeaReceiver r = new LeaReceiver(opts);
        try {
            r.start();
        } catch (java.io.IOException e) {
            System.err.println("lea-receiver: cannot start: " + e.getMessage());
            System.exit(2);
        }
        System.err.println("lea-receiver: listening hi2=" + r.hi2Port() + " hi3=" + r.hi3Port()
                + (opts.tlsDir() != null ? " (TLS)" : ""));
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            r.stop();
                            System.err.println(r.summary().oneLine());
                            System.err.print(r.summary().toJson());
                            done.countDown();
                        },
                        "lea-shutdown"));
        done.await();
    }

    /** Parses the command line; returns null for --help. */
    static LeaOptions parse(String[] args) {
        Options o = new Options();
        return Cli.parse(o, args, new java.io.PrintStream(java.io.OutputStream.nullOutputStream())) ? options(o) : null;
    }

    private static LeaOptions options(Options o) {
        if (o.hi2 == null || o.hi3 == null) throw new Cli.UsageException("--hi2 and --hi3 are required");
        Cli.range("--hi2", o.hi2, 0, 65535);
        Cli.range("--hi3", o.hi3, 0, 65535);
        Path tls = path(o.tlsDir);
        if (tls != null && !java.nio.file.Files.isDirectory(tls))
            throw new Cli.UsageException("--tls-dir " + tls + " is not a directory");
        return new LeaOptions(
                o.hi2,
                o.hi3,
                tls,
                path(o.record),
                o.json,
                path(o.pcap),
                !o.noKeepaliveResponse,
                Cli.range("--read-delay-ms", o.readDelayMs, 0, 60_000),
                Cli.range("--drop-after", o.dropAfter, 0, Long.MAX_VALUE),
                path(o.summaryFile),
                Cli.range("--summary-interval", o.summaryInterval, 1, 86_400));
    }

    private static Path path(String p) {
        return p == null ? null : Path.of(p);
    }
}
