package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * libxdp's default AF_XDP program ({@code xsk_def_prog} in {@code xsk_def_xdp_prog.o}: redirect to the
 * socket of the packet's RX queue, else pass) loaded with libbpf and attached as a single program (libxdp's
 * multi-program dispatcher fails on some kernels); its {@code xsks_map} can be pinned for an unprivileged
 * capture process. Only this program is ever detached: a foreign one is reported, not removed.
 */
final class XdpProgram implements AutoCloseable {
    static final String PROG_NAME = "xsk_def_prog";
    static final String DEFAULT_PIN_DIR = "/sys/fs/bpf/kubeli";
    static final List<String> OBJECT_PATHS = List.of(
            "/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog.o",
            "/usr/lib/aarch64-linux-gnu/bpf/xsk_def_xdp_prog.o",
            "/usr/lib/bpf/xsk_def_xdp_prog.o",
            "/usr/lib64/bpf/xsk_def_xdp_prog.o",
            "/usr/local/lib/bpf/xsk_def_xdp_prog.o");

    private final XdpNative nx;
    private final String iface;
    private final int ifindex;
    private final int flags;
    private MemorySegment obj = MemorySegment.NULL;
    private int mapFd = -1;
    private boolean attached;

    private XdpProgram(XdpNative nx, String iface, int ifindex, int flags) {
        this.nx = nx;
        this.iface = iface;
        this.ifindex = ifindex;
        this.flags = flags;
    }

    /** XDP attach flags for a mode: native (driver), skb (generic) or auto (native, else skb). */
    static int modeFlags(String mode) {
        return switch (mode) {
            case "native" -> XdpNative.XDP_FLAGS_DRV_MODE;
            case "skb" -> XdpNative.XDP_FLAGS_SKB_MODE;
            default -> 0;
        };
    }

    /** Loads the program and attaches it to {@code iface} (detaching a leftover of ours first). */
    static XdpProgram attach(String iface, String mode) {
        XdpNative nx = XdpNative.get();
        int ifindex = nx.ifindex(iface);
        if (ifindex == 0) {
            throw new CaptureException("xdp: no such interface '" + iface + "'");
        }
        detachLeftover(nx, iface, ifindex);
        Path objPath = OBJECT_PATHS.stream()
                .map(Path::of)
                .filter(Files::isRegularFile)
                .findFirst()
                .orElseThrow(() -> new CaptureException("xdp: libxdp's AF_XDP program xsk_def_xdp_prog.o not found in "
                        + OBJECT_PATHS + " (install libxdp1)"));
        List<String> modes = mode.equals("auto") ? List.of("native", "skb") : List.of(mode);
        CaptureException last = null;
        for (String m : modes) {
            XdpProgram p = new XdpProgram(nx, iface, ifindex, modeFlags(m));
            try {
                p.load(objPath);
                p.attachNow();
                return p;
            } catch (CaptureException e) {
                p.close();
                last = e;
            }
        }
        throw last;
    }

