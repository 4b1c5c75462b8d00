package io.kubeli.operator.collector;

import io.kubeli.api.v1alpha1.CaptureSourceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** What each capture method needs from the pod: capabilities, privileged steps, root. */
public final class CaptureMethods {
    private CaptureMethods() {}

    /** An XDP source: interface, queue count and attach mode (native or skb). */
    public record XdpSource(String iface, int queues, String mode) {}

    /** The scheme of a capture URI (pcap, afpacket, dpdk, xdp, pcapfile), lower case; "" when absent. */
    public static String scheme(CaptureSourceSpec s) {
        String sc = s == null ? null : s.scheme();
        return sc == null ? "" : sc.toLowerCase(Locale.ROOT);
    }

    /**
     * Capabilities of the long-running capture container: pcap/afpacket NET_RAW+NET_ADMIN; dpdk additionally
     * IPC_LOCK+SYS_NICE; xdp NET_RAW+IPC_LOCK (the program is attached by the init container; IPC_LOCK exempts the
     * UMEM from RLIMIT_MEMLOCK, which container runtimes may set as low as 64 KiB); pcapfile none.
     */
    public static List<String> captureCapabilities(List<CaptureSourceSpec> sources) {
        Set<String> caps = new LinkedHashSet<>();
        for (CaptureSourceSpec s : sources) {
            switch (scheme(s)) {
                case "pcap", "afpacket" -> {
                    caps.add("NET_RAW");
                    caps.add("NET_ADMIN");
                }
                case "dpdk" -> {
                    caps.add("NET_RAW");
                    caps.add("NET_ADMIN");
                    caps.add("IPC_LOCK");
                    caps.add("SYS_NICE");
                }
                case "xdp" -> {
                    caps.add("NET_RAW");
                    caps.add("IPC_LOCK"); // the kernel charges AF_XDP UMEM pages to RLIMIT_MEMLOCK unless the socket
                    // owner has it
                }
                default -> {}
            }
        }
        List<String> ordered = new ArrayList<>(caps);
        ordered.sort(null);
        return ordered;
    }

    /** Capabilities of the privileged XDP attach init container. */
    public static List<String> xdpAttachCapabilities() {
        return List.of("BPF", "NET_ADMIN");
    }

    /** Whether a source needs a live interface (everything but pcapfile), so the container must run as root. */
    public static boolean needsRoot(List<CaptureSourceSpec> sources) {
        return sources.stream().anyMatch(s -> !scheme(s).equals("pcapfile"));
    }

    /** Whether any source captures through DPDK. */
    public static boolean usesDpdk(List<CaptureSourceSpec> sources) {
        return sources.stream().anyMatch(s -> scheme(s).equals("dpdk"));
    }

    /** The XDP sources, parsed from xdp:IFACE?queues=N&amp;mode=native|skb (defaults 1 queue, native). */
    public static List<XdpSource> xdpSources(List<CaptureSourceSpec> sources) {
        List<XdpSource> out = new ArrayList<>();
        for (CaptureSourceSpec s : sources) {
            if (!scheme(s).equals("xdp")) {
                continue;
            }
            String rest = s.getUri().substring(s.getUri().indexOf(':') + 1);
            String iface = rest;
            Map<String, String> opts = new LinkedHashMap<>();
            int q = rest.indexOf('?');
            if (q >= 0) {
                iface = rest.substring(0, q);
                for (String kv : rest.substring(q + 1).split("&")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        opts.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
            }
            int queues = 1;
            try {
                queues = Integer.parseInt(opts.getOrDefault("queues", "1"));
            } catch (NumberFormatException e) {
                queues = 1;
            }
            out.add(new XdpSource(iface, queues, opts.getOrDefault("mode", "native")));
        }
        return out;
    }

    /**
     * Name of the variable through which the SR-IOV device plugin passes the PCI address(es) of a resource:
     * PCIDEVICE_ + the resource name upper-cased with '/', '.' and '-' replaced by '_'
     * (intel.com/li_dpdk becomes PCIDEVICE_INTEL_COM_LI_DPDK).
     */
    public static String pciDeviceEnv(String resourceName) {
        return "PCIDEVICE_"
                + resourceName
                        .toUpperCase(Locale.ROOT)
                        .replace('/', '_')
                        .replace('.', '_')
                        .replace('-', '_');
    }
}
