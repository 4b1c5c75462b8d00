package io.kubeli.capture.bypass;

import io.kubeli.capture.AbstractCaptureSource;
import io.kubeli.capture.CaptureException;
import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.LockSupport;

/**
 * DPDK capture: one port, one RX queue per capture thread; each burst is one batch of views into the
 * mbufs (absolute addresses over an unbounded segment), freed by the next receive after the callback.
 * Drops: imissed + rx_nombuf as socket drops (host did not keep up), ierrors / queue errors as interface drops;
 * under {@code net_af_packet}, whose PMD reports none, the PACKET_STATISTICS drops of the PMD's own sockets.
 */
final class DpdkSource extends AbstractCaptureSource {
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final int HDR = 16;
    private static final int REC = 24;
    private static final long IDLE_CALLBACK_NANOS = 100_000_000L;
    private static final System.Logger LOG = System.getLogger("io.kubeli.capture.bypass");

    private final DpdkConfig cfg;
    private final DpdkShim shim;
    private final int port;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] bursts;
    private final MemorySegment statsBuf;
    private final long[] lastStats = new long[6];
    private long[] finalStats = new long[6];
    /** The af_packet PMD's sockets (found around the probe) and the drops read from them since start. */
    private int[] pmdSockets = new int[0];

    private long pmdDrops;
    private final String uncounted;
    private boolean released;

    DpdkSource(String uri, DpdkConfig cfg) {
        super(uri, cfg.queues(), false, kernelInterface(cfg.devargs()));
        this.cfg = cfg;
        this.shim = DpdkShim.get();
        Eal.ensure(cfg.ealSettings());
        this.bursts = new MemorySegment[cfg.queues()];
        this.statsBuf = arena.allocate(8 * 6, 8);
        String iface = kernelInterface(cfg.devargs());
        try {
            long size = (long) shim.burstSize.invokeExact(cfg.burst());
            for (int q = 0; q < bursts.length; q++) {
                bursts[q] = arena.allocate(size, 64);
                bursts[q].set(ValueLayout.JAVA_INT, 12, cfg.burst());
            }
            boolean afPacket = cfg.name().startsWith("net_af_packet") && iface != null;
            int[] before = afPacket ? packetSockets(iface) : null;
            port = open();
            if (afPacket) {
                int[] after = packetSockets(iface);
                pmdSockets = after == null || before == null
                        ? new int[0]
                        : java.util.Arrays.stream(after)
                                .filter(fd -> java.util.Arrays.stream(before).noneMatch(b -> b == fd))
                                .toArray();
            }
            uncounted = afPacket && pmdSockets.length == 0
                    ? "dpdk: " + cfg.name() + " reports no drops and its"
                            + " sockets on " + iface + " were not found"
                            + (shim.packetFds == null
                                    ? " (shim without" + " kb_packet_fds)"
                                    : " (device probed before)")
                            + ": packets lost at its ring are NOT counted"
                    : null;
        } catch (Throwable t) {
            arena.close();
            throw DpdkShim.rethrow(t);
        }
        if (uncounted != null) {
            LOG.log(System.Logger.Level.WARNING, uncounted);
        }
        Eal.register(this);
    }

    /** AF_PACKET sockets of this process bound to {@code iface}, or null when the shim cannot list them. */
    private int[] packetSockets(String iface) throws Throwable {
        if (shim.packetFds == null) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(iface);
            for (int cap = 64; ; cap *= 4) {
                MemorySegment out = a.allocate(ValueLayout.JAVA_INT, cap);
                int n = (int) shim.packetFds.invokeExact(name, out, cap);
                if (n < 0) {
                    return null;
                }
                if (n <= cap) {
                    return out.asSlice(0, (long) n * 4).toArray(ValueLayout.JAVA_INT);
                }
            }
        }
    }

    @Override
    public String uncountedDrops() {
        return uncounted;
    }

    private int open() throws Throwable {
        MemorySegment err = arena.allocate(512);
        MemorySegment outQueues = arena.allocate(ValueLayout.JAVA_INT);
        boolean afXdp = cfg.name().startsWith("net_af_xdp");
        long deadline = System.nanoTime() + (afXdp ? 3_000_000_000L : 0);
        while (true) {
            int rc = (int) shim.portOpen.invokeExact(
                    arena.allocateFrom(cfg.devargs()),
                    arena.allocateFrom(cfg.name()),
                    cfg.queues(),
                    0,
                    cfg.rxDesc(),
                    cfg.mbufs(),
                    cfg.mbufSize(),
                    Eal.noHuge() ? 1 : 0,
                    cfg.promisc() ? 1 : 0,
                    outQueues,
                    err,
                    512);
            if (rc >= 0) {
                return rc;
            }
            // AF_XDP: a queue closed < ~2 s ago is still busy in the kernel: retry
            if (System.nanoTime() < deadline) {
                Thread.sleep(200);
                continue;
            }
            throw new CaptureException("dpdk: cannot open " + cfg.name() + ": " + err.getString(0) + " (EAL: "
                    + String.join(" ", Eal.args()) + ")");
        }
    }

    /** The kernel interface under an af_packet/af_xdp/pcap vdev ({@code iface=}), or null. */
    static String kernelInterface(String devargs) {
        for (String kv : devargs.split(",")) {
            if (kv.startsWith("iface=") || kv.startsWith("rx_iface=") || kv.startsWith("rx_iface_in=")) {
                return kv.substring(kv.indexOf('=') + 1);
            }
        }
        return null;
    }

    /** The ethdev port id. */
    int port() {
        return port;
    }

    @Override
    protected int batchCapacity() {
        return cfg.burst();
    }

    @Override
    protected void beforeStart() {
        if (ifaceDrops() != null) {
            ifaceDrops().baseline();
        }
        readStats();
        System.arraycopy(currentStats(), 0, lastStats, 0, 6);
        synchronized (this) {
            pmdDrops = 0; // what the PMD's sockets dropped before start is not this capture's loss
        }
    }

    @Override
    protected void runThread(int index, PacketConsumer consumer, PacketBatch batch) {
        try {
            capture(index, consumer, batch);
        } catch (Throwable t) {
            throw DpdkShim.rethrow(t);
        }
    }

    private void capture(int index, PacketConsumer consumer, PacketBatch batch) throws Throwable {
        int cpu = cfg.cpus() == null ? -1 : cfg.cpus().get(index % cfg.cpus().size());
        int lcore = (int) shim.threadSetup.invokeExact(cpu);
        if (lcore < 0) {
            throw new CaptureException("dpdk: cannot set up capture thread " + index
                    + (cpu >= 0 ? " on CPU " + cpu : "") + ": errno " + -lcore);
        }
        final MemorySegment b = bursts[index];
        final short p = (short) port;
        final short q = (short) index;
        final int snap = cfg.snaplen();
        final boolean busy = cfg.busyPoll();
        int empty = 0;
        long idleSince = System.nanoTime();
        try {
            while (running()) {
                int n = (int) shim.rx.invokeExact(p, q, b);
                if (n == 0) {
                    if (++empty > 64 && !busy) {
                        LockSupport.parkNanos(empty > 1024 ? 200_000L : 20_000L);
                    }
                    if ((empty & 255) == 0 && System.nanoTime() - idleSince > IDLE_CALLBACK_NANOS) {
                        idle(index, consumer);
                        idleSince = System.nanoTime();
                    }
                    continue;
                }
                empty = 0;
                batch.reset(ALL);
                long r = HDR;
                for (int i = 0; i < n; i++, r += REC) {
                    long addr = b.get(ValueLayout.JAVA_LONG, r);
                    int cap = b.get(ValueLayout.JAVA_INT, r + 8);
                    int wire = b.get(ValueLayout.JAVA_INT, r + 12);
                    long ts = b.get(ValueLayout.JAVA_LONG, r + 16);
                    batch.add(addr, Math.min(cap, snap), wire, ts, LinkTypes.ETHERNET);
                }
                deliver(index, consumer, batch);
                idleSince = System.nanoTime();
            }
        } finally {
            shim.burstFree.invokeExact(b);
            shim.threadRelease.invokeExact();
        }
    }

    private long[] currentStats() {
        long[] v = new long[6];
        for (int i = 0; i < 6; i++) {
            v[i] = statsBuf.getAtIndex(ValueLayout.JAVA_LONG, i);
        }
        return v;
    }

    private synchronized long[] readStats() {
        if (!released) {
            try {
                int rc = (int) shim.stats.invokeExact((short) port, statsBuf);
                if (rc != 0) {
                    return new long[6];
                }
                for (int fd : pmdSockets) {
                    long dropped = (long) shim.packetDrops.invokeExact(fd); // reset on read: accumulate
                    if (dropped > 0) {
                        pmdDrops += dropped;
                    }
                }
            } catch (Throwable t) {
                throw DpdkShim.rethrow(t);
            }
            long[] v = currentStats();
            long[] d = new long[6];
            for (int i = 0; i < 6; i++) {
                d[i] = v[i] - lastStats[i];
            }
            return d;
        }
        return finalStats;
    }

    @Override
    protected long socketDrops() {
        long[] d = readStats();
        synchronized (this) {
            return d[2] + d[4] + pmdDrops; // imissed + rx_nombuf + the af_packet PMD's socket drops
        }
    }

    @Override
    protected long interfaceDrops() {
        long[] d = readStats();
        // ierrors or the per-queue error counters, plus the kernel interface's drops under a vdev
        long iface = super.interfaceDrops();
        if (cfg.name().startsWith("net_af_xdp")) {
            // the interface also counts frames its XDP program could not redirect to the full XSK ring, which
            // the PMD reports as imissed (socket drops): only the excess is the interface's own
            iface = Math.max(0, iface - d[2]);
        }
        return Math.max(d[3], d[5]) + iface;
    }

    @Override
    protected synchronized void release() {
        if (released) {
            return;
        }
        finalStats = readStats();
        released = true;
        Eal.unregister(this);
        try {
            int ignored = (int) shim.portClose.invokeExact((short) port, 1);
        } catch (Throwable t) {
            throw DpdkShim.rethrow(t);
        } finally {
            arena.close();
        }
    }
}
