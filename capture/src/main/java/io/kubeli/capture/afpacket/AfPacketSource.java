package io.kubeli.capture.afpacket;

import io.kubeli.capture.AbstractCaptureSource;
import io.kubeli.capture.CaptureException;
import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.PacketBatch;
import io.kubeli.capture.PacketConsumer;
import io.kubeli.capture.bpf.BpfCompiler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * AF_PACKET TPACKET_V3 capture via FFM: one socket and mmapped ring per thread, all in one
 * PACKET_FANOUT group; each retired block is one batch of views into the ring.
 */
public final class AfPacketSource extends AbstractCaptureSource {
    /** Ring and socket settings. */
    public record Config(
            String iface,
            int threads,
            String fanout,
            int blockSize,
            int blocks,
            int frameSize,
            int retireMs,
            int snaplen,
            boolean promisc,
            String filter) {}

    private static final int TP_STATUS_KERNEL = 0;
    private static final int TP_STATUS_USER = 1;
    private static final int TP_STATUS_VLAN_VALID = 1 << 4;
    private static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    private static final int FANOUT_FLAG_DEFRAG = 0x8000;
    private static final int FANOUT_FLAG_UNIQUEID = 0x2000;
    private static final int FANOUT_CBPF = 6;
    private static final int PACKET_FANOUT_DATA = 22;
    private static final int POLL_MS = 100;
    private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Config cfg;
    private final int linkType;
    private final int[] fds;
    private final MemorySegment[] rings;
    private final long ringSize;
    private final Arena arena = Arena.ofShared();
    private final long[] kernelDrops;
    private boolean released;

