package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureUri;
import io.kubeli.capture.CaptureUriException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Settings of a {@code dpdk:} source parsed from its URI: a PCI device ({@code dpdk:0000:3b:02.6}), one
 * from the SR-IOV device plugin's variable ({@code dpdk:env=PCIDEVICE_X}, or {@code dpdk:env}: the variable named by
 * KUBELI_PCI_ENV) or a vdev
 * ({@code dpdk:vdev=net_pcap0,rx_pcap=/f.pcap}), with queue, core and memory options.
 *
 * @param devargs   what rte_dev_probe gets (vdev string or PCI address)
 * @param name      the ethdev name (vdev name or PCI address)
 * @param pci       true for a PCI device
 * @param queues    RX queues = capture threads
 * @param cpus      CPUs for the capture threads (thread i on cpus[i % n]) and the EAL, or null: not pinned
 * @param burst     packets per receive call (batch size)
 * @param mbufs     mbufs in the port's pool
 * @param mbufSize  data room per mbuf (bytes, including 128 headroom)
 * @param rxDesc    RX descriptors per queue
 * @param memoryMb  EAL memory without hugepages (-m)
 * @param socketMem EAL --socket-mem with hugepages, or null
 * @param snaplen   bytes kept per packet
 * @param promisc   promiscuous mode
 * @param busyPoll  spin when idle instead of backing off
 * @param eal       extra EAL arguments (first source only)
 */
