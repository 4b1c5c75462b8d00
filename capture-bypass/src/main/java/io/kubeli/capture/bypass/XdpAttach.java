package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureException;
import io.kubeli.cli.Cli;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Privileged init step for {@code xdp:IFACE} with {@code attach=auto|external}: detaches a stale KubeLI program,
 * attaches libxdp's AF_XDP program and pins its xsks_map (default /sys/fs/bpf/kubeli/xsks_map_IFACE), then
 * exits, so the capture container needs only NET_RAW. {@code --detach} removes both. The collector image runs
 * it as {@code collector xdp-attach --iface IF --mode native|skb --queues N} (the operator's init container).
 */
public final class XdpAttach {
    /** Entries of libxdp's xsks_map: queue ids above this cannot be redirected. */
    static final int MAX_QUEUES = 64;

    private static final String COMMAND = "xdp-attach";

    /** The command line as declared (picocli). */
    @Command(
            name = COMMAND,
            customSynopsis = "collector xdp-attach --iface IFACE [--mode native|skb|auto] [--queues N]"
                    + " [--pin DIR] [--detach]   (IFACE may also be given alone)",
            description = {
                "",
                "Privileged init step for xdp: sources: attaches libxdp's AF_XDP program to IFACE and pins its",
                "xsks_map, then exits (--detach removes both).",
                ""
            },
            optionListHeading = "Options:%n",
            footer = {"", "Exit status: 0 ok, 1 failure, 2 usage."})
    static final class Options {
        @Option(names = "--iface", paramLabel = "IFACE", description = "the capture interface [required]")
        String iface;

        @Option(names = "--mode", paramLabel = "native|skb|auto", description = "XDP attach mode [default: auto]")
        String mode = "auto";

        @Option(
                names = "--queues",
                paramLabel = "N",
                description = "RX queues the capture uses (1.." + MAX_QUEUES + ")" + " [default: 1]")
        int queues = 1;

        @Option(
                names = "--pin",
                paramLabel = "DIR",
                description = "bpffs directory of the pinned map [default: " + XdpProgram.DEFAULT_PIN_DIR + "]")
        String pinDir = XdpProgram.DEFAULT_PIN_DIR;

        @Option(names = "--detach", description = "detach the program and remove the pinned map")
        boolean detach;

        @Parameters(arity = "0..1", paramLabel = "IFACE", description = "the interface, instead of --iface")
        String positional;
    }

    private XdpAttach() {}

    public static void main(String[] args) {
        System.exit(cli(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code (0 ok, 1 failure, 2 usage). */
    public static int cli(String[] args, PrintStream out, PrintStream err) {
        Options o = new Options();
        Integer done = Cli.parseOrExit(o, args, out, err);
        if (done != null) {
            return done; // --help or a bad option (one line)
        }
        String iface = o.iface != null ? o.iface : o.positional;
        String mode = o.mode;
        String pinDir = o.pinDir;
        int queues = o.queues;
        boolean detach = o.detach;
        try {
            if (o.iface != null && o.positional != null) {
                throw new IllegalArgumentException("unexpected argument '" + o.positional + "'");
            }
            Cli.range("--queues", queues, 1, MAX_QUEUES);
            if (iface == null || !iface.matches("[A-Za-z0-9_.:@-]{1,15}")) {
                throw new IllegalArgumentException(
                        iface == null ? "--iface is required" : "'" + iface + "' is not an interface name");
            }
            if (!mode.matches("native|skb|auto")) {
                throw new IllegalArgumentException("--mode must be native, skb or auto (got '" + mode + "')");
            }
        } catch (IllegalArgumentException e) {
            return Cli.fail(err, COMMAND, e.getMessage());
        }
        try {
            int rx = rxQueues(iface);
            if (!detach && rx > 0 && queues > rx) {
                // fail in the init container rather than later in the capture container
                err.println("xdp-attach: " + iface + " has " + rx + " RX queue(s), " + queues + " requested");
                return 1;
            }
            out.println(run(iface, mode, pinDir, detach) + (detach ? "" : " for " + queues + " queue(s)"));
            return 0;
        } catch (RuntimeException e) {
            // CaptureException, or libxdp/libbpf missing: one clear line, exit 1
            err.println("xdp-attach: " + e.getMessage());
            return 1;
        }
    }

    /** Attaches (or detaches) and returns a one-line summary. */
    static String run(String iface, String mode, String pinDir, boolean detach) {
        Path pin = XdpProgram.pinPath(pinDir, iface);
        if (detach) {
            boolean had = XdpProgram.detach(iface, pin);
            return had
                    ? "detached " + XdpProgram.PROG_NAME + " from " + iface + ", removed " + pin
                    : "no KubeLI XDP program on " + iface + "; removed " + pin + " if present";
        }
        // attach() detaches a stale program of ours first (a previous pod on this node)
        XdpProgram p = XdpProgram.attach(iface, mode);
        try {
            p.pinMap(pin);
        } catch (CaptureException e) {
            p.close();
            throw e;
        }
        // leave the program attached: closing our fds does not detach an XDP program attached by netlink
        String m = p.mode();
        return "attached " + XdpProgram.PROG_NAME + " to " + iface + " (" + m + " mode), xsks_map pinned at " + pin;
    }

    /** RX queues of an interface from sysfs, or -1 when unknown. */
    static int rxQueues(String iface) {
        try (var s = java.nio.file.Files.list(Path.of("/sys/class/net", iface, "queues"))) {
            return (int)
                    s.filter(p -> p.getFileName().toString().startsWith("rx-")).count();
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}
