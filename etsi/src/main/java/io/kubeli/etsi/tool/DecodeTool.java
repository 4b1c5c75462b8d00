package io.kubeli.etsi.tool;

import io.kubeli.cli.Cli;
import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.PduJson;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.etsi.PsPduDecoder;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kubeli decode [--check] [FILE|-]}: concatenated PS-PDUs to one JSON object per line. */
public final class DecodeTool {
    /** The command line as declared (picocli). */
    @Command(
            name = "kubeli decode",
            customSynopsis = "./kubeli decode [--check] [FILE|-]",
            description = {
                "",
                "Decodes concatenated ETSI TS 102 232 PS-PDUs (BER, as sent over HI2/HI3) from FILE or stdin (-)",
                "and prints one JSON object per PDU on stdout (OIDs dotted, octet strings hex, ENUMERATED as",
                "names, times ISO-8601 UTC). Malformed input is reported on stderr with its byte offset and",
                "rule; the exit code is then 1.",
                ""
            },
            optionListHeading = "Options:%n",
            footer = {"", "Exit status: 0 every PDU decoded, 1 malformed input, 2 usage or I/O error."})
    static final class Options {
        @Option(names = "--check", description = "print no JSON; only errors and a last line \"N pdus ok, M errors\"")
        boolean check;

        @Parameters(arity = "0..1", paramLabel = "FILE|-", description = "input file, or - for stdin [default: stdin]")
        String file;
    }

    private DecodeTool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs the tool; returns the exit code (0 ok, 1 malformed input, 2 usage or I/O error). */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        Options o = new Options();
        Integer done = Cli.parseOrExit(o, args, out, err);
        if (done != null) {
            return done; // --help or a bad option (one line)
        }
        String file = o.file;
        final boolean checkOnly = o.check;
        PsPduDecoder decoder = PsPduDecoder.DEFAULT;
        long[] counts = new long[2]; // ok, errors
        PduStreamSplitter splitter = new PduStreamSplitter(DecodeLimits.DEFAULT, (b, off, len, so) -> {
            try {
                String json = PduJson.toJson(decoder.decode(b, off, len));
                counts[0]++;
                if (!checkOnly) out.println(json);
            } catch (MalformedPduException e) {
                counts[1]++;
                report(err, e.rebase(so));
            }
        });
        try (InputStream in = file == null || file.equals("-") ? stdin : new FileInputStream(file)) {
            byte[] chunk = new byte[65536];
            int n;
            while ((n = in.read(chunk)) > 0) {
                try {
                    splitter.feed(chunk, 0, n);
                } catch (MalformedPduException e) {
                    counts[1]++;
                    report(err, e);
                    resync(splitter, err, counts);
                }
            }
            try {
                splitter.finish();
            } catch (MalformedPduException e) {
                counts[1]++;
                report(err, e);
            }
        } catch (IOException e) {
            err.println("kubeli decode: " + e.getMessage());
            return 2;
        }
        if (checkOnly) out.println(counts[0] + " pdus ok, " + counts[1] + " errors");
        out.flush();
        return counts[1] > 0 ? 1 : 0;
    }

    private static void resync(PduStreamSplitter splitter, PrintStream err, long[] counts) {
        while (true) {
            try {
                splitter.resync();
                return;
            } catch (MalformedPduException e) {
                counts[1]++;
                report(err, e);
            }
        }
    }

    private static void report(PrintStream err, MalformedPduException e) {
        err.println("kubeli decode: " + e.getMessage());
    }
}
