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
 * A veth pair for live tests: the capture end {@code kcapXXXX} (198.18.1.1/24) stays in the root
 * namespace, the sender end sits in namespace {@code kcap-XXXX} (198.18.1.2/24). IPv6 is disabled on
 * both ends so the kernel adds no traffic of its own. {@link #close} removes everything.
 */
public final class VethPair implements AutoCloseable {
    public final String ns;
    public final String captureIf;
    public final String senderIf;

    private VethPair(String suffix) {
        ns = "kcap-" + suffix;
        captureIf = "kcap" + suffix;
        senderIf = "kcps" + suffix;
    }

    /** Null (with the reason in {@code why[0]}) when namespaces cannot be created here. */
    public static VethPair tryCreate(String[] why) {
        if (!"root".equals(System.getProperty("user.name"))) {
            why[0] = "live capture tests need root (network namespaces, veth, AF_PACKET)";
            return null;
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            why[0] = "the 'ip' command (iproute2) is not installed";
            return null;
        }
        VethPair v = new VethPair(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2));
        try {
            v.run("ip", "netns", "add", v.ns);
            v.run("ip", "link", "add", v.captureIf, "type", "veth", "peer", "name", v.senderIf);
            v.run("ip", "link", "set", v.senderIf, "netns", v.ns);
            v.run("sysctl", "-q", "-w", "net.ipv6.conf." + v.captureIf + ".disable_ipv6=1");
            v.run("ip", "netns", "exec", v.ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            v.run("ip", "addr", "add", "198.18.1.1/24", "dev", v.captureIf);
            v.run("ip", "netns", "exec", v.ns, "ip", "addr", "add", "198.18.1.2/24", "dev", v.senderIf);
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