    public AfPacketSource(String uri, Config cfg) {
        super(uri, cfg.threads(), false, cfg.iface());
        this.cfg = cfg;
        this.ringSize = (long) cfg.blockSize() * cfg.blocks();
        this.fds = new int[cfg.threads()];
        this.rings = new MemorySegment[cfg.threads()];
        this.kernelDrops = new long[cfg.threads()];
        java.util.Arrays.fill(fds, -1);
        try {
            MemorySegment st = Libc.state(arena);
            int ifindex = Libc.ifNameToIndex(st, arena.allocateFrom(cfg.iface()));
            if (ifindex == 0) {
                throw new CaptureException("afpacket: no such interface '" + cfg.iface() + "'");
            }
            int arphrd = arpType(cfg.iface());
            int dlt;
            if (arphrd == 1 || arphrd == 772) {
                linkType = LinkTypes.ETHERNET;
                dlt = 1;
            } else if (arphrd == 65534) {
                linkType = LinkTypes.RAW;
                dlt = 12;
            } else {
                throw new CaptureException("afpacket: interface " + cfg.iface() + " has unsupported hardware type "
                        + arphrd + " (Ethernet, loopback and raw-IP devices are supported)");
            }
            BpfCompiler.Program bpf = cfg.filter() != null || cfg.snaplen() < 262_144
                    ? BpfCompiler.compileFor(cfg.iface(), cfg.filter() == null ? "" : cfg.filter(), dlt, cfg.snaplen())
                    : null;
            int fanoutId = 0;
            int fanoutType = switch (cfg.fanout()) {
                case "lb" -> 1;
                case "cpu" -> 2;
                case "ip" -> FANOUT_CBPF;
                default -> 0 | FANOUT_FLAG_DEFRAG;
            };
            for (int t = 0; t < cfg.threads(); t++) {
                fanoutId = openSocket(st, t, ifindex, bpf, fanoutType, fanoutId);
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    private int openSocket(
            MemorySegment st, int t, int ifindex, BpfCompiler.Program bpf, int fanoutType, int fanoutId) {
        String where = "afpacket " + cfg.iface() + " thread " + t + ": ";
        int fd = Libc.socket(st, Libc.AF_PACKET, Libc.SOCK_RAW, 0); // protocol 0: nothing arrives before bind
        if (fd < 0) {
            int e = Libc.errno(st);
            throw new CaptureException(
                    where + "socket(AF_PACKET) failed: " + Libc.strerror(e) + (e == 1 ? " — needs CAP_NET_RAW" : ""));
        }
        fds[t] = fd;
        if (bpf != null) {
            MemorySegment insns = arena.allocate(Math.max(8, bpf.instructions().length), 8);
            MemorySegment.copy(bpf.instructions(), 0, insns, ValueLayout.JAVA_BYTE, 0, bpf.instructions().length);
            MemorySegment fprog = arena.allocate(16, 8);
            fprog.set(SHORT, 0, (short) bpf.length());
            fprog.set(ValueLayout.ADDRESS, 8, insns);
            Libc.check(
                    Libc.setsockopt(st, fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, fprog, 16),
                    where + "SO_ATTACH_FILTER",
                    st);
        }
        Libc.setInt(st, arena, fd, Libc.SOL_PACKET, Libc.PACKET_VERSION, Libc.TPACKET_V3, where + "PACKET_VERSION");
        Libc.setInt(st, arena, fd, Libc.SOL_PACKET, Libc.PACKET_RESERVE, 4, where + "PACKET_RESERVE");
        MemorySegment req = arena.allocate(28, 4);
        req.set(INT, 0, cfg.blockSize());
        req.set(INT, 4, cfg.blocks());
        req.set(INT, 8, cfg.frameSize());
        req.set(INT, 12, (int) (ringSize / cfg.frameSize()));
        req.set(INT, 16, cfg.retireMs());
        req.set(INT, 20, 0);
        req.set(INT, 24, 0);
        Libc.check(
                Libc.setsockopt(st, fd, Libc.SOL_PACKET, Libc.PACKET_RX_RING, req, 28),
                where + "PACKET_RX_RING (blockSize " + cfg.blockSize() + ", blocks " + cfg.blocks() + ")",
                st);
        MemorySegment ring =
                Libc.mmap(st, ringSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED | Libc.MAP_POPULATE, fd);
        if (Libc.isMapFailed(ring)) {
            throw new CaptureException(
                    where + "mmap of " + ringSize + " byte ring failed: " + Libc.strerror(Libc.errno(st)));
        }
        rings[t] = ring.reinterpret(ringSize);
        MemorySegment sll = arena.allocate(20, 4);
        sll.set(SHORT, 0, (short) Libc.AF_PACKET);
        sll.set(SHORT, 2, (short) Libc.ETH_P_ALL_BE);
        sll.set(INT, 4, ifindex);
        Libc.check(Libc.bind(st, fd, sll, 20), where + "bind", st);
        if (cfg.promisc()) {
            MemorySegment mreq = arena.allocate(16, 4);
            mreq.set(INT, 0, ifindex);
            mreq.set(SHORT, 4, (short) Libc.PACKET_MR_PROMISC);
            Libc.check(
                    Libc.setsockopt(st, fd, Libc.SOL_PACKET, Libc.PACKET_ADD_MEMBERSHIP, mreq, 16),
                    where + "PACKET_ADD_MEMBERSHIP promisc",
                    st);
        }
        if (cfg.threads() > 1) {
            if (t == 0) {
                Libc.setInt(
                        st,
                        arena,
                        fd,
                        Libc.SOL_PACKET,
                        Libc.PACKET_FANOUT,
                        (fanoutType | FANOUT_FLAG_UNIQUEID) << 16,
                        where + "PACKET_FANOUT (new group)");
                MemorySegment v = arena.allocate(INT);
                MemorySegment len = arena.allocate(INT);
                len.set(INT, 0, 4);
                Libc.check(
                        Libc.getsockopt(st, fd, Libc.SOL_PACKET, Libc.PACKET_FANOUT, v, len),
                        where + "getsockopt PACKET_FANOUT",
                        st);
                fanoutId = v.get(INT, 0) & 0xffff;
                if (fanoutType == FANOUT_CBPF) {
                    byte[] prog = FanoutProgram.addressPairHash();
                    MemorySegment insns = arena.allocate(prog.length, 8);
                    MemorySegment.copy(prog, 0, insns, ValueLayout.JAVA_BYTE, 0, prog.length);
                    MemorySegment fprog = arena.allocate(16, 8);
                    fprog.set(SHORT, 0, (short) (prog.length / 8));
                    fprog.set(ValueLayout.ADDRESS, 8, insns);
                    Libc.check(
                            Libc.setsockopt(st, fd, Libc.SOL_PACKET, PACKET_FANOUT_DATA, fprog, 16),
                            where + "PACKET_FANOUT_DATA (address-pair program)",
                            st);
                }
            } else {
                Libc.setInt(
                        st,
                        arena,
                        fd,
                        Libc.SOL_PACKET,
                        Libc.PACKET_FANOUT,
                        fanoutId | fanoutType << 16,
                        where + "PACKET_FANOUT (join group " + fanoutId + ")");
            }
        }
        return fanoutId;
    }

    private static int arpType(String iface) {
        try {
            return Integer.parseInt(
                    java.nio.file.Files.readString(java.nio.file.Path.of("/sys/class/net", iface, "type"))
                            .trim());
        } catch (java.io.IOException | NumberFormatException e) {
            return 1;
        }
    }

    @Override
    protected void beforeStart() {
        ifaceDrops().baseline();
    }

    @Override
    protected int batchCapacity() {
        return Math.max(1024, cfg.blockSize() / 80); // a block full of minimum-size frames: no growth later
    }

    @Override
    protected void runThread(int index, PacketConsumer consumer, PacketBatch batch) {
        final MemorySegment ring = rings[index];
        final int blockSize = cfg.blockSize();
        final int blocks = cfg.blocks();
        final int lt = linkType;
        final boolean eth = lt == LinkTypes.ETHERNET;
        final int snaplen = cfg.snaplen();
        try (Arena local = Arena.ofConfined()) {
            MemorySegment st = Libc.state(local);
            MemorySegment pfd = local.allocate(8, 4);
            pfd.set(INT, 0, fds[index]);
            pfd.set(SHORT, 4, (short) (Libc.POLLIN | Libc.POLLERR));
            int idx = 0;
            long drainUntil = 0;
            while (true) {
                if (!running()) {
                    // stop: what the kernel already accepted is still delivered (the retired blocks, and the open
                    // one once its retire timeout closes it) instead of vanishing, uncounted, with the socket
                    long now = System.nanoTime();
                    if (drainUntil == 0) {
                        drainUntil = now + (cfg.retireMs() + 20L) * 1_000_000L;
                    } else if (now - drainUntil >= 0) {
                        break;
                    }
                }
                long b = (long) idx * blockSize;
                int status = (int) STATUS.getAcquire(ring, b + 8);
                if ((status & TP_STATUS_USER) == 0) {
                    pfd.set(SHORT, 6, (short) 0);
                    int r = Libc.poll(st, pfd, 1, drainUntil == 0 ? POLL_MS : Math.min(POLL_MS, cfg.retireMs() + 1));
                    if (r == 0) {
                        idle(index, consumer);
                    } else if (r < 0) {
                        int e = Libc.errno(st);
                        if (e != Libc.EINTR && e != Libc.EAGAIN) {
                            throw new CaptureException(
                                    "afpacket " + cfg.iface() + ": poll failed: " + Libc.strerror(e));
                        }
                    }
                    continue;
                }
                int num = ring.get(INT, b + 12);
                long p = b + (ring.get(INT, b + 16) & 0xffffffffL);
                batch.reset(ring);
                for (int k = 0; k < num; k++) {
                    int next = ring.get(INT, p);
                    long sec = ring.get(INT, p + 4) & 0xffffffffL;
                    long nsec = ring.get(INT, p + 8) & 0xffffffffL;
                    int snap = ring.get(INT, p + 12);
                    int len = ring.get(INT, p + 16);
                    int pst = ring.get(INT, p + 20);
                    int mac = ring.get(SHORT, p + 24) & 0xffff;
                    long data = p + mac;
                    if (eth && (pst & TP_STATUS_VLAN_VALID) != 0 && mac >= 72 + 4 && snap >= 12) {
                        int tci = ring.get(INT, p + 32) & 0xffff;
                        int tpid = (pst & TP_STATUS_VLAN_TPID_VALID) != 0 ? ring.get(SHORT, p + 36) & 0xffff : 0x8100;
                        MemorySegment.copy(ring, data, ring, data - 4, 12);
                        data -= 4;
                        ring.set(BE_SHORT, data + 12, (short) tpid);
                        ring.set(BE_SHORT, data + 14, (short) tci);
                        snap += 4;
                        len += 4;
                        if (snap > snaplen) {
                            snap = snaplen; // as libpcap: the snapshot length applies to the frame with its tag
                        }
                    }
                    batch.add(data, snap, len, sec * 1_000_000_000L + nsec, lt);
                    p += next & 0xffffffffL;
                }
                deliver(index, consumer, batch);
                STATUS.setRelease(ring, b + 8, TP_STATUS_KERNEL);
                idx = idx + 1 == blocks ? 0 : idx + 1;
            }
        }
    }

    @Override
    protected synchronized long socketDrops() {
        if (released) {
            return sum(kernelDrops);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.state(a);
            MemorySegment v = a.allocate(12, 4);
            MemorySegment len = a.allocate(INT);
            for (int t = 0; t < fds.length; t++) {
                if (fds[t] < 0) {
                    continue;
                }
                len.set(INT, 0, 12);
                if (Libc.getsockopt(st, fds[t], Libc.SOL_PACKET, Libc.PACKET_STATISTICS, v, len) == 0) {
                    kernelDrops[t] += v.get(INT, 4) & 0xffffffffL; // counters reset on read: accumulate
                }
            }
        }
        return sum(kernelDrops);
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    @Override
    protected synchronized void release() {
        if (released) {
            return;
        }
        socketDrops();
        released = true;
        MemorySegment st = Libc.state(arena);
        for (int t = 0; t < fds.length; t++) {
            if (rings[t] != null) {
                Libc.munmap(st, rings[t], ringSize);
                rings[t] = null;
            }
            if (fds[t] >= 0) {
                Libc.close(st, fds[t]);
                fds[t] = -1;
            }
        }
        arena.close();
    }
}
