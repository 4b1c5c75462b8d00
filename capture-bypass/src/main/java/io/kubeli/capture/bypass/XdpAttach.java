package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureException;

import java.nio.file.Path;

/**
 * Privileged init step for {@code xdp:IFACE?attach=external}: attaches libxdp's AF_XDP program to an
 * interface and pins its xsks_map (default /sys/fs/bpf/kubeli/xsks_map_IFACE), then exits, so the capture
 * container needs only NET_RAW. {@code --detach} removes both.
 * Usage: {@code XdpAttach IFACE [--mode native|skb|auto] [--pin DIR] [--detach]}.
 */
public final class XdpAttach {
    private XdpAttach() {
    }

    public static void main(String[] args) {
        String iface = null;
        String mode = "auto";
        String pinDir = XdpProgram.DEFAULT_PIN_DIR;
        boolean detach = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = value(args, ++i);
                case "--pin" -> pinDir = value(args, ++i);
                case "--detach" -> detach = true;
                case "-h", "--help" -> usage(0);
                default -> {
                    if (args[i].startsWith("-") || iface != null) {
                        usage(2);
                    }
                    iface = args[i];
                }
            }
        }
        if (iface == null || !mode.matches("native|skb|auto")) {
            usage(2);
        }
        try {
            System.out.println(run(iface, mode, pinDir, detach));
        } catch (CaptureException e) {
            System.err.println("XdpAttach: " + e.getMessage());
            System.exit(1);
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

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(2);
        }
        return args[i];
    }

    private static void usage(int rc) {
        System.err.println("usage: XdpAttach IFACE [--mode native|skb|auto] [--pin DIR] [--detach]");
        System.exit(rc);
    }
}
