package io.kubeli.capture.bypass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A veth pair for live tests: capture end {@code kbyp-XXXXXXc} (198.18.4.1/24) in the root namespace, sender
 * end {@code kbyp-XXXXXXs} (198.18.4.2/24) in namespace {@code kbyp-XXXXXX}; IPv6 off so the kernel adds no
 * traffic. {@link #close} removes everything.
 */
public final class BypassVeth implements AutoCloseable {
    public final String ns;
    public final String captureIf;
    public final String senderIf;

    private BypassVeth(String suffix) {
        ns = "kbyp-" + suffix;
        captureIf = ns + "c";
        senderIf = ns + "s";
    }

    /** Null (reason in {@code why[0]}) when root, iproute2 or tcpreplay are missing or namespaces fail. */
    public static BypassVeth tryCreate(String[] why) {
        if (!"root".equals(System.getProperty("user.name"))) {
            why[0] = "live bypass tests need root (network namespaces, veth, XDP, DPDK vdevs)";
            return null;
        }
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/bin/tcpreplay"}) {
            if (!Files.isExecutable(Path.of(tool)) && !Files.isExecutable(Path.of(tool.replace("/usr", "")))) {
                why[0] = tool + " is not installed";
                return null;
            }
        }
        BypassVeth v = new BypassVeth(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2));
        try {
            v.run("ip", "netns", "add", v.ns);
            v.run("ip", "link", "add", v.captureIf, "type", "veth", "peer", "name", v.senderIf);
            v.run("ip", "link", "set", v.senderIf, "netns", v.ns);
            v.run("sysctl", "-q", "-w", "net.ipv6.conf." + v.captureIf + ".disable_ipv6=1");
            v.run("ip", "netns", "exec", v.ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            v.run("ip", "addr", "add", "198.18.4.1/24", "dev", v.captureIf);
            v.run("ip", "netns", "exec", v.ns, "ip", "addr", "add", "198.18.4.2/24", "dev", v.senderIf);
            v.run("ip", "link", "set", v.captureIf, "up");
            v.run("ip", "netns", "exec", v.ns, "ip", "link", "set", v.senderIf, "up");
            return v;
        } catch (IOException | RuntimeException e) {
            v.close();
            why[0] = "cannot create a network namespace and veth pair: " + e.getMessage();
            return null;
        }
    }

    /** Replays {@code pcap} from the sender end at {@code pps} packets/s (bounded by the 60 s command limit). */
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
        for (String[] c : new String[][] {{"ip", "link", "del", captureIf}, {"ip", "netns", "del", ns}}) {
            try {
                run(c);
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
