package io.kubeli.bench;

import io.kubeli.cli.Cli;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import io.kubeli.mediator.lea.Summary;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The agency of the end-to-end benchmark: the project's {@link LeaReceiver} in its own process, plus the times of
 * the first CC record and the last record (polled by {@link BenchAgency}), which the summary does not carry.
 *
 * <p>Protocol on stdin/stdout: {@link BenchAgency}.
 */
public final class BenchLea extends BenchAgency {
    private final LeaReceiver receiver;

    private BenchLea(LeaReceiver receiver) {
        this.receiver = receiver;
    }

    /** The command line as declared (picocli). */
    @Command(
            name = "bench-lea",
            description = {"", "The end-to-end benchmark's agency (driven over stdin/stdout by bench/run).", ""},
            optionListHeading = "Options:%n")
    static final class Options {
        @Option(
                names = "--tls-dir",
                paramLabel = "DIR",
                description = "serve TLS with DIR/tls.crt + DIR/tls.key [default: plain]")
        String tlsDir;
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        Integer exit = Cli.parseOrExit(o, args, System.out, System.err);
        if (exit != null) {
            System.exit(exit);
            return;
        }
        LeaOptions opts = LeaOptions.defaults();
        if (o.tlsDir != null) opts = opts.withTlsDir(Path.of(o.tlsDir));
        LeaReceiver r = new LeaReceiver(opts);
        r.start();
        new BenchLea(r).serve(r.hi2Port(), r.hi3Port());
        r.stop();
    }

    @Override
    long received() {
        Summary s = receiver.summary();
        return s.hi2Records() + s.hi3Records();
    }

    @Override
    long ccReceived() {
        return receiver.summary().hi3Records();
    }

    @Override
    long unique() {
        return receiver.summary().uniqueRecords();
    }

    @Override
    String resultFields() {
        Summary s = receiver.summary();
        long ccUnique = 0, iriUnique = 0, ccStreams = 0;
        for (Summary.Stream st : s.streams()) {
            if (st.stream().equals("CC")) {
                ccUnique += st.unique();
                ccStreams++;
            } else {
                iriUnique += st.unique();
            }
        }
        return "cc=" + ccUnique + " iri=" + iriUnique + " ccStreams=" + ccStreams + " received="
                + (s.hi2Records() + s.hi3Records())
                + " duplicates=" + s.duplicates() + " missing=" + s.missing() + " connections=" + s.connections()
                + " malformed=" + s.malformedConnections();
    }
}
