package io.kubeli.etsi.tool;

import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.PduJson;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.etsi.PsPduDecoder;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/** {@code kubeli decode [--check] [FILE|-]}: concatenated PS-PDUs to one JSON object per line. */
public final class DecodeTool {
    private static final String USAGE = """
            Usage: kubeli decode [--check] [FILE|-]
            Decodes concatenated ETSI TS 102 232 PS-PDUs (BER, as sent over HI2/HI3) from FILE or stdin (-)
            and prints one JSON object per PDU on stdout (OIDs dotted, octet strings hex, ENUMERATED as
            names, times ISO-8601 UTC). Malformed input is reported on stderr with its byte offset and
            rule; the exit code is then 1.
              --check   print no JSON; only errors and a last line "N pdus ok, M errors"
              --help    this text
            """;

    private DecodeTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs the tool; returns the exit code (0 ok, 1 malformed input, 2 usage or I/O error). */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        boolean check = false;
        String file = null;
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return 0;
            } else if (a.equals("--check")) {
                check = true;
            } else if (a.startsWith("--") || file != null) {
                err.println("kubeli decode: unexpected argument '" + a + "'");
                err.print(USAGE);
                return 2;
            } else {
                file = a;
            }
        }
        final boolean checkOnly = check;
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
