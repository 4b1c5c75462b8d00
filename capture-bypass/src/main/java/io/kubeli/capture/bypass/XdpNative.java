package io.kubeli.capture.bypass;

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
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** FFM bindings to libxdp (xsk_*), libbpf (program load/attach/pin) and libc (mmap, poll, getsockopt...). */
final class XdpNative {
    static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    static final int XDP_FLAGS_SKB_MODE = 2;
    static final int XDP_FLAGS_DRV_MODE = 4;
    static final int XDP_COPY = 1 << 1;
    static final int XDP_USE_NEED_WAKEUP = 1 << 3;
    static final int XDP_RING_NEED_WAKEUP = 1;
    static final int INHIBIT_PROG_LOAD = 1;
    static final int SOL_XDP = 283;
    static final int XDP_STATISTICS = 7;
    static final int EBUSY = 16;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int MSG_DONTWAIT = 0x40;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CCS = Linker.Option.captureCallState("errno");

    private static volatile XdpNative instance;
    private static volatile CaptureException unavailable;

    final MethodHandle umemCreate;
    final MethodHandle umemDelete;
    final MethodHandle socketCreate;
    final MethodHandle socketDelete;
    final MethodHandle socketFd;
    final MethodHandle updateXskmap;
    final MethodHandle objOpen;
    final MethodHandle objLoad;
    final MethodHandle objClose;
    final MethodHandle findProg;
    final MethodHandle progFd;
    final MethodHandle findMap;
    final MethodHandle mapFd;
    final MethodHandle xdpAttach;
    final MethodHandle xdpDetach;
    final MethodHandle xdpQueryId;
    final MethodHandle objPin;
    final MethodHandle objGet;
    final MethodHandle progFdById;
    final MethodHandle objInfo;
    final MethodHandle mmap;
    final MethodHandle munmap;
    final MethodHandle poll;
    final MethodHandle recvfrom;
    final MethodHandle getsockopt;
    final MethodHandle close;
    final MethodHandle ifNameToIndex;
    final MethodHandle strerror;

    private XdpNative(SymbolLookup xdp, SymbolLookup bpf) {
        SymbolLookup c = LINKER.defaultLookup();
        umemCreate = h(
                xdp,
                "xsk_umem__create",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        umemDelete = h(xdp, "xsk_umem__delete", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        socketCreate = h(
                xdp,
                "xsk_socket__create",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        socketDelete = h(xdp, "xsk_socket__delete", FunctionDescriptor.ofVoid(ADDRESS));
        socketFd = h(xdp, "xsk_socket__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        updateXskmap = h(xdp, "xsk_socket__update_xskmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        objOpen = he(bpf, "bpf_object__open_file", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        objLoad = h(bpf, "bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        objClose = h(bpf, "bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
        findProg = h(bpf, "bpf_object__find_program_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        progFd = h(bpf, "bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        findMap = h(bpf, "bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        mapFd = h(bpf, "bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        xdpAttach = h(bpf, "bpf_xdp_attach", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        xdpDetach = h(bpf, "bpf_xdp_detach", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        xdpQueryId = h(bpf, "bpf_xdp_query_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        objPin = h(bpf, "bpf_obj_pin", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        objGet = h(bpf, "bpf_obj_get", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        progFdById = h(bpf, "bpf_prog_get_fd_by_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        objInfo = h(bpf, "bpf_obj_get_info_by_fd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        mmap = he(
                c, "mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        munmap = h(c, "munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        poll = he(c, "poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        recvfrom = he(
                c,
                "recvfrom",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        getsockopt =
                he(c, "getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        close = h(c, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        ifNameToIndex = h(c, "if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        strerror = h(c, "strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private static MethodHandle h(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(
                lib.find(name)
                        .orElseThrow(() -> new CaptureException(
                                "xdp: symbol " + name + " not found (libxdp 1.2+ / libbpf 1.0+ needed)")),
                fd);
    }

    /** A downcall capturing errno into its first (state) argument. */
    private static MethodHandle he(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(
                lib.find(name).orElseThrow(() -> new CaptureException("xdp: symbol " + name + " not found")), fd, CCS);
    }

    /** The bindings, or a CaptureException when libxdp/libbpf are not installed. */
    static XdpNative get() {
        XdpNative x = instance;
        if (x != null) {
            return x;
        }
        synchronized (XdpNative.class) {
            if (instance != null) {
                return instance;
            }
            if (unavailable != null) {
                throw unavailable;
            }
            try {
                SymbolLookup xdp = SymbolLookup.libraryLookup("libxdp.so.1", Arena.global());
                SymbolLookup bpf = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
                instance = new XdpNative(xdp, bpf);
                return instance;
            } catch (RuntimeException e) {
                unavailable = new CaptureException(
                        "xdp: AF_XDP is not available: libxdp.so.1/libbpf.so.1 cannot be"
                                + " loaded (install libxdp1 and libbpf1): " + e.getMessage(),
                        e);
                throw unavailable;
            }
        }
    }

    static MemorySegment state(Arena a) {
        return a.allocate(STATE);
    }

    static int errno(MemorySegment st) {
        return (int) ERRNO.get(st, 0L);
    }

    String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) strerror.invokeExact(Math.abs(errno));
            return s.reinterpret(256).getString(0) + " (errno " + Math.abs(errno) + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    int ifindex(String iface) {
        try (Arena a = Arena.ofConfined()) {
            return (int) ifNameToIndex.invokeExact(a.allocateFrom(iface));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new CaptureException("xdp: native call failed: " + t, t);
    }
}
