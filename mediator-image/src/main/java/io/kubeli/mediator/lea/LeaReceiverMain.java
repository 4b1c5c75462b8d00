package io.kubeli.mediator.lea;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code ./kubeli lea-receiver}: command-line front of {@link LeaReceiver}. */
public final class LeaReceiverMain {
    private static final String USAGE = """
            Usage: ./kubeli lea-receiver --hi2 PORT --hi3 PORT [options]

            A test law-enforcement agency (LEMF): accepts ETSI TS 102 232 HI2 (IRI) and HI3 (CC) handover
            connections, answers keep-alives and reports per LIID/CIN/stream the records received and
            any sequence gaps or duplicates (periodically and on SIGTERM/Ctrl-C).

              --hi2 PORT               HI2 listen port (0 = ephemeral)            [required]
              --hi3 PORT               HI3 listen port (0 = ephemeral)            [required]
              --tls-dir DIR            serve TLS with DIR/tls.crt + DIR/tls.key (PKCS#8 PEM)
              --record DIR             append the byte streams as received to DIR/hi2.ber, DIR/hi3.ber
                                       (whole PDUs; a PDU cut off by a disconnect is counted, not written)
              --json                   print one JSON object per PDU on stdout
              --pcap FILE              write IPCC/IPMMCC payloads to FILE (pcap, LINKTYPE_RAW, record timestamps)
              --summary-file F         write the summary as JSON to F (periodically and at exit)
              --summary-interval S     seconds between summaries (default 10)
            Misbehaviour, for tests:
              --no-keepalive-response  never answer keep-alives
              --read-delay-ms N        sleep N ms after every read of at most 1 KiB (a slow agency)
              --drop-after N           drop the connection once after N records on an HI
              --help                   this text
            """;

    private LeaReceiverMain() {}

    public static void main(String[] args) throws Exception {
        LeaOptions opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("lea-receiver: " + e.getMessage());
            System.err.println("Try './kubeli lea-receiver --help'.");
            System.exit(2);
            return;
        }
        if (opts == null) {
            System.out.print(USAGE);
            return;
        }
        LeaReceiver r = new LeaReceiver(opts);
        try {
            r.start();
        } catch (java.io.IOException e) {
            System.err.println("lea-receiver: cannot start: " + e.getMessage());
            System.exit(2);
        }
        System.err.println("lea-receiver: listening hi2=" + r.hi2Port() + " hi3=" + r.hi3Port() + (opts.tlsDir() != null ? " (TLS)" : ""));
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            r.stop();
            System.err.println(r.summary().oneLine());
            System.err.print(r.summary().toJson());
            done.countDown();
        }, "lea-shutdown"));
        done.await();
    }

    /** Parses the command line; returns null for --help. */
    static LeaOptions parse(String[] args) {
        Integer hi2 = null, hi3 = null;
        Path tls = null, record = null, pcap = null, summary = null;
        boolean json = false, kar = true;
        int delay = 0, interval = 10;
        long dropAfter = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> { return null; }
                case "--hi2" -> hi2 = intArg(args, ++i, a);
                case "--hi3" -> hi3 = intArg(args, ++i, a);
                case "--tls-dir" -> tls = Path.of(arg(args, ++i, a));
                case "--record" -> record = Path.of(arg(args, ++i, a));
                case "--pcap" -> pcap = Path.of(arg(args, ++i, a));
                case "--summary-file" -> summary = Path.of(arg(args, ++i, a));
                case "--summary-interval" -> interval = intArg(args, ++i, a);
                case "--json" -> json = true;
                case "--no-keepalive-response" -> kar = false;
                case "--read-delay-ms" -> delay = intArg(args, ++i, a);
                case "--drop-after" -> dropAfter = intArg(args, ++i, a);
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (hi2 == null || hi3 == null) throw new IllegalArgumentException("--hi2 and --hi3 are required");
        if (tls != null && !java.nio.file.Files.isDirectory(tls)) throw new IllegalArgumentException("--tls-dir " + tls + " is not a directory");
        return new LeaOptions(hi2, hi3, tls, record, json, pcap, kar, delay, dropAfter, summary, interval);
    }

    private static String arg(String[] args, int i, String opt) {
        if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
        return args[i];
    }

    private static int intArg(String[] args, int i, String opt) {
        String v = arg(args, i, opt);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a number, got '" + v + "'");
        }
    }
}
