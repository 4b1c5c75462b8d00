package io.kubeli.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test veth pair: capture end {@code kcolXXXX} (198.18.2.1/24) in the root namespace, sender end in namespace
 * {@code kcol-XXXX} (198.18.2.2/24), IPv6 disabled so the kernel adds no traffic. {@link #close} removes both.
 */
final class Veth implements AutoCloseable {
    final String ns;
    final String captureIf;
    final String senderIf;

    private Veth(String suffix) {
        ns = "kcol-" + suffix;
        captureIf = "kcol" + suffix;
        senderIf = "kcos" + suffix;
    }

    /** Null (reason in why[0]) where namespaces cannot be created. */
    static Veth tryCreate(String[] why) {
        if (!"root".equals(System.getProperty("user.name"))) {
            why[0] = "live collector tests need root (network namespaces, veth, AF_PACKET)";
            return null;
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            why[0] = "the 'ip' command (iproute2) is not installed";
            return null;
        }
        if (!Files.isExecutable(Path.of("/usr/bin/tcpreplay"))) {
            why[0] = "tcpreplay is not installed";
            return null;
        }
        Veth v = new Veth(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2));
        try {
            v.run("ip", "netns", "add", v.ns);
            v.run("ip", "link", "add", v.captureIf, "type", "veth", "peer", "name", v.senderIf);
            v.run("ip", "link", "set", v.senderIf, "netns", v.ns);
            v.run("sysctl", "-q", "-w", "net.ipv6.conf." + v.captureIf + ".disable_ipv6=1");
            v.run("ip", "netns", "exec", v.ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            v.run("ip", "addr", "add", "198.18.2.1/24", "dev", v.captureIf);
            v.run("ip", "netns", "exec", v.ns, "ip", "addr", "add", "198.18.2.2/24", "dev", v.senderIf);
            v.run("ip", "link", "set", v.captureIf, "up");
            v.run("ip", "netns", "exec", v.ns, "ip", "link", "set", v.senderIf, "up");
            return v;
        } catch (IOException | RuntimeException e) {
            v.close();
            why[0] = "cannot create a network namespace and veth pair: " + e.getMessage();
            return null;
        }
    }

    /** Sends {@code pcap} from the sender end at {@code pps} (bounded by the 60 s command limit). */
    void replay(Path pcap, int pps) throws IOException {
        run("ip", "netns", "exec", ns, "tcpreplay", "-q", "-i", senderIf, "--pps=" + pps, pcap.toString());
    }

    String run(String... cmd) throws IOException {
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
