package io.kubeli.capture.afpacket;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.kubeli.capture.CaptureException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * Test traffic generator: a raw AF_PACKET socket opened inside a network namespace (setns on the
 * calling thread only) sending prebuilt frames with sendmmsg, bypassing the qdisc. Bounded by count and time.
 */
public final class AfPacketSender {
    private static final int BATCH = 64;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int PACKET_QDISC_BYPASS = 20;
    private static final Linker L = Linker.nativeLinker();
    private static final MethodHandle OPEN = L.downcallHandle(
            L.defaultLookup().find("open").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = L.downcallHandle(
            L.defaultLookup().find("setns").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SENDMMSG = L.downcallHandle(
            L.defaultLookup().find("sendmmsg").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    private AfPacketSender() {}

    /** Sends {@code count} frames (cycling through {@code frames}) from {@code iface} in netns {@code ns}. */
    public static long send(String ns, String iface, List<byte[]> frames, long count, long maxMillis) throws Exception {
        return send(ns, iface, frames, count, maxMillis, 0);
    }

    /** As above, paced to {@code pps} frames per second (per batch of 64); {@code pps <= 0}: as fast as possible. */
    public static long send(String ns, String iface, List<byte[]> frames, long count, long maxMillis, long pps)
            throws Exception {
        long[] result = new long[1];
        Exception[] error = new Exception[1];
        Thread t = Thread.ofPlatform().name("kcap-sender").start(() -> {
            try {
                result[0] = sendHere(ns, iface, frames, count, maxMillis, pps);
            } catch (Throwable e) {
                error[0] = e instanceof Exception x ? x : new RuntimeException(e);
            }
        });
        t.join();
        if (error[0] != null) {
            throw error[0];
        }
        return result[0];
    }

    private static long sendHere(String ns, String iface, List<byte[]> frames, long count, long maxMillis, long pps)
            throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.state(a);
            int nsfd = (int) OPEN.invokeExact(a.allocateFrom("/var/run/netns/" + ns), 0);
            if (nsfd < 0 || (int) SETNS.invokeExact(nsfd, CLONE_NEWNET) != 0) {
                throw new CaptureException("cannot enter netns " + ns);
            }
            Libc.close(st, nsfd);
            int fd = Libc.check(Libc.socket(st, Libc.AF_PACKET, Libc.SOCK_RAW, 0), "socket", st);
            try {
                int ifindex = Libc.ifNameToIndex(st, a.allocateFrom(iface));
                MemorySegment sll = a.allocate(20, 4);
                sll.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
                sll.set(ValueLayout.JAVA_SHORT, 2, (short) Libc.ETH_P_ALL_BE);
                sll.set(JAVA_INT, 4, ifindex);
                Libc.check(Libc.bind(st, fd, sll, 20), "bind", st);
                Libc.setInt(st, a, fd, Libc.SOL_PACKET, PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
                MemorySegment[] bufs = new MemorySegment[frames.size()];
                for (int i = 0; i < bufs.length; i++) {
                    bufs[i] = a.allocateFrom(ValueLayout.JAVA_BYTE, frames.get(i));
                }
                MemorySegment iov = a.allocate(16L * BATCH, 8);
                MemorySegment msgs = a.allocate(64L * BATCH, 8);
                for (int i = 0; i < BATCH; i++) {
                    MemorySegment b = bufs[i % bufs.length];
                    iov.set(ADDRESS, 16L * i, b);
                    iov.set(JAVA_LONG, 16L * i + 8, b.byteSize());
                    msgs.set(ADDRESS, 64L * i + 16, iov.asSlice(16L * i, 16));
                    msgs.set(JAVA_LONG, 64L * i + 24, 1L);
                }
                long sent = 0;
                long start = System.nanoTime();
                long deadline = start + maxMillis * 1_000_000L;
                int rotate = 0;
                while (sent < count && System.nanoTime() < deadline) {
                    if (pps > 0) { // pacing: the next batch leaves when its first frame is due
                        long due = start + (long) (sent * 1e9 / pps);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            if (wait > 200_000) { // sleep, do not burn the receiver's core
                                java.util.concurrent.locks.LockSupport.parkNanos(wait - 100_000);
                            } else {
                                Thread.onSpinWait();
                            }
                        }
                    }
                    if (bufs.length > BATCH) { // cycle through more distinct frames than one batch holds
                        rotate = (rotate + BATCH) % bufs.length;
                        for (int i = 0; i < BATCH; i++) {
                            MemorySegment b = bufs[(rotate + i) % bufs.length];
                            iov.set(ADDRESS, 16L * i, b);
                            iov.set(JAVA_LONG, 16L * i + 8, b.byteSize());
                        }
                    }
                    int n = (int) Math.min(BATCH, count - sent);
                    int r = (int) SENDMMSG.invokeExact(fd, msgs, n, 0);
                    if (r > 0) {
                        sent += r;
                    } else {
                        Thread.onSpinWait(); // ENOBUFS: the peer is behind
                    }
                }
                return sent;
            } finally {
                Libc.close(st, fd);
            }
        }
    }
}
