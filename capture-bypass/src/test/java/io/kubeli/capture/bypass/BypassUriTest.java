package io.kubeli.capture.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.CaptureUri;
import io.kubeli.capture.CaptureUriException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** URI parsing of dpdk: and xdp:, and the EAL arguments derived from it. */
class BypassUriTest {
    private static DpdkConfig dpdk(String uri, Map<String, String> env) {
        return DpdkConfig.parse(CaptureUri.parse(uri), CaptureOptions.defaults(), env::get);
    }

    private static DpdkConfig dpdk(String uri) {
        return dpdk(uri, Map.of());
    }

    @Test
    void schemesAreRegistered() {
        assertTrue(
                CaptureSources.schemes().containsAll(List.of("dpdk", "xdp")),
                CaptureSources.schemes().toString());
    }

    @Test
    void pciDevice() {
        DpdkConfig c = dpdk("dpdk:0000:3b:02.6?queues=4&lcores=2-3,6,7&burst=128");
        assertTrue(c.pci());
        assertEquals("0000:3b:02.6", c.devargs());
        assertEquals("0000:3b:02.6", c.name());
        assertEquals(4, c.queues());
        assertEquals(List.of(2, 3, 6, 7), c.cpus());
        assertEquals(128, c.burst());
        assertEquals("0000:3b:02.6", dpdk("dpdk:3B:02.6").devargs());
    }

    @Test
    void pciDeviceFromDevicePluginVariable() {
        DpdkConfig c = dpdk(
                "dpdk:env=PCIDEVICE_INTEL_COM_LI_DPDK?queues=2",
                Map.of("PCIDEVICE_INTEL_COM_LI_DPDK", "0000:af:0a.1,0000:af:0a.2"));
        assertEquals("0000:af:0a.1", c.devargs());
        assertTrue(c.pci());
        CaptureUriException e = assertThrows(CaptureUriException.class, () -> dpdk("dpdk:env=PCIDEVICE_NONE"));
        assertTrue(e.getMessage().contains("PCIDEVICE_NONE"), e.getMessage());
        assertThrows(CaptureUriException.class, () -> dpdk("dpdk:env=X", Map.of("X", "eth0")));
    }

    @Test
    void vdev() {
        DpdkConfig c = dpdk("dpdk:vdev=net_pcap0,rx_pcap=/tmp/a.pcap?mbufs=4096&poll=busy&eal=--foo%20--bar");
        assertFalse(c.pci());
        assertEquals("net_pcap0,rx_pcap=/tmp/a.pcap", c.devargs());
        assertEquals("net_pcap0", c.name());
        assertEquals(4096, c.mbufs());
        assertTrue(c.busyPoll());
        assertEquals(List.of("--foo", "--bar"), c.eal());
        assertNull(c.cpus());
        assertEquals("net_null0", dpdk("dpdk:net_null0").name());
        assertEquals(
                "net_af_packet0,iface=eth1,framecnt=8192",
                dpdk("dpdk:vdev=net_af_packet0,iface=eth1?defrag=accept").devargs());
        assertEquals("eth9", DpdkSource.kernelInterface("net_af_xdp0,iface=eth9,start_queue=0"));
    }

    @Test
    void badDpdkUris() {
        assertThrows(CaptureUriException.class, () -> dpdk("dpdk:eth0"));
        assertThrows(CaptureUriException.class, () -> dpdk("dpdk:vdev="));
        assertThrows(CaptureUriException.class, () -> dpdk("dpdk:net_null0?queue=2"));
        assertThrows(CaptureUriException.class, () -> dpdk("dpdk:net_null0?queues=0"));
        assertThrows(CaptureUriException.class, () -> dpdk("dpdk:net_null0?lcores=a-b"));
        assertThrows(CaptureUriException.class, () -> dpdk("dpdk:net_null0?poll=sometimes"));
    }

    @Test
    void ealArguments() {
        Eal.Settings vdev = new Eal.Settings(null, List.of(4, 5), 512, null, List.of());
        assertEquals(
                List.of(
                        "kubeli",
                        "--lcores=0@(4,5)",
                        "--no-huge",
                        "--no-shconf",
                        "-m",
                        "512",
                        "--no-pci",
                        "--no-telemetry",
                        "--log-level=*:warning"),
                Eal.buildArgs(vdev, false));
        Eal.Settings pci = new Eal.Settings("0000:3b:02.6", List.of(2), 512, "1024", List.of("-n", "4"));
        assertEquals(
                List.of(
                        "kubeli",
                        "--lcores=0@(2)",
                        "--in-memory",
                        "--socket-mem=1024",
                        "-a",
                        "0000:3b:02.6",
                        "--no-telemetry",
                        "--log-level=*:warning",
                        "-n",
                        "4"),
                Eal.buildArgs(pci, true));
        // no core list: the CPUs this process may use
        assertTrue(Eal.buildArgs(new Eal.Settings(null, null, 512, null, List.of()), false)
                .get(1)
                .startsWith("--lcores=0@("));
    }

    @Test
    void cpuLists() {
        assertEquals(List.of(0, 1, 2, 8), CpuList.parse("0-2,8"));
        assertEquals("0,1,2,8", CpuList.join(CpuList.parse(" 0-2 , 8")));
        assertFalse(CpuList.allowed().isEmpty());
        assertThrows(CaptureUriException.class, () -> CpuList.parse("3-1"));
        assertThrows(CaptureUriException.class, () -> CpuList.parse(""));
    }

