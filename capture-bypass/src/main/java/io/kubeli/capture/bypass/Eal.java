package io.kubeli.capture.bypass;

import io.kubeli.capture.CaptureException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process's one DPDK EAL: initialised by the first {@code dpdk:} source (later devices are added
 * with rte_dev_probe), on a short-lived thread so its CPU pin does not leak to Java threads; ports are
 * stopped and the EAL cleaned up by a shutdown hook.
 */
final class Eal {
    /** EAL settings taken from the first source. */
    record Settings(String pciDevice, List<Integer> cpus, long memoryMb, String socketMem, List<String> extra) {}

    private static final Set<DpdkSource> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile boolean ready;
    private static boolean hugepages;
    private static boolean pci;
    private static List<String> args = List.of();
    private static volatile boolean cleanedUp;

    private Eal() {}

    /** Initialises the EAL once; later calls check compatibility and return. */
    static synchronized void ensure(Settings s) {
        DpdkShim shim = DpdkShim.get();
        if (cleanedUp) {
            throw new CaptureException("dpdk: the EAL was already cleaned up in this process (shutdown)");
        }
        if (ready) {
            if (s.pciDevice() != null && !pci) {
                throw new CaptureException("dpdk: PCI device " + s.pciDevice() + " requested but the EAL of this"
                        + " process was initialised without PCI (" + String.join(" ", args)
                        + "); one EAL per process: open the PCI source first");
            }
            return;
        }
        hugepages = freeHugepages() > 0;
        pci = s.pciDevice() != null;
        List<String> a = buildArgs(s, hugepages);
        AtomicReference<Throwable> err = new AtomicReference<>();
        int[] rc = new int[1];
        // rte_eal_init pins its calling thread (and threads it starts later) to the main lcore's CPUs
        Thread t = Thread.ofPlatform().name("dpdk-eal-init").unstarted(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, a.size() + 1L);
                for (int i = 0; i < a.size(); i++) {
                    argv.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(a.get(i)));
                }
                argv.setAtIndex(ValueLayout.ADDRESS, a.size(), MemorySegment.NULL);
                rc[0] = (int) shim.ealInit.invokeExact(a.size(), argv);
            } catch (Throwable e) {
                err.set(e);
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException("dpdk: interrupted while initialising the EAL", e);
        }
        if (err.get() != null) {
            throw new CaptureException("dpdk: EAL initialisation failed: " + err.get(), err.get());
        }
        if (rc[0] < 0) {
            throw new CaptureException("dpdk: rte_eal_init(" + String.join(" ", a) + ") failed: errno " + -rc[0]
                    + (-rc[0] == 1 || -rc[0] == 13 ? " (permission denied: hugepages/VFIO need privileges)" : "")
                    + (-rc[0] == 114 ? " (already initialised in this process)" : ""));
        }
        args = List.copyOf(a);
        ready = true;
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("dpdk-shutdown").unstarted(Eal::shutdown));
    }

    /** EAL arguments for settings {@code s}. */
    static List<String> buildArgs(Settings s, boolean huge) {
        List<String> a = new ArrayList<>();
        a.add("kubeli");
        List<Integer> cpus = s.cpus() == null || s.cpus().isEmpty() ? CpuList.allowed() : s.cpus();
        a.add("--lcores=0@(" + CpuList.join(cpus) + ")");
        if (huge) {
            a.add("--in-memory");
            if (s.socketMem() != null) {
                a.add("--socket-mem=" + s.socketMem());
            }
        } else {
            a.add("--no-huge");
            a.add("--no-shconf");
            a.add("-m");
            a.add(Long.toString(s.memoryMb()));
        }
        if (s.pciDevice() != null) {
            a.add("-a");
            a.add(s.pciDevice());
        } else {
            a.add("--no-pci");
        }
        a.add("--no-telemetry");
        a.add("--log-level=*:warning");
        a.addAll(s.extra());
        return a;
    }

    /** True once the EAL runs without hugepages (mbuf pools then need RTE_MEMPOOL_F_NO_IOVA_CONTIG). */
    static boolean noHuge() {
        return !hugepages;
    }

    /** The arguments the EAL was initialised with (empty before). */
    static List<String> args() {
        return args;
    }

    static boolean ready() {
        return ready;
    }

    static void register(DpdkSource s) {
        OPEN.add(s);
    }

    static void unregister(DpdkSource s) {
        OPEN.remove(s);
    }

    /** Free 2 MiB/1 GiB hugepages usable by this process (0 when none or hugetlbfs is not mounted). */
    static long freeHugepages() {
        try {
            boolean mounted = Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .anyMatch(l -> l.split(" ").length > 2 && l.split(" ")[2].equals("hugetlbfs"));
            if (!mounted) {
                return 0;
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("HugePages_Free:")) {
                    return Long.parseLong(line.substring(15).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** Stops every open port and cleans up the EAL (SIGTERM / normal exit). */
    static synchronized void shutdown() {
        if (!ready || cleanedUp) {
            return;
        }
        for (DpdkSource s : List.copyOf(OPEN)) {
            try {
                s.close();
            } catch (RuntimeException e) {
                // best effort at exit
            }
        }
        if (!OPEN.isEmpty()) {
            return; // a capture thread is stuck: cleaning up under it would crash the process
        }
        cleanedUp = true;
        try {
            int ignored = (int) DpdkShim.get().ealCleanup.invokeExact();
        } catch (Throwable e) {
            // exiting anyway
        }
    }
}
