package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureException;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Privileged init step for {@code xdp:IFACE} with {@code attach=auto|external}: detaches a stale KubeLI program,
 * attaches libxdp's AF_XDP program and pins its xsks_map (default /sys/fs/bpf/kubeli/xsks_map_IFACE), then
 * exits, so the capture container needs only NET_RAW. {@code --detach} removes both. The collector image runs
 * it as {@code collector xdp-attach --iface IF --mode native|skb --queues N} (the operator's init container).
 */
public final class XdpAttach {
    /** Entries of libxdp's xsks_map: queue ids above this cannot be redirected. */
    static final int MAX_QUEUES = 64;
    static final String USAGE = "usage: xdp-attach --iface IFACE [--mode native|skb|auto] [--queues N] [--pin DIR]"
            + " [--detach]   (IFACE may also be given alone)";

    private XdpAttach() {
    }

    public static void main(String[] args) {
        System.exit(cli(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code (0 ok, 1 failure, 2 usage). */
    public static int cli(String[] args, PrintStream out, PrintStream err) {
        String iface = null;
        String mode = "auto";
        String pinDir = XdpProgram.DEFAULT_PIN_DIR;
        int queues = 1;
        boolean detach = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    v = a.substring(eq + 1);
                    a = a.substring(0, eq);
                }
                switch (a) {
                    case "--iface" -> iface = v != null ? v : value(args, ++i, a);
                    case "--mode" -> mode = v != null ? v : value(args, ++i, a);
                    case "--pin" -> pinDir = v != null ? v : value(args, ++i, a);
                    case "--queues" -> queues = queues(v != null ? v : value(args, ++i, a));
                    case "--detach" -> detach = true;
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("-") || iface != null) {
                            throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                        }
                        iface = a;
                    }
                }
            }
            if (iface == null || !iface.matches("[A-Za-z0-9_.:@-]{1,15}")) {
                throw new IllegalArgumentException(iface == null ? "--iface is required" : "'" + iface
                        + "' is not an interface name");
            }
            if (!mode.matches("native|skb|auto")) {
                throw new IllegalArgumentException("--mode must be native, skb or auto (got '" + mode + "')");
            }
        } catch (IllegalArgumentException e) {
            err.println("xdp-attach: " + e.getMessage());
            err.println(USAGE);
            return 2;
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
            return had ? "detached " + XdpProgram.PROG_NAME + " from " + iface + ", removed " + pin
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
            return (int) s.filter(p -> p.getFileName().toString().startsWith("rx-")).count();
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int queues(String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1 || n > MAX_QUEUES) {
                throw new IllegalArgumentException("--queues must be between 1 and " + MAX_QUEUES + " (got " + n + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--queues must be a number (got '" + v + "')");
        }
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }
}
