package io.kubeli.system.demo;

import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.PduStreamSplitter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** The short human summary of a demo run: counts and names only (never a target identity). */
final class DemoReport {
    private DemoReport() {}

    /**
     * Prints the summary.
     *
     * @param source how packets got to the collector, one line
     * @param outDir the output directory
     * @param out the output directory as the user should type it
     * @param defaultOut true when the user did not choose the directory
     */
    static void print(
            PrintStream p, DemoResult r, String source, Path outDir, String out, boolean defaultOut, Duration took) {
        DemoResources res = r.resources();
        p.println("KubeLI demo: collector -> mediator -> agency, with the resources of deploy/examples");
        p.println("  Agency " + res.agency() + ", Mediator " + res.mediator() + ", Collector " + res.collector()
                + ", Intercept " + res.intercept() + " (LIID " + res.liid() + ")");
        p.println("  source: " + source);
        p.println("  link: collector -> mediator over mutual TLS 1.3; mediator -> agency HI2/HI3 on 127.0.0.1");
        p.println();
        p.printf(
                Locale.ROOT,
                "  packets read     %7d  (%s%d bytes; lost %d, malformed %d)%n",
                r.packets(),
                r.sent() >= 0 ? "of " + r.sent() + " sent, " : "",
                r.bytes(),
                r.lost(),
                r.malformed());
        if (r.sent() >= 0 && r.packets() >= r.sent() && r.interfaceDrops() > 0) {
            p.printf(
                    Locale.ROOT,
                    "                            (the veth's rx_dropped rose by %d after capture: frames no protocol"
                            + " takes, e.g. QinQ)%n",
                    r.interfaceDrops());
        }
        p.printf(
                Locale.ROOT,
                "  target packets   %7d  (matched the Intercept's targets inside its window%s)%n",
                r.matched(),
                r.outOfWindow() > 0 ? "; " + r.outOfWindow() + " outside it, not delivered" : "");
        p.println("  delivered to agency " + res.agency() + ":");
        p.printf(
                Locale.ROOT,
                "    %-12s %-8s %5s %8s %11s  %s%n",
                "LIID",
                "stream",
                "CINs",
                "records",
                "duplicates",
                "sequence gaps");
        for (DemoResult.Row row : r.rows()) {
            String stream =
                    row.stream().equals("CC") ? "HI3 CC" : row.stream().equals("IRI") ? "HI2 IRI" : row.stream();
            p.printf(
                    Locale.ROOT,
                    "    %-12s %-8s %5d %8d %11d  %s%n",
                    row.liid(),
                    stream,
                    row.cins(),
                    row.received(),
                    row.duplicates(),
                    gaps(row));
        }
        p.printf(Locale.ROOT, "  time             %7.1f s%n", took.toMillis() / 1000.0);
        p.println();
        p.println(
                "Output in " + out + (defaultOut ? " (replaced by the next run; --out DIR keeps it elsewhere):" : ":"));
        long iri = r.rows().stream()
                .filter(x -> x.stream().equals("IRI"))
                .mapToLong(x -> x.received() + x.duplicates())
                .sum();
        long cc = r.rows().stream()
                .filter(x -> x.stream().equals("CC"))
                .mapToLong(x -> x.received() + x.duplicates())
                .sum();
        p.println("  hi2.ber        HI2 byte stream exactly as the agency received it ("
                + contents(outDir.resolve("hi2.ber"), iri, "IRI") + ")");
        p.println("  hi3.ber        HI3 byte stream exactly as the agency received it ("
                + contents(outDir.resolve("hi3.ber"), cc, "CC") + ")");
        p.println("  records.json   every PDU decoded, one JSON object per line");
        p.println("  cc.pcap        the intercepted IP packets (CC payloads), for Wireshark");
        p.println("  summary.json   per LIID/CIN/stream: records, duplicates, gaps");
        p.println("Decode a stream yourself: ./kubeli decode " + out + (out.endsWith("/") ? "" : "/") + "hi3.ber");
    }

    /**
     * "446 CC records + 1 keep-alive": the raw stream also holds the mediator's keep-alives and, on HI2, its HI1
     * notifications (hI1-Operation payloads, e.g. the Intercept's activation).
     */
    private static String contents(Path file, long records, String kind) {
        long[] keepAlives = {0};
        long[] notifications = {0};
        try {
            PduStreamSplitter s = new PduStreamSplitter((b, off, len, at) -> {
                try {
                    var sum = io.kubeli.etsi.PduInspector.inspect(b, off, len);
                    if (sum.isKeepAlive()) {
                        keepAlives[0]++;
                    } else if (sum.kind() == io.kubeli.etsi.PduInspector.PayloadKind.HI1_OPERATION) {
                        notifications[0]++;
                    }
                } catch (MalformedPduException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            s.feed(Files.readAllBytes(file));
            s.finish();
        } catch (IOException | MalformedPduException | IllegalStateException e) {
            return records + " " + kind + " records; the file does not split into PS-PDUs: " + e.getMessage();
        }
        return records + " " + kind + " records" + count(notifications[0], "HI1 notification")
                + count(keepAlives[0], "keep-alive");
    }

    private static String count(long n, String what) {
        return n == 0 ? "" : " + " + n + " " + what + (n == 1 ? "" : "s");
    }

    private static String gaps(DemoResult.Row row) {
        if (row.missing() == 0 && row.received() >= row.expected()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        if (row.missing() > 0) {
            sb.append(row.missing()).append(" missing");
            int shown = 0;
            for (long[] g : row.gaps()) {
                sb.append(shown == 0 ? " (" : ", ").append(g[0] == g[1] ? "" + g[0] : g[0] + "-" + g[1]);
                if (++shown == 5) {
                    break;
                }
            }
            sb.append(shown > 0 ? ")" : "");
        }
        if (row.received() < row.expected()) {
            sb.append(sb.isEmpty() ? "" : "; ")
                    .append(row.expected() - row.received())
                    .append(" not received");
        }
        return sb.toString();
    }

    /** The directory as the user would type it: relative to the working directory when inside it. */
    static String display(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        if (abs.startsWith(cwd) && !abs.equals(cwd)) {
            return cwd.relativize(abs).toString();
        }
        return Files.isDirectory(abs) ? abs.toString() : dir.toString();
    }
}