    private void load(Path objPath) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = XdpNative.state(a);
            obj = (MemorySegment) nx.objOpen.invokeExact(st, a.allocateFrom(objPath.toString()), MemorySegment.NULL);
            if (obj.address() == 0) {
                throw new CaptureException("xdp: cannot open " + objPath + ": " + nx.strerror(XdpNative.errno(st)));
            }
            int rc = (int) nx.objLoad.invokeExact(obj);
            if (rc != 0) {
                throw new CaptureException("xdp: cannot load " + objPath + ": " + nx.strerror(rc)
                        + (rc == -1 || rc == -13
                                ? " — loading BPF needs CAP_BPF+CAP_NET_ADMIN (or use attach=external"
                                        + " with the privileged XdpAttach step)"
                                : ""));
            }
            MemorySegment map = (MemorySegment) nx.findMap.invokeExact(obj, a.allocateFrom("xsks_map"));
            if (map.address() == 0) {
                throw new CaptureException("xdp: " + objPath + " has no xsks_map");
            }
            mapFd = (int) nx.mapFd.invokeExact(map);
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
    }

    private void attachNow() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = (MemorySegment) nx.findProg.invokeExact(obj, a.allocateFrom(PROG_NAME));
            if (prog.address() == 0) {
                throw new CaptureException("xdp: program " + PROG_NAME + " missing from libxdp's object file");
            }
            int fd = (int) nx.progFd.invokeExact(prog);
            int rc = (int) nx.xdpAttach.invokeExact(
                    ifindex, fd, flags | XdpNative.XDP_FLAGS_UPDATE_IF_NOEXIST, MemorySegment.NULL);
            if (rc != 0) {
                throw new CaptureException("xdp: cannot attach " + PROG_NAME + " to " + iface + " in "
                        + modeName(flags) + " mode: " + nx.strerror(rc)
                        + (rc == -16 ? " (another XDP program is attached)" : ""));
            }
            attached = true;
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
    }

    static String modeName(int flags) {
        return (flags & XdpNative.XDP_FLAGS_DRV_MODE) != 0
                ? "native"
                : (flags & XdpNative.XDP_FLAGS_SKB_MODE) != 0 ? "skb" : "default";
    }

    /** The xsks_map file descriptor (owned by this object). */
    int mapFd() {
        return mapFd;
    }

    /** Attach mode actually used. */
    String mode() {
        return modeName(flags);
    }

    /** Pins xsks_map at {@code path} (replacing an old pin), for an unprivileged capture process. */
    void pinMap(Path path) {
        try (Arena a = Arena.ofConfined()) {
            Files.createDirectories(path.getParent());
            Files.deleteIfExists(path);
            int rc = (int) nx.objPin.invokeExact(mapFd, a.allocateFrom(path.toString()));
            if (rc != 0) {
                throw new CaptureException("xdp: cannot pin xsks_map at " + path + ": " + nx.strerror(rc)
                        + " (is bpffs mounted at /sys/fs/bpf?)");
            }
        } catch (IOException e) {
            throw new CaptureException("xdp: cannot create pin directory for " + path + ": " + e.getMessage(), e);
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
    }

    /** Opens a pinned xsks_map; returns its fd (caller closes). */
    static int openPinnedMap(Path path) {
        XdpNative nx = XdpNative.get();
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) nx.objGet.invokeExact(a.allocateFrom(path.toString()));
            if (fd < 0) {
                throw new CaptureException("xdp: attach=external but no pinned xsks_map at " + path + ": "
                        + nx.strerror(fd) + " — run io.kubeli.capture.bypass.XdpAttach first (privileged init step)");
            }
            return fd;
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
    }

    /** Pin path of the map for an interface. */
    static Path pinPath(String pinDir, String iface) {
        return Path.of(pinDir, "xsks_map_" + iface);
    }

    /** Whether any XDP program is attached to ifindex (netlink query: needs no privileges). */
    static boolean anyAttached(XdpNative nx, int ifindex) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment id = a.allocate(ValueLayout.JAVA_INT);
            for (int m : new int[] {XdpNative.XDP_FLAGS_SKB_MODE, XdpNative.XDP_FLAGS_DRV_MODE}) {
                id.set(ValueLayout.JAVA_INT, 0, 0);
                int rc = (int) nx.xdpQueryId.invokeExact(ifindex, m, id);
                if (rc == 0 && id.get(ValueLayout.JAVA_INT, 0) != 0) {
                    return true;
                }
            }
            return false;
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
    }

    /** Name of the XDP program attached to ifindex in the given mode, or null when none. */
    static String attachedName(XdpNative nx, int ifindex, int modeFlags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment id = a.allocate(ValueLayout.JAVA_INT);
            int rc = (int) nx.xdpQueryId.invokeExact(ifindex, modeFlags, id);
            if (rc != 0 || id.get(ValueLayout.JAVA_INT, 0) == 0) {
                return null;
            }
            int fd = (int) nx.progFdById.invokeExact(id.get(ValueLayout.JAVA_INT, 0));
            if (fd < 0) {
                return "?";
            }
            try {
                MemorySegment info = a.allocate(256, 8);
                MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
                len.set(ValueLayout.JAVA_INT, 0, 256);
                rc = (int) nx.objInfo.invokeExact(fd, info, len);
                return rc == 0 ? info.asSlice(64, 16).getString(0) : "?";
            } finally {
                int ignored = (int) nx.close.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
    }

    /** Detaches our program (by name) from iface in either mode; a foreign program is an error. */
    static void detachLeftover(XdpNative nx, String iface, int ifindex) {
        for (int m : new int[] {XdpNative.XDP_FLAGS_SKB_MODE, XdpNative.XDP_FLAGS_DRV_MODE}) {
            String name = attachedName(nx, ifindex, m);
            if (name == null) {
                continue;
            }
            if (!name.equals(PROG_NAME)) {
                throw new CaptureException("xdp: interface " + iface + " already has XDP program '" + name + "' ("
                        + modeName(m) + " mode) that is not KubeLI's; not touching it");
            }
            detach(nx, ifindex, m);
        }
    }

    private static void detach(XdpNative nx, int ifindex, int modeFlags) {
        try {
            int ignored = (int) nx.xdpDetach.invokeExact(ifindex, modeFlags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw XdpNative.rethrow(t);
        }
    }

    /** Detaches KubeLI's program from {@code iface} and removes the map pin (XdpAttach --detach). */
    static boolean detach(String iface, Path pin) {
        XdpNative nx = XdpNative.get();
        int ifindex = nx.ifindex(iface);
        boolean had = false;
        if (ifindex != 0) {
            for (int m : new int[] {XdpNative.XDP_FLAGS_SKB_MODE, XdpNative.XDP_FLAGS_DRV_MODE}) {
                had |= PROG_NAME.equals(attachedName(nx, ifindex, m));
            }
            detachLeftover(nx, iface, ifindex);
        }
        try {
            if (pin != null) {
                Files.deleteIfExists(pin);
            }
        } catch (IOException e) {
            throw new CaptureException("xdp: cannot remove pin " + pin + ": " + e.getMessage(), e);
        }
        return had;
    }

    /** Detaches (when attached here) and frees the program and map. */
    @Override
    public void close() {
        if (attached) {
            detach(nx, ifindex, flags);
            attached = false;
        }
        if (obj.address() != 0) {
            try {
                nx.objClose.invokeExact(obj);
            } catch (Throwable t) {
                throw XdpNative.rethrow(t);
            }
            obj = MemorySegment.NULL;
            mapFd = -1;
        }
    }
}