    @Test
    void xdpUris() {
        XdpSource.Config c = XdpProvider.config(
                CaptureUri.parse("xdp:eth1?queues=4&mode=native&attach=external"), CaptureOptions.defaults());
        assertEquals("eth1", c.iface());
        assertEquals(4, c.queues());
        assertEquals("native", c.mode());
        assertFalse(c.attachSelf());
        assertEquals("/sys/fs/bpf/kubeli", c.pinDir());
        XdpSource.Config d = XdpProvider.config(
                CaptureUri.parse("xdp:eth1"), CaptureOptions.defaults().withThreads(2));
        assertEquals(2, d.queues());
        assertEquals("auto", d.mode());
        assertTrue(d.attachSelf());
        assertEquals(java.nio.file.Path.of("/p/xsks_map_eth1"), XdpProgram.pinPath("/p", "eth1"));
        assertThrows(
                CaptureUriException.class,
                () -> XdpProvider.config(CaptureUri.parse("xdp:eth1?mode=hw"), CaptureOptions.defaults()));
        assertThrows(
                CaptureUriException.class,
                () -> XdpProvider.config(CaptureUri.parse("xdp:eth1?frameSize=3000"), CaptureOptions.defaults()));
        assertThrows(
                CaptureUriException.class,
                () -> XdpProvider.config(CaptureUri.parse("xdp:a/b"), CaptureOptions.defaults()));
        assertThrows(
                CaptureUriException.class,
                () -> XdpProvider.config(CaptureUri.parse("xdp:eth1?filter=udp"), CaptureOptions.defaults()));
    }

    @Test
    void xdpCoalesceBound() {
        assertEquals(
                1000,
                XdpProvider.config(CaptureUri.parse("xdp:eth1"), CaptureOptions.defaults())
                        .coalesceUs());
        assertEquals(
                250,
                XdpProvider.config(CaptureUri.parse("xdp:eth1?coalesceUs=250"), CaptureOptions.defaults())
                        .coalesceUs());
        // misconfiguration and hostile values: one line naming the option, nothing started
        for (String bad : new String[] {"0", "5", "100001", "abc", "-1"}) {
            CaptureUriException e = assertThrows(
                    CaptureUriException.class,
                    () -> XdpProvider.config(
                            CaptureUri.parse("xdp:eth1?coalesceUs=" + bad), CaptureOptions.defaults()));
            assertTrue(e.getMessage().contains("coalesceUs") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void operatorRenderedSources() {
        // the Collector fixtures' URIs as the collector opens them with --eal-lcores-from-cpuset
        DpdkConfig c = dpdk("dpdk:0000:3b:02.6?queues=4&lcores=cpuset");
        assertEquals("0000:3b:02.6", c.devargs());
        assertEquals(4, c.queues());
        assertEquals(CpuList.allowed(), c.cpus());
        // dpdk:env: the variable named by KUBELI_PCI_ENV (set by the operator), device=N picks one of several
        Map<String, String> env = Map.of(
                "KUBELI_PCI_ENV",
                "PCIDEVICE_INTEL_COM_LI_DPDK",
                "PCIDEVICE_INTEL_COM_LI_DPDK",
                "0000:af:0a.1,0000:af:0a.2");
        assertEquals("0000:af:0a.1", dpdk("dpdk:env?lcores=cpuset", env).devargs());
        assertEquals("0000:af:0a.2", dpdk("dpdk:env?device=1", env).devargs());
        assertThrows(CaptureUriException.class, () -> dpdk("dpdk:env?device=2", env));
        CaptureUriException e = assertThrows(CaptureUriException.class, () -> dpdk("dpdk:env"));
        assertTrue(e.getMessage().contains("KUBELI_PCI_ENV"), e.getMessage());
        XdpSource.Config x =
                XdpProvider.config(CaptureUri.parse("xdp:ens2f0?queues=4&mode=native"), CaptureOptions.defaults());
        assertEquals(4, x.queues());
        assertEquals("native", x.mode());
    }

    @Test
    void xdpAttachCommandLine() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream o = new java.io.PrintStream(out, true);
        java.io.PrintStream er = new java.io.PrintStream(err, true);
        assertEquals(0, XdpAttach.cli(new String[] {"--help"}, o, er));
        assertEquals(2, XdpAttach.cli(new String[] {"--iface", "eth0", "--mode", "turbo"}, o, er));
        assertEquals(2, XdpAttach.cli(new String[] {"--iface", "eth0", "--queues", "65"}, o, er));
        assertEquals(2, XdpAttach.cli(new String[] {"--mode", "skb"}, o, er));
        assertEquals(2, XdpAttach.cli(new String[] {"--iface"}, o, er));
        assertEquals(2, XdpAttach.cli(new String[] {"--iface", "eth0", "--bogus"}, o, er));
        // every usage error is one line naming the program; help goes to stdout and attaches nothing
        assertEquals(5, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().lines().allMatch(l -> l.startsWith("xdp-attach: ")), err.toString());
        out.reset();
        assertEquals(0, XdpAttach.cli(new String[] {"--iface", "knoSuchIf0", "--help"}, o, er));
        assertTrue(out.toString().startsWith("Usage: collector xdp-attach"), out.toString());
        // the operator's init container arguments are accepted: what remains is the missing interface
        err.reset();
        assertEquals(
                1, XdpAttach.cli(new String[] {"--iface", "knoSuchIf0", "--mode", "native", "--queues", "4"}, o, er));
        assertFalse(err.toString().contains("usage"), err.toString());
    }

    @Test
    void afPacketVdevNeedsDefragAcknowledged() {
        CaptureUriException e =
                assertThrows(CaptureUriException.class, () -> dpdk("dpdk:vdev=net_af_packet0,iface=eth1"));
        assertTrue(e.getMessage().contains("reassemble"), e.getMessage());
        assertEquals(
                "net_af_packet0,iface=eth1,framecnt=8192",
                dpdk("dpdk:vdev=net_af_packet0,iface=eth1?defrag=accept").devargs());
    }
}
