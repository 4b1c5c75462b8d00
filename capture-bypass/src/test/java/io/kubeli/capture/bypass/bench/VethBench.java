package io.kubeli.capture.bypass.bench;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.CaptureStats;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import io.kubeli.capture.bypass.BypassVeth;
import io.kubeli.capture.bypass.TestPackets;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test-scope benchmark (root): each source side by side on one veth pair while tcpreplay --topspeed sends
 * from the namespace for a bounded time; prints generator packets, packets into Java and drops by place,
 * and tcpdump -w /dev/null for comparison. Usage: {@code VethBench [seconds]}.
 */
public final class VethBench {
    private VethBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        String[] why = new String[1];
        try (BypassVeth v = BypassVeth.tryCreate(why)) {
            if (v == null) {
                System.out.println("skipped: " + why[0]);
                return;
            }
            Path pcap = TestPackets.writePcap(Files.createTempFile("kbyp-bench", ".pcap"),
                    TestPackets.udpFrames(1000, TestPackets.mac(1), TestPackets.mac(2), 64).stream()
                            .map(f -> java.util.Arrays.copyOf(f, 60)).toList());
            String i = v.captureIf;
            for (String uri : List.of("afpacket:" + i, "xdp:" + i + "?mode=skb", "xdp:" + i + "?mode=native",
                    "dpdk:vdev=net_af_packet0,iface=" + i, "dpdk:vdev=net_af_xdp0,iface=" + i)) {
                System.out.println(run(v, pcap, uri, seconds));
            }
            System.out.println(tcpdump(v, pcap, seconds));
            Files.deleteIfExists(pcap);
        }
        System.exit(0);
    }

    private static String replay(BypassVeth v, Path pcap, int seconds) throws Exception {
        String out = v.run("ip", "netns", "exec", v.ns, "tcpreplay", "--topspeed", "--preload-pcap", "--loop=100000",
                "--duration=" + seconds, "-i", v.senderIf, pcap.toString());
        StringBuilder sb = new StringBuilder();
        for (String line : out.split("\n")) {
            if (line.contains("Actual:") || line.contains("Rated:")) {
                sb.append(line.trim().replaceAll("\\s+", " ")).append("; ");
            }
        }
        return sb.toString();
    }

    private static String run(BypassVeth v, Path pcap, String uri, int seconds) {
        try (CaptureSource s = CaptureSources.open(uri, CaptureOptions.defaults())) {
            s.start(t -> new PacketConsumer() {
                long x;

                @Override
                public void onBatch(PacketBatch b) {
                    var seg = b.segment();
                    for (int k = 0; k < b.size(); k++) {
                        x += seg.get(ValueLayout.JAVA_BYTE, b.offset(k));
                    }
                }
            });
            Thread.sleep(300);
            String gen = replay(v, pcap, seconds);
            long last = -1;
            for (int k = 0; k < 50 && s.stats().packets() != last; k++) { // drain: until the count is stable
                last = s.stats().packets();
                Thread.sleep(300);
            }
            s.stop();
            CaptureStats st = s.stats();
            return String.format("%-45s into Java %,d packets (%.2f Mpps); drops socket=%d interface=%d backlog=%d"
                            + " | generator: %s", uri, st.packets(), st.packets() / (double) seconds / 1e6,
                    st.socketDrops(), st.interfaceDrops(), st.backlogDrops(), gen);
        } catch (Exception e) {
            return uri + ": FAILED " + e.getMessage();
        }
    }

    private static String tcpdump(BypassVeth v, Path pcap, int seconds) throws Exception {
        Path log = Files.createTempFile("kbyp-tcpdump", ".txt");
        Process p = new ProcessBuilder("tcpdump", "-i", v.captureIf, "-n", "-q", "-w", "/dev/null")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Thread.sleep(1000);
        String gen = replay(v, pcap, seconds);
        Thread.sleep(500);
        p.destroy();
        p.waitFor(5, TimeUnit.SECONDS);
        String out = Files.readString(log).replaceAll("\\s+", " ").trim();
        Files.deleteIfExists(log);
        return String.format("%-45s %s | generator: %s", "tcpdump -w /dev/null", out, gen);
    }
}
