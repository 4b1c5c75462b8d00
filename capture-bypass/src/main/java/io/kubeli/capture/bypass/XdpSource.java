package io.kubeli.capture.bypass;

import io.kubeli.capture.AbstractCaptureSource;
import io.kubeli.capture.CaptureException;
import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Instant;

/**
 * AF_XDP capture through libxdp via FFM: one socket with its own UMEM, fill and RX ring per queue and
 * capture thread; the rings are driven from Java (acquire/release on the shared indices), each RX batch is
 * a batch of views into the UMEM, and its frames go back to the fill ring after the callback.
 */
final class XdpSource extends AbstractCaptureSource {
    /** Settings parsed from {@code xdp:IFACE?...}. */
    record Config(
            String iface,
            int queues,
            int firstQueue,
            String mode,
            boolean attachSelf,
            String pinDir,
            int ringSize,
            int frameSize,
            int burst,
            int snaplen,
            int coalesceUs) {}

    private static final VarHandle U32 = ValueLayout.JAVA_INT.varHandle();
    private static final int POLL_MS = 100;
    /** At stop, how long the RX ring is still emptied at most. */
    private static final long STOP_DRAIN_NANOS = 100_000_000;

    private static final long RETRY_NANOS = 3_000_000_000L;
    private static final java.util.Set<XdpSource> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        // SIGTERM: close sockets and detach the program this process attached
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("xdp-shutdown").unstarted(() -> {
                    for (XdpSource s : java.util.List.copyOf(OPEN)) {
                        try {
                            s.close();
                        } catch (RuntimeException e) {
                            // best effort at exit
                        }
                    }
                }));
    }

    private final Config cfg;
    private final XdpNative nx;
    private final Arena arena = Arena.ofShared();
    private final XdpProgram program;
    private final int mapFd;
    private final Queue[] queues;
    private final long[] finalXdpStats = new long[6];
    private boolean released;

    /** One queue's socket, UMEM and rings (ring structs as libxdp fills them). */
    private static final class Queue {
        MemorySegment umemArea = MemorySegment.NULL;
        MemorySegment umem = MemorySegment.NULL;
        MemorySegment xsk = MemorySegment.NULL;
        MemorySegment fill;
        MemorySegment comp;
        MemorySegment rx;
        int fd = -1;
    }

    XdpSource(String uri, Config cfg) {
        super(uri, cfg.queues(), false, cfg.iface());
        this.cfg = cfg;
        this.nx = XdpNative.get();
        this.queues = new Queue[cfg.queues()];
        XdpProgram prog = null;
        int map = -1;
        try {
            if (nx.ifindex(cfg.iface()) == 0) {
                throw new CaptureException("xdp: no such interface '" + cfg.iface() + "'");
            }
            if (cfg.attachSelf()) {
                prog = XdpProgram.attach(cfg.iface(), cfg.mode());
                map = prog.mapFd();
            } else {
                map = XdpProgram.openPinnedMap(XdpProgram.pinPath(cfg.pinDir(), cfg.iface()));
                // a pin left behind without its program would bind sockets that never receive: say so
                if (!XdpProgram.anyAttached(nx, nx.ifindex(cfg.iface()))) {
                    throw new CaptureException("xdp: xsks_map is pinned at "
                            + XdpProgram.pinPath(cfg.pinDir(), cfg.iface()) + " but no XDP program is attached to "
                            + cfg.iface()
                            + ": run the privileged step 'collector xdp-attach --iface " + cfg.iface() + "' first");
                }
            }
            for (int q = 0; q < queues.length; q++) {
                queues[q] = new Queue();
                openQueue(queues[q], cfg.firstQueue() + q, map);
            }
        } catch (RuntimeException e) {
            this.program = prog;
            this.mapFd = map;
            releaseNative();
            throw e;
        }
        this.program = prog;
        this.mapFd = map;
        OPEN.add(this);
    }

    private void openQueue(Queue q, int queueId, int map) {
        int frames = cfg.ringSize() * 2;
        long size = (long) frames * cfg.frameSize();
        String where = "xdp " + cfg.iface() + " queue " + queueId + ": ";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = XdpNative.state(a);
            MemorySegment area = (MemorySegment) nx.mmap.invokeExact(
                    st,
                    MemorySegment.NULL,
                    size,
                    3,
                    0x22 | 0x8000,
                    -1,
                    0L); // PROT_READ|WRITE, MAP_PRIVATE|ANONYMOUS|POPULATE
            if (area.address() == -1L) {
                throw new CaptureException(
                        where + "cannot map " + size + " byte UMEM: " + nx.strerror(XdpNative.errno(st)));
            }
            q.umemArea = area.reinterpret(size);
            q.fill = arena.allocate(XskLayouts.RING);
            q.comp = arena.allocate(XskLayouts.RING);
            q.rx = arena.allocate(XskLayouts.RING);
            MemorySegment ucfg = a.allocate(XskLayouts.UMEM_CONFIG);
            XskLayouts.setInt(ucfg, XskLayouts.UMEM_CONFIG, "fill_size", frames); // the fill ring holds every frame
            XskLayouts.setInt(ucfg, XskLayouts.UMEM_CONFIG, "comp_size", cfg.ringSize()); // unused: no TX
            XskLayouts.setInt(ucfg, XskLayouts.UMEM_CONFIG, "frame_size", cfg.frameSize());
            MemorySegment scfg = a.allocate(XskLayouts.SOCKET_CONFIG);
            XskLayouts.setInt(scfg, XskLayouts.SOCKET_CONFIG, "rx_size", cfg.ringSize());
            XskLayouts.setInt(scfg, XskLayouts.SOCKET_CONFIG, "libxdp_flags", XdpNative.INHIBIT_PROG_LOAD);
            XskLayouts.setShort(scfg, XskLayouts.SOCKET_CONFIG, "bind_flags", (short)
                    (XdpNative.XDP_USE_NEED_WAKEUP | (cfg.mode().equals("skb") ? XdpNative.XDP_COPY : 0)));
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            long deadline = System.nanoTime() + RETRY_NANOS;
            while (true) {
                int rc = (int) nx.umemCreate.invokeExact(out, q.umemArea, size, q.fill, q.comp, ucfg);
                if (rc != 0) {
                    throw new CaptureException(where + "xsk_umem__create failed: " + nx.strerror(rc)
                            // the kernel charges the UMEM to RLIMIT_MEMLOCK without CAP_IPC_LOCK: ENOBUFS past it
                            + (rc == -1 || rc == -12 || rc == -105
                                    ? " (locked memory: grant the IPC_LOCK capability or raise RLIMIT_MEMLOCK)"
                                    : ""));
                }
                q.umem = out.get(ValueLayout.ADDRESS, 0);
                rc = (int) nx.socketCreate.invokeExact(
                        out, a.allocateFrom(cfg.iface()), queueId, q.umem, q.rx, MemorySegment.NULL, scfg);
                if (rc == 0) {
                    q.xsk = out.get(ValueLayout.ADDRESS, 0);
                    break;
                }
                int ignored = (int) nx.umemDelete.invokeExact(q.umem);
                q.umem = MemorySegment.NULL;
                // a queue closed less than ~2 s ago is still bound in the kernel
                if (rc == -XdpNative.EBUSY && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    continue;
                }
                throw new CaptureException(where + "xsk_socket__create failed: " + nx.strerror(rc)
                        + (rc == -1 ? " — AF_XDP sockets need CAP_NET_RAW" : "")
                        + (rc == -22 ? " (no such queue? check 'ethtool -l " + cfg.iface() + "')" : ""));
            }
            q.fd = (int) nx.socketFd.invokeExact(q.xsk);
            verifyRings(q, frames, where);
            int rc = (int) nx.updateXskmap.invokeExact(q.xsk, map);
            if (rc != 0) {
                throw new CaptureException(where + "cannot insert the socket into xsks_map: " + nx.strerror(rc));
            }
            // hand every frame to the kernel
            MemorySegment fillProd = ptr(q.fill, XskLayouts.RING_PRODUCER, 4);
            MemorySegment fillRing = ptr(q.fill, XskLayouts.RING_RING, frames * XskLayouts.ADDR_SIZE);
            int prod = (int) U32.getAcquire(fillProd, 0L);
            for (int i = 0; i < frames; i++) {
                fillRing.setAtIndex(ValueLayout.JAVA_LONG, (prod + i) & (frames - 1), (long) i * cfg.frameSize());
            }
            U32.setRelease(fillProd, 0L, prod + frames);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException(where + "interrupted while opening", e);
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
    }

    private static MemorySegment ptr(MemorySegment ring, long offset, long size) {
        return XskLayouts.ptr(ring, offset, size);
    }

    /** Checks the RX and fill ring structs libxdp filled against the kernel's mmap offsets (one line if not). */
    private void verifyRings(Queue q, int frames, String where) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = XdpNative.state(a);
            MemorySegment off = a.allocate(XskLayouts.MMAP_OFFSETS);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) off.byteSize());
            int rc =
                    (int) nx.getsockopt.invokeExact(st, q.fd, XdpNative.SOL_XDP, XskLayouts.XDP_MMAP_OFFSETS, off, len);
            if (rc != 0 || len.get(ValueLayout.JAVA_INT, 0) != off.byteSize()) {
                throw new CaptureException(where + "XDP_MMAP_OFFSETS unavailable (kernel before 5.4?): "
                        + (rc != 0 ? nx.strerror(XdpNative.errno(st)) : "short answer"));
            }
            XskLayouts.verify(q.rx, "rx", cfg.ringSize(), off);
            XskLayouts.verify(q.fill, "fr", frames, off);
        }
    }

    @Override
    protected int batchCapacity() {
        return cfg.burst();
    }

    @Override
    protected void beforeStart() {
        ifaceDrops().baseline();
    }

    @Override
    protected void runThread(int index, PacketConsumer consumer, PacketBatch batch) {
        try {
            capture(index, consumer, batch);
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
    }

    /** need_wakeup: a driver waiting for a syscall before it takes the fill ring's entries gets one (non-blocking). */
    private void wakeIfNeeded(MemorySegment st, Queue q, MemorySegment fillFlags) throws Throwable {
        if (((int) U32.getAcquire(fillFlags, 0L) & XdpNative.XDP_RING_NEED_WAKEUP) != 0) {
            long ignored = (long) nx.recvfrom.invokeExact(
                    st, q.fd, MemorySegment.NULL, 0L, XdpNative.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
        }
    }

    private void capture(int index, PacketConsumer consumer, PacketBatch batch) throws Throwable {
        Queue q = queues[index];
        int frames = cfg.ringSize() * 2;
        int rxSize = q.rx.get(ValueLayout.JAVA_INT, XskLayouts.RING_SIZE);
        int rxMask = q.rx.get(ValueLayout.JAVA_INT, XskLayouts.RING_MASK);
        int fillMask = q.fill.get(ValueLayout.JAVA_INT, XskLayouts.RING_MASK);
        MemorySegment rxProd = ptr(q.rx, XskLayouts.RING_PRODUCER, 4);
        MemorySegment rxCons = ptr(q.rx, XskLayouts.RING_CONSUMER, 4);
        MemorySegment rxRing = ptr(q.rx, XskLayouts.RING_RING, rxSize * XskLayouts.DESC_SIZE);
        MemorySegment fillProd = ptr(q.fill, XskLayouts.RING_PRODUCER, 4);
        MemorySegment fillRing = ptr(q.fill, XskLayouts.RING_RING, frames * XskLayouts.ADDR_SIZE);
        MemorySegment fillFlags = ptr(q.fill, XskLayouts.RING_FLAGS, 4);
        final long descSize = XskLayouts.DESC_SIZE;
        final long descLen = XskLayouts.DESC_LEN;
        final long descAddr = XskLayouts.DESC_ADDR;
        MemorySegment umem = q.umemArea;
        long frameMask = ~((long) cfg.frameSize() - 1);
        int snap = cfg.snaplen();
        int burst = cfg.burst();
        XdpNap nap = new XdpNap(rxSize, cfg.coalesceUs() * 1000L);
        long epochBase = epochNanos();
        long nanoBase = System.nanoTime();
        try (Arena local = Arena.ofConfined()) {
            MemorySegment st = XdpNative.state(local);
            MemorySegment pfd = local.allocate(8, 4);
            pfd.set(ValueLayout.JAVA_INT, 0, q.fd);
            pfd.set(ValueLayout.JAVA_SHORT, 4, (short) 1); // POLLIN
            int cons = (int) U32.getAcquire(rxCons, 0L);
            int fprod = (int) U32.getAcquire(fillProd, 0L);
            int last = 0;
            int got = 0; // packets taken since the last wait ended
            boolean napped = false;
            long lastTs = Long.MIN_VALUE;
            long drainUntil = 0;
            while (true) {
                int avail = (int) U32.getAcquire(rxProd, 0L) - cons;
                if (!running()) {
                    // stop: what the RX ring already holds is delivered, not left behind uncounted (bounded, as
                    // live traffic keeps arriving)
                    long now = System.nanoTime();
                    if (drainUntil == 0) {
                        drainUntil = now + STOP_DRAIN_NANOS;
                    }
                    if (avail == 0 || now - drainUntil >= 0) {
                        break;
                    }
                }
                if (avail == 0 && last > 0 && last < burst) {
                    // a partial batch: wait for more instead of a wake-up per few packets (each wake-up costs
                    // more than the packets it brings at veth/NIC rates); XdpNap sizes the wait to the stream
                    if (napped) {
                        nap.after(got);
                    }
                    last = 0;
                    got = 0;
                    napped = true;
                    java.util.concurrent.locks.LockSupport.parkNanos(nap.nanos());
                    continue;
                }
                if (avail == 0) {
                    if (napped) {
                        nap.after(got); // got == 0: the ring stayed empty for a whole wait, start short again
                        napped = false;
                    }
                    last = 0;
                    got = 0;
                    wakeIfNeeded(st, q, fillFlags);
                    pfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                    int r = (int) nx.poll.invokeExact(st, pfd, 1L, POLL_MS);
                    if (r == 0) {
                        idle(index, consumer);
                    } else if (r < 0 && XdpNative.errno(st) != XdpNative.EINTR) {
                        throw new CaptureException(
                                "xdp " + cfg.iface() + ": poll failed: " + nx.strerror(XdpNative.errno(st)));
                    }
                    continue;
                }
                int n = Math.min(avail, burst);
                last = n;
                got += n;
                long now = System.nanoTime();
                if (now - nanoBase > 1_000_000_000L) { // follow wall-clock adjustments once a second
                    epochBase = epochNanos();
                    nanoBase = now;
                }
                batch.reset(umem);
                // one clock read per batch: every packet in it was already waiting in the ring, so a read per
                // packet (~20 ns each) told only how fast this loop ran, not when the packet arrived
                long batchTs = epochBase + (now - nanoBase);
                for (int i = 0; i < n; i++) {
                    long d = (long) ((cons + i) & rxMask) * descSize;
                    long addr = rxRing.get(ValueLayout.JAVA_LONG, d + descAddr);
                    int len = rxRing.get(ValueLayout.JAVA_INT, d + descLen);
                    // each packet its own capture time, strictly increasing on this queue (1 ns apart within a
                    // batch) even across a wall-clock step back at the once-a-second re-sync
                    lastTs = batchTs > lastTs ? batchTs : lastTs + 1;
                    batch.add(addr, Math.min(len, snap), len, lastTs, LinkTypes.ETHERNET);
                }
                deliver(index, consumer, batch);
                for (int i = 0; i < n; i++) {
                    long addr = rxRing.get(ValueLayout.JAVA_LONG, (long) ((cons + i) & rxMask) * descSize + descAddr);
                    fillRing.setAtIndex(ValueLayout.JAVA_LONG, (fprod + i) & fillMask, addr & frameMask);
                }
                fprod += n;
                cons += n;
                U32.setRelease(fillProd, 0L, fprod);
                U32.setRelease(rxCons, 0L, cons);
                // need_wakeup: a driver that ran out of fill entries waits for a syscall before it takes the ones
                // just given back; under a steady stream the ring is never empty, so wake it here, not only when idle
                wakeIfNeeded(st, q, fillFlags);
            }
        }
    }

    private static long epochNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /**
     * XDP_STATISTICS summed over the queues: rx_dropped, rx_invalid_descs, tx_invalid_descs, rx_ring_full,
     * rx_fill_ring_empty_descs, tx_ring_empty_descs.
     */
    synchronized long[] xdpStatistics() {
        if (released) {
            return finalXdpStats.clone();
        }
        long[] sum = new long[6];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = XdpNative.state(a);
            MemorySegment v = a.allocate(XskLayouts.STATISTICS);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            for (Queue q : queues) {
                if (q == null || q.fd < 0) {
                    continue;
                }
                v.fill((byte) 0);
                len.set(ValueLayout.JAVA_INT, 0, (int) v.byteSize());
                int rc = (int) nx.getsockopt.invokeExact(st, q.fd, XdpNative.SOL_XDP, XdpNative.XDP_STATISTICS, v, len);
                if (rc == 0) {
                    for (int i = 0; i < 6; i++) {
                        sum[i] += v.getAtIndex(ValueLayout.JAVA_LONG, i);
                    }
                }
            }
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
        return sum;
    }

    @Override
    protected long socketDrops() {
        long[] s = xdpStatistics();
        return s[0] + s[3]; // rx_dropped (includes fill-ring-empty drops) + rx_ring_full
    }

    @Override
    protected long interfaceDrops() {
        // a driver counts a frame its XDP program could not redirect to a full socket in rx_dropped as well
        // (veth native mode): those are socket drops already, so only the excess is the interface's own
        long iface = super.interfaceDrops();
        return "skb".equals(attachMode()) ? iface : Math.max(0, iface - socketDrops());
    }

    /** Mode the program was attached in by this source ("external" when attached by XdpAttach). */
    String attachMode() {
        return program == null ? "external" : program.mode();
    }

    @Override
    protected synchronized void release() {
        if (released) {
            return;
        }
        long[] s = xdpStatistics();
        System.arraycopy(s, 0, finalXdpStats, 0, 6);
        releaseNative();
    }

    private synchronized void releaseNative() {
        released = true;
        OPEN.remove(this);
        try {
            for (Queue q : queues) {
                if (q == null) {
                    continue;
                }
                if (q.xsk.address() != 0) {
                    nx.socketDelete.invokeExact(q.xsk);
                    q.xsk = MemorySegment.NULL;
                    q.fd = -1;
                }
                if (q.umem.address() != 0) {
                    int ignored = (int) nx.umemDelete.invokeExact(q.umem);
                    q.umem = MemorySegment.NULL;
                }
                if (q.umemArea.address() != 0) {
                    int ignored = (int) nx.munmap.invokeExact(q.umemArea, q.umemArea.byteSize());
                    q.umemArea = MemorySegment.NULL;
                }
            }
            if (program != null) {
                program.close(); // detaches the program this source attached
            } else if (mapFd >= 0) {
                int ignored = (int) nx.close.invokeExact(mapFd);
            }
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        } finally {
            arena.close();
        }
    }

    /** Pin path used in attach=external mode. */
    Path pinPath() {
        return XdpProgram.pinPath(cfg.pinDir(), cfg.iface());
    }
}
