package io.kubeli.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A veth pair for live tests: the capture end {@code PREFIXxxxxxx} (198.18.N.1/24) stays in the root
 * namespace, the sender end (kcps/kcls/kbps + xxxxxx) sits in namespace {@code PREFIX-xxxxxx}
 * (198.18.N.2/24); by default PREFIX = kcap, N = 1 (collector: kcol/2, bypass: kbyp/4). IPv6 is disabled
 * on both ends so the kernel adds no traffic of its own. {@link #close} removes everything.
 */
public final class VethPair implements AutoCloseable {
    public final String ns;
    public final String captureIf;
    public final String senderIf;
    /** Address of the capture end (198.18.N.1). */
    public final String captureAddr;
    /** Address of the sender end (198.18.N.2). */
    public final String senderAddr;

    private VethPair(String prefix, int subnet, String suffix) {
        ns = prefix + "-" + suffix;
        captureIf = prefix + suffix;
        senderIf = prefix.substring(0, 2) + prefix.charAt(3) + "s" + suffix; // kcap -> kcps
        captureAddr = "198.18." + subnet + ".1";
        senderAddr = "198.18." + subnet + ".2";
    }

    /** Null (with the reason in {@code why[0]}) when namespaces cannot be created here. */
    public static VethPair tryCreate(String[] why) {
        return create(why, "kcap", 1, false);
    }

    /**
     * A pair named after {@code prefix} (4 letters starting with k, see .ci/run's namespace clean-up) on
     * 198.18.{@code subnet}.0/24; null (reason in {@code why[0]}) without root, iproute2, tcpreplay or namespaces.
     */
    public static VethPair tryCreate(String[] why, String prefix, int subnet) {
        return create(why, prefix, subnet, true);
    }

    private static VethPair create(String[] why, String prefix, int subnet, boolean needTcpreplay) {
        if (!prefix.matches("k[a-z]{3}") || subnet < 0 || subnet > 255) {
            throw new IllegalArgumentException("prefix must be k + 3 letters, subnet 0..255");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            why[0] = "live capture tests need root (network namespaces, veth, AF_PACKET)";
            return null;
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            why[0] = "the 'ip' command (iproute2) is not installed";
            return null;
        }
        if (needTcpreplay
                && !Files.isExecutable(Path.of("/usr/bin/tcpreplay"))
                && !Files.isExecutable(Path.of("/bin/tcpreplay"))) {
            why[0] = "tcpreplay is not installed";
            return null;
        }
        VethPair v = new VethPair(
                prefix,
                subnet,
                HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextInt())
                        .substring(2));
        try {
            v.run("ip", "netns", "add", v.ns);
            v.run("ip", "link", "add", v.captureIf, "type", "veth", "peer", "name", v.senderIf);
            v.run("ip", "link", "set", v.senderIf, "netns", v.ns);
            v.run("sysctl", "-q", "-w", "net.ipv6.conf." + v.captureIf + ".disable_ipv6=1");
            v.run("ip", "netns", "exec", v.ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            v.run("ip", "addr", "add", v.captureAddr + "/24", "dev", v.captureIf);
            v.run("ip", "netns", "exec", v.ns, "ip", "addr", "add", v.senderAddr + "/24", "dev", v.senderIf);
            v.run("ip", "link", "set", v.captureIf, "up");
            v.run("ip", "netns", "exec", v.ns, "ip", "link", "set", v.senderIf, "up");
            v.run("ip", "netns", "exec", v.ns, "ip", "link", "set", "lo", "up");
            return v;
        } catch (IOException | RuntimeException e) {
            v.close();
            why[0] = "cannot create a network namespace and veth pair: " + e.getMessage();
            return null;
        }
    }

    /** Replays {@code pcap} from the sender end at {@code pps} packets/s (bounded: 60 s). */
    public void replay(Path pcap, int pps) throws IOException {
        run("ip", "netns", "exec", ns, "tcpreplay", "-q", "-i", senderIf, "--pps=" + pps, pcap.toString());
    }

    /** Runs a command with a 60 s bound; throws with its output when it fails. */
    public String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.trim());
        }
        return out;
    }

    @Override
    public void close() {
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"ip", "link", "del", captureIf});
        cmds.add(new String[] {"ip", "netns", "del", ns});
        for (String[] c : cmds) {
            try {
                run(c);
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
