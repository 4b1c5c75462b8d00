package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureOptions;
import io.kubeli.capture.CaptureSource;
import io.kubeli.capture.CaptureSources;
import io.kubeli.capture.CaptureStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * As root on a veth pair in a namespace: dpdk: via net_af_packet and net_af_xdp and xdp: via libxdp each
 * receive every packet of a rate-limited replay (exact counts, byte-exact), and sources restart in one process.
 */
class BypassLiveIT {
    private static final int PACKETS = 2000;
    private static final int PPS = 10_000;
    private static BypassVeth veth;
    private static String why;
    private static List<byte[]> frames;
    private static Path pcap;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        String[] w = new String[1];
        veth = BypassVeth.tryCreate(w);
        why = w[0];
        frames = TestPackets.udpFrames(PACKETS, TestPackets.mac(1), TestPackets.mac(2), 64);
        pcap = TestPackets.writePcap(dir.resolve("replay.pcap"), frames);
    }

    @AfterAll
    static void tearDown() {
        if (veth != null) {
            veth.close();
        }
    }

    private static void assumeVeth() {
        assumeTrue(veth != null, () -> "skipped: " + why);
    }

    /** Starts {@code uri}, replays the file, checks every test packet arrived byte-exact, returns stats. */
    private static CaptureStats receiveAll(String uri) throws Exception {
        Collected c = new Collected(Collected::isTestUdp);
        CaptureStats st;
        try (CaptureSource s = CaptureSources.open(uri, CaptureOptions.defaults())) {
            s.start(c);
            Thread.sleep(200);
            veth.replay(pcap, PPS);
            long got = c.await(PACKETS, Duration.ofSeconds(20));
            Thread.sleep(200);
            s.stop();
            st = s.stats();
            assertTrue(s.failure().isEmpty(), () -> "failure: " + s.failure().get());
            assertEquals(PACKETS, got, uri + ": packets received (stats " + st + ")");
        }
        // several queues/threads: arrival order across threads is not global order; sort by the index in the payload
        List<Collected.Pkt> pk = c.snapshot().stream().sorted(java.util.Comparator.comparingInt(
                p -> java.nio.ByteBuffer.wrap(p.data(), 42, 4).getInt())).toList();
        assertEquals(PACKETS, pk.size());
        for (int i = 0; i < PACKETS; i++) {
            assertArrayEquals(frames.get(i), pk.get(i).data(), uri + ": packet " + i);
        }
        assertEquals(0, st.socketDrops(), uri + ": socket drops");
        return st;
    }

    @Test
    void xdpSkbMode() throws Exception {
        assumeVeth();
        receiveAll("xdp:" + veth.captureIf + "?mode=skb");
        assertNull(XdpProgram.attachedName(XdpNative.get(), XdpNative.get().ifindex(veth.captureIf),
                XdpNative.XDP_FLAGS_SKB_MODE), "program detached on close");
    }

    @Test
    void xdpNativeModeAndRestart() throws Exception {
        assumeVeth();
        receiveAll("xdp:" + veth.captureIf + "?mode=native");
        // reopen at once: the kernel keeps the queue busy ~2 s (EBUSY retry), the program was detached
        receiveAll("xdp:" + veth.captureIf + "?mode=native");
        assertNull(XdpProgram.attachedName(XdpNative.get(), XdpNative.get().ifindex(veth.captureIf),
                XdpNative.XDP_FLAGS_DRV_MODE));
    }

    @Test
    void xdpExternalAttach() throws Exception {
        assumeVeth();
        Path bpffs = Files.createDirectories(dir.resolve("bpffs"));
        try {
            veth.run("mount", "-t", "bpf", "bpf", bpffs.toString());
        } catch (IOException e) {
            assumeTrue(false, "cannot mount a private bpffs: " + e.getMessage());
        }
        try {
            String out = XdpAttach.run(veth.captureIf, "skb", bpffs.toString(), false);
            assertTrue(out.startsWith("attached"), out);
            receiveAll("xdp:" + veth.captureIf + "?attach=external&pin=" + bpffs);
            // the capture side never detaches an external program
            assertEquals(XdpProgram.PROG_NAME, XdpProgram.attachedName(XdpNative.get(),
                    XdpNative.get().ifindex(veth.captureIf), XdpNative.XDP_FLAGS_SKB_MODE));
            assertTrue(XdpAttach.run(veth.captureIf, "skb", bpffs.toString(), true).startsWith("detached"));
            assertNull(XdpProgram.attachedName(XdpNative.get(), XdpNative.get().ifindex(veth.captureIf),
                    XdpNative.XDP_FLAGS_SKB_MODE));
        } finally {
            XdpProgram.detach(veth.captureIf, null);
            veth.run("umount", bpffs.toString());
        }
    }

    @Test
    void dpdkAfPacketAndRestart() throws Exception {
        assumeVeth();
        DpdkPcapTest.assumeDpdk();
        // stop and start again in one process: same vdev name re-probed in the one EAL
        receiveAll("dpdk:vdev=net_af_packet0,iface=" + veth.captureIf);
        receiveAll("dpdk:vdev=net_af_packet0,iface=" + veth.captureIf);
    }

    @Test
    void dpdkTwoQueuesTwoThreads() throws Exception {
        assumeVeth();
        DpdkPcapTest.assumeDpdk();
        // two RX queues (the af_packet PMD spreads flows with a fanout hash), one capture thread each
        receiveAll("dpdk:vdev=net_af_packet1,iface=" + veth.captureIf + ",qpairs=2?queues=2");
    }

    @Test
    void xdpLeftoverProgramIsReplaced() throws Exception {
        assumeVeth();
        // a crashed run left KubeLI's program attached: a new source detaches it and attaches its own
        XdpProgram left = XdpProgram.attach(veth.captureIf, "skb");
        try {
            receiveAll("xdp:" + veth.captureIf + "?mode=skb");
            assertNull(XdpProgram.attachedName(XdpNative.get(), XdpNative.get().ifindex(veth.captureIf),
                    XdpNative.XDP_FLAGS_SKB_MODE));
        } finally {
            left.close();
        }
    }

    @Test
    void dpdkAfXdp() throws Exception {
        assumeVeth();
        DpdkPcapTest.assumeDpdk();
        // own veth: DPDK 22.11's net_af_xdp does not close its XSK socket on close (the queue stays bound
        // until the interface goes), so it must not share the interface with the other tests
        String[] w = new String[1];
        BypassVeth own = BypassVeth.tryCreate(w);
        assumeTrue(own != null, () -> "skipped: " + w[0]);
        BypassVeth shared = veth;
        try {
            veth = own;
            CaptureStats st = receiveAll("dpdk:vdev=net_af_xdp0,iface=" + own.captureIf + ",start_queue=0,queue_count=1");
            assertEquals(0, st.interfaceDrops());
        } finally {
            veth = shared;
            own.close();
        }
    }
}
