package io.kubeli.capture.bypass;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * FFM bindings to the project's DPDK shim {@code libkubeli_dpdk.so}, located by system property
 * {@code kubeli.dpdk.shim}, next to the jar ({@code native/} or beside it), or extracted from the jar.
 */
final class DpdkShim {
    /** System property naming the shim library file. */
    static final String PROPERTY = "kubeli.dpdk.shim";

    static final String LIB = "libkubeli_dpdk.so";

    private static volatile DpdkShim instance;
    private static volatile DpdkUnavailableException unavailable;

    final MethodHandle ealInit;
    final MethodHandle ealCleanup;
    final MethodHandle threadSetup;
    final MethodHandle threadRelease;
    final MethodHandle portOpen;
    final MethodHandle rx;
    final MethodHandle burstFree;
    final MethodHandle burstSize;
    final MethodHandle stats;
    final MethodHandle portClose;
    /** kb_packet_fds / kb_packet_drops: the af_packet PMD's own socket drops (null in an older shim). */
    final MethodHandle packetFds;

    final MethodHandle packetDrops;

    private DpdkShim(SymbolLookup lib) {
        Linker l = Linker.nativeLinker();
        ealInit = h(l, lib, "kb_eal_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        ealCleanup = h(l, lib, "kb_eal_cleanup", FunctionDescriptor.of(JAVA_INT));
        threadSetup = h(l, lib, "kb_thread_setup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        threadRelease = h(l, lib, "kb_thread_release", FunctionDescriptor.ofVoid());
        portOpen = h(
                l,
                lib,
                "kb_port_open",
                FunctionDescriptor.of(
                        JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        // receive is short and never blocks: a critical call skips the thread-state transition
        rx = l.downcallHandle(
                lib.find("kb_rx").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, ADDRESS),
                Linker.Option.critical(false));
        burstFree = h(l, lib, "kb_burst_free", FunctionDescriptor.ofVoid(ADDRESS));
        burstSize = h(l, lib, "kb_burst_size", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        stats = h(l, lib, "kb_stats", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
        portClose = h(l, lib, "kb_port_close", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_INT));
        packetFds = lib.find("kb_packet_fds")
                .map(a -> l.downcallHandle(a, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)))
                .orElse(null);
        packetDrops = lib.find("kb_packet_drops")
                .map(a -> l.downcallHandle(a, FunctionDescriptor.of(JAVA_LONG, JAVA_INT)))
                .orElse(null);
    }

    private static MethodHandle h(Linker l, SymbolLookup lib, String name, FunctionDescriptor fd) {
        return l.downcallHandle(
                lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " missing from " + LIB)),
                fd);
    }

    /** The loaded shim, or a {@link DpdkUnavailableException} explaining why there is none. */
    static DpdkShim get() {
        DpdkShim s = instance;
        if (s != null) {
            return s;
        }
        synchronized (DpdkShim.class) {
            if (instance != null) {
                return instance;
            }
            if (unavailable != null) {
                throw unavailable;
            }
            List<String> tried = new ArrayList<>();
            try {
                Path p = locate(tried);
                if (p == null) {
                    throw new DpdkUnavailableException(
                            "DPDK is not available in this build: " + LIB
                                    + " was not built (no libdpdk-dev at build time) and none was found (looked at "
                                    + String.join(", ", tried) + "; set -D" + PROPERTY + "=/path/" + LIB + ")",
                            null);
                }
                SymbolLookup lib = SymbolLookup.libraryLookup(p, Arena.global());
                instance = new DpdkShim(lib);
                return instance;
            } catch (DpdkUnavailableException e) {
                unavailable = e;
                throw e;
            } catch (RuntimeException | IOException e) {
                unavailable = new DpdkUnavailableException(
                        "DPDK is not available: cannot load " + LIB + " (" + e.getMessage()
                                + "); the DPDK runtime libraries (librte-*) must be installed",
                        e);
                throw unavailable;
            }
        }
    }

    /** True when the shim loads. */
    static boolean available() {
        try {
            get();
            return true;
        } catch (DpdkUnavailableException e) {
            return false;
        }
    }

    private static Path locate(List<String> tried) throws IOException {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop);
            tried.add(p.toString());
            if (!Files.isRegularFile(p)) {
                throw new DpdkUnavailableException(
                        "DPDK is not available: -D" + PROPERTY + "=" + prop + " does not name a file", null);
            }
            return p;
        }
        Path codeDir = codeLocation();
        if (codeDir != null) {
            Path base = Files.isDirectory(codeDir) ? codeDir : codeDir.getParent();
            for (Path c : new Path[] {base.resolve("native").resolve(LIB), base.resolve(LIB)}) {
                tried.add(c.toString());
                if (Files.isRegularFile(c)) {
                    return c;
                }
            }
        }
        tried.add("jar resource");
        java.net.URL url = DpdkShim.class.getResource("native/" + LIB);
        if (url == null) {
            return null;
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                // fall through to extraction
            }
        }
        try (InputStream in = url.openStream()) {
            if (in == null) {
                return null;
            }
            Path tmp = Files.createTempFile("kubeli-dpdk-", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        }
    }

    private static Path codeLocation() {
        try {
            var src = DpdkShim.class.getProtectionDomain().getCodeSource();
            return src == null ? null : Path.of(src.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new io.kubeli.capture.CaptureException("DPDK shim call failed: " + t, t);
    }
}
