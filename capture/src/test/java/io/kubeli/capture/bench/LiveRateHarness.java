package io.kubeli.capture.bench;

import io.kubeli.capture.CaptureFiles;
import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.CaptureStats;
import io.kubeli.capture.Frames;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import io.kubeli.capture.VethPair;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live receive-rate harness (test-scope main, root only): tcpreplay --topspeed of 64-byte frames from a
 * namespace into a veth; the same replay captured by each source and by {@code tcpdump -w /dev/null}.
 * Prints sent, captured, drops by place and the reader's CPU ns per packet.
 * Args: [frames] [loops] [java|tcpreplay] — generator: the project's AF_PACKET sendmmsg sender (default) or tcpreplay.
 */
public final class LiveRateHarness {
    private static boolean javaSender;
    private static List<byte[]> frameList = new ArrayList<>();

    private LiveRateHarness() {}

    /** Runs the generator: the project's AF_PACKET sender (default) or tcpreplay --topspeed; returns frames sent. */
    private static long generate(VethPair v, Path pcap, int loops, long sent) throws Exception {
        if (javaSender) {
            return io.kubeli.capture.afpacket.AfPacketSender.send(v.ns, v.senderIf, frameList, sent, 60_000);
        }
        v.run(
                "ip",
                "netns",
                "exec",
                v.ns,
                "tcpreplay",
                "-q",
                "-K",
                "--topspeed",
                "--loop=" + loops,
                "-i",
                v.senderIf,
                pcap.toString());
        return sent;
    }

    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        javaSender = args.length <= 2 || !args[2].equals("tcpreplay");
        String[] why = new String[1];
        try (VethPair v = VethPair.tryCreate(why)) {
            if (v == null) {
                System.out.println("skipped: " + why[0]);
                return;
            }
            List<CaptureFiles.Rec> recs = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                byte[] f = Frames.frame(false, false, -1, 10 + i % 50, 100 + i % 40, 1024 + i % 1000, 53, 18, i);
                recs.add(new CaptureFiles.Rec(0, f));
                if (i < 1024) {
                    frameList.add(f);
                }
            }
            Path pcap = Files.createTempFile("kcap-rate", ".pcap");
            try {
                Files.write(pcap, CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1, recs));
                long sent = (long) frames * loops;
                System.out.printf(
                        "%-44s %10s %10s %8s %8s %8s %9s %8s%n",
                        "reader", "sent", "captured", "sockDrop", "ifDrop", "backlog", "Mpps-send", "ns/pkt");
                for (int round = 1; round <= 2; round++) { // round 1 warms up the JIT
                    System.out.println("round " + round);
                    for (String uri : List.of(
                            "afpacket:" + v.captureIf + "?threads=1",
                            "afpacket:" + v.captureIf + "?threads=2&fanout=ip",
                            "pcap:" + v.captureIf + "?buffer=64m")) {
                        runSource(v, uri, pcap, loops, sent);
                    }
                    runTcpdump(v, pcap, loops, sent);
                }
            } finally {
                Files.deleteIfExists(pcap);
            }
        }
    }

    private static void runSource(VethPair v, String uri, Path pcap, int loops, long sent) throws Exception {
        LongAdder seen = new LongAdder();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (CaptureSource s = CaptureSources.open(uri, CaptureOptions.defaults())) {
            s.start(i -> new PacketConsumer() {
                @Override
                public void onBatch(PacketBatch b) {
                    seen.add(b.size());
                }
            });
            Thread.sleep(300);
            long cpu0 = captureCpu(mx);
            long alloc0 = captureAlloc(mx);
            long t0 = System.nanoTime();
            sent = generate(v, pcap, loops, sent);
            long t1 = System.nanoTime();
            Thread.sleep(500);
            long cpu = captureCpu(mx) - cpu0;
            long alloc = captureAlloc(mx) - alloc0;
            s.stop();
            CaptureStats st = s.stats();
            print(
                    uri,
                    sent,
                    st.packets(),
                    st.socketDrops(),
                    st.interfaceDrops(),
                    st.backlogDrops(),
                    sent * 1e3 / (t1 - t0),
                    st.packets() == 0 ? 0 : (double) cpu / st.packets());
            System.out.printf(
                    "    capture threads allocated %.2f bytes/packet%n", (double) alloc / Math.max(1, st.packets()));
        }
    }

    private static long captureCpu(ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("capture-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.threadId()));
            }
        }
        return sum;
    }

    private static long captureAlloc(ThreadMXBean mx) {
        long sum = 0;
        if (mx instanceof com.sun.management.ThreadMXBean sun) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("capture-")) {
                    sum += Math.max(0, sun.getThreadAllocatedBytes(t.threadId()));
                }
            }
        }
        return sum;
    }

    private static void runTcpdump(VethPair v, Path pcap, int loops, long sent) throws Exception {
        Process td = new ProcessBuilder("tcpdump", "-i", v.captureIf, "-n", "-B", "65536", "-w", "/dev/null")
                .redirectErrorStream(true)
                .start();
        try {
            Thread.sleep(1000);
            long pid = td.pid();
            long cpu0 = procCpuNanos(pid);
            long t0 = System.nanoTime();
            sent = generate(v, pcap, loops, sent);
            long t1 = System.nanoTime();
            Thread.sleep(500);
            long cpu = procCpuNanos(pid) - cpu0;
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
            td.waitFor(10, TimeUnit.SECONDS);
            String out = new String(td.getInputStream().readAllBytes());
            long captured = num(out, "(\\d+) packets captured");
            long dropped = num(out, "(\\d+) packets dropped by kernel");
            long ifDropped = num(out, "(\\d+) packets dropped by interface");
            print(
                    "tcpdump -w /dev/null (libpcap)",
                    sent,
                    captured,
                    dropped,
                    ifDropped,
                    -1,
                    sent * 1e3 / (t1 - t0),
                    captured == 0 ? 0 : (double) cpu / captured);
        } finally {
            td.destroyForcibly();
        }
    }

    private static long num(String s, String re) {
        Matcher m = Pattern.compile(re).matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long procCpuNanos(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    private static void print(String r, long sent, long cap, long sd, long id, long bd, double mpps, double ns) {
        System.out.printf("%-44s %10d %10d %8d %8d %8d %9.2f %8.0f%n", r, sent, cap, sd, id, bd, mpps, ns);
    }
}
