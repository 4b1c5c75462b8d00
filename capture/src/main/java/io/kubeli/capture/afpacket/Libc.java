package io.kubeli.capture.afpacket;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.kubeli.capture.CaptureException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** libc downcalls used by AF_PACKET (socket, setsockopt, mmap, poll...), each capturing errno. */
final class Libc {
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOL_SOCKET = 1;
    static final int SO_ATTACH_FILTER = 26;
    static final int SOL_PACKET = 263;
    static final int PACKET_ADD_MEMBERSHIP = 1;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_VERSION = 10;
    static final int PACKET_RESERVE = 12;
    static final int PACKET_FANOUT = 18;
    static final int TPACKET_V3 = 2;
    static final int PACKET_MR_PROMISC = 1;
    static final int ETH_P_ALL_BE = 0x0300;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_POPULATE = 0x8000;
    static final short POLLIN = 1;
    static final short POLLERR = 8;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CCS = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET =
            h("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT =
            h("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT =
            h("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle BIND = h("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MMAP =
            h("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = h("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = h("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = h("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = h("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    private static MethodHandle h(String name, FunctionDescriptor fd) {
        MemorySegment sym = LINKER.defaultLookup()
                .find(name)
                .orElseThrow(() -> new CaptureException("libc symbol " + name + " not found"));
        return LINKER.downcallHandle(sym, fd, CCS);
    }

    /** A call-state segment for one thread (errno lands here). */
    static MemorySegment state(Arena arena) {
        return arena.allocate(STATE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Throws a CaptureException naming the failed call when {@code rc < 0}. */
    static int check(int rc, String what, MemorySegment state) {
        if (rc < 0) {
            throw new CaptureException(what + " failed: " + strerror(errno(state)));
        }
        return rc;
    }

    static int socket(MemorySegment st, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(st, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(MemorySegment st, int fd, int level, int name, MemorySegment val, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(st, fd, level, name, val, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockopt(MemorySegment st, int fd, int level, int name, MemorySegment val, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(st, fd, level, name, val, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(MemorySegment st, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(st, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment mmap(MemorySegment st, long len, int prot, int flags, int fd) {
        try {
            return (MemorySegment) MMAP.invokeExact(st, MemorySegment.NULL, len, prot, flags, fd, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int munmap(MemorySegment st, MemorySegment addr, long len) {
        try {
            return (int) MUNMAP.invokeExact(st, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int poll(MemorySegment st, MemorySegment fds, long n, int timeoutMs) {
        try {
            return (int) POLL.invokeExact(st, fds, n, timeoutMs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(MemorySegment st, int fd) {
        try {
            return (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ifNameToIndex(MemorySegment st, MemorySegment name) {
        try {
            return (int) IF_NAMETOINDEX.invokeExact(st, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setsockopt with an int value. */
    static void setInt(MemorySegment st, Arena a, int fd, int level, int name, int value, String what) {
        MemorySegment v = a.allocate(JAVA_INT);
        v.set(JAVA_INT, 0, value);
        check(setsockopt(st, fd, level, name, v, 4), what, st);
    }

    static boolean isMapFailed(MemorySegment p) {
        return p.address() == -1L;
    }

    static final ValueLayout.OfInt INT = JAVA_INT;

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new CaptureException("native call failed: " + t, t);
    }
}