record DpdkConfig(
        String devargs,
        String name,
        boolean pci,
        int queues,
        List<Integer> cpus,
        int burst,
        int mbufs,
        int mbufSize,
        int rxDesc,
        long memoryMb,
        String socketMem,
        int snaplen,
        boolean promisc,
        boolean busyPoll,
        List<String> eal) {
    static final Set<String> OPTIONS = Set.of(
            "queues",
            "threads",
            "lcores",
            "burst",
            "mbufs",
            "mbufSize",
            "rxDesc",
            "memory",
            "socketMem",
            "snaplen",
            "promisc",
            "poll",
            "eal",
            "device",
            "defrag");
    /** Variable naming the device plugin's PCIDEVICE_ variable (set by the operator for DPDK collectors). */
    static final String PCI_ENV = "KUBELI_PCI_ENV";

    private static final Pattern PCI =
            Pattern.compile("(?:([0-9a-fA-F]{4,8}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

    static DpdkConfig parse(CaptureUri uri, CaptureOptions o) {
        return parse(uri, o, System::getenv);
    }

    static DpdkConfig parse(CaptureUri uri, CaptureOptions o, UnaryOperator<String> env) {
        uri.requireKnown(OPTIONS);
        String target = uri.target().trim();
        String devargs;
        String name;
        boolean pci;
        if (target.startsWith("vdev=")) {
            devargs = target.substring(5).trim();
            name = devargs.contains(",") ? devargs.substring(0, devargs.indexOf(',')) : devargs;
            if (name.isEmpty()) {
                throw new CaptureUriException(
                        "dpdk: vdev= needs a device name, e.g. dpdk:vdev=net_pcap0,rx_pcap=/f.pcap");
            }
            pci = false;
        } else if (target.startsWith("env=") || target.equals("env")) {
            // dpdk:env = the variable the operator names in KUBELI_PCI_ENV; dpdk:env=VAR names it directly
            String var = target.equals("env") || target.equals("env=")
                    ? env.apply(PCI_ENV)
                    : target.substring(4).trim();
            if (var == null || var.isBlank()) {
                throw new CaptureUriException("dpdk:env needs " + PCI_ENV + " (set by the operator for a Collector with"
                        + " spec.device) or an explicit variable: dpdk:env=PCIDEVICE_<RESOURCE>");
            }
            String v = env.apply(var);
            if (v == null || v.isBlank()) {
                throw new CaptureUriException("dpdk: environment variable " + var + " (SR-IOV device plugin resource)"
                        + " is not set or empty: is the device resource requested by the pod?");
            }
            String[] all = v.split(",");
            int idx = uri.intParam("device", 0, 0, 255);
            if (idx >= all.length) {
                throw new CaptureUriException("dpdk: device=" + idx + " but " + var + " lists " + all.length
                        + " device(s); request more with spec.device.count");
            }
            devargs = normalisePci(all[idx].trim(), "environment variable " + var);
            name = devargs;
            pci = true;
        } else if (PCI.matcher(target).matches()) {
            devargs = normalisePci(target, "URI");
            name = devargs;
            pci = true;
        } else if (target.startsWith("net_")) {
            devargs = target;
            name = target.contains(",") ? target.substring(0, target.indexOf(',')) : target;
            pci = false;
        } else {
            throw new CaptureUriException("dpdk: target '" + target + "' is neither a PCI address (0000:3b:02.6),"
                    + " env=PCIDEVICE_<RESOURCE> nor vdev=<name>,<args>");
        }
        if (name.startsWith("net_af_packet")
                && uri.choiceParam("defrag", "refuse", Set.of("refuse", "accept"))
                        .equals("refuse")) {
            // DPDK 22.11's af_packet PMD always joins a PACKET_FANOUT_HASH|FLAG_DEFRAG group (not configurable)
            throw new CaptureUriException("dpdk: net_af_packet makes the kernel reassemble IPv4 fragments"
                    + " (PACKET_FANOUT_FLAG_DEFRAG, always set by DPDK 22.11): frames are not as on the wire and"
                    + " incomplete fragments never arrive; capture a kernel interface with afpacket: or xdp:, or add"
                    + " defrag=accept (tests, benchmarks)");
        }
        if (name.startsWith("net_af_packet") && !devargs.contains("framecnt=")) {
            // DPDK 22.11's af_packet PMD does not report its ring's drops: give it 16 MiB instead of 512 frames
            devargs = devargs + ",framecnt=8192";
        }
        int queues = uri.intParam("queues", uri.intParam("threads", o.threads() > 0 ? o.threads() : 1, 1, 128), 1, 128);
        String lcores = uri.param("lcores", null);
        // lcores=cpuset: the CPUs this process may run on (the pod's exclusive cores under the static CPU manager)
        List<Integer> cpus = lcores == null || lcores.isBlank()
                ? null
                : lcores.trim().equals("cpuset") ? CpuList.allowed() : CpuList.parse(lcores);
        int burst = uri.intParam("burst", 64, 1, 1024);
        // net_af_xdp: the descriptors are the XSK ring; 4096 rides out a descheduled capture thread (veth benchmark)
        int rxDesc = uri.intParam("rxDesc", name.startsWith("net_af_xdp") ? 4096 : 1024, 64, 32768);
        int mbufs = uri.intParam("mbufs", Math.max(8191, queues * (rxDesc + 2 * burst + 256) * 2 - 1), 1024, 1 << 24);
        int mbufSize = (int) uri.sizeParam("mbufSize", 2048 + 128, 256 + 128, 65535);
        long memory = uri.sizeParam("memory", 512, 64, 1 << 20);
        String socketMem = uri.param("socketMem", null);
        int snaplen = uri.intParam("snaplen", o.snaplen(), 16, 262_144);
        boolean promisc = uri.boolParam("promisc", o.promisc());
        boolean busy =
                uri.choiceParam("poll", "adaptive", Set.of("busy", "adaptive")).equals("busy");
        String eal = uri.param("eal", "").trim();
        List<String> extra = eal.isEmpty() ? List.of() : Arrays.asList(eal.split("\\s+"));
        return new DpdkConfig(
                devargs,
                name,
                pci,
                queues,
                cpus,
                burst,
                mbufs,
                mbufSize,
                rxDesc,
                memory,
                socketMem,
                snaplen,
                promisc,
                busy,
                List.copyOf(extra));
    }

    private static String normalisePci(String s, String where) {
        var m = PCI.matcher(s);
        if (!m.matches()) {
            throw new CaptureUriException(
                    "dpdk: '" + s + "' from the " + where + " is not a PCI address (0000:3b:02.6)");
        }
        String domain = m.group(1) == null ? "0000" : m.group(1);
        return (domain.length() < 4 ? "0".repeat(4 - domain.length()) + domain : domain).toLowerCase() + ":"
                + m.group(2).toLowerCase() + ":" + m.group(3).toLowerCase() + "." + m.group(4);
    }

    /** The EAL settings this source asks for. */
    Eal.Settings ealSettings() {
        return new Eal.Settings(pci ? devargs : null, cpus, memoryMb, socketMem, eal);
    }
}
