package io.kubeli.capture.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.kubeli.capture.CaptureException;
import io.kubeli.capture.CaptureUriException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Compiles tcpdump filter text to classic BPF with libpcap (pcap_open_dead + pcap_compile) via FFM. */
public final class BpfCompiler {
    /** A compiled classic BPF program: {@code instructions} holds length * 8 bytes of struct sock_filter. */
    public record Program(int length, byte[] instructions) {}

    private static final Object LOCK = new Object();
    private static volatile MethodHandle[] handles;

    private BpfCompiler() {}

    private static MethodHandle[] handles() {
        MethodHandle[] h = handles;
        if (h != null) {
            return h;
        }
        synchronized (LOCK) {
            if (handles == null) {
                SymbolLookup lib;
                try {
                    lib = SymbolLookup.libraryLookup("libpcap.so.0.8", Arena.global());
                } catch (IllegalArgumentException e) {
                    try {
                        lib = SymbolLookup.libraryLookup("libpcap.so.1", Arena.global());
                    } catch (IllegalArgumentException e2) {
                        throw new CaptureException(
                                "libpcap not found (install libpcap0.8): needed to compile BPF filters");
                    }
                }
                Linker l = Linker.nativeLinker();
                SymbolLookup fl = lib;
                java.util.function.BiFunction<String, FunctionDescriptor, MethodHandle> f =
                        (n, d) -> l.downcallHandle(fl.find(n).orElseThrow(), d);
                handles = new MethodHandle[] {
                    f.apply("pcap_open_dead", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT)),
                    f.apply(
                            "pcap_compile",
                            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT)),
                    f.apply("pcap_geterr", FunctionDescriptor.of(ADDRESS, ADDRESS)),
                    f.apply("pcap_freecode", FunctionDescriptor.ofVoid(ADDRESS)),
                    f.apply("pcap_close", FunctionDescriptor.ofVoid(ADDRESS)),
                    f.apply("pcap_create", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS)),
                    f.apply("pcap_set_snaplen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                    f.apply("pcap_set_buffer_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                    f.apply("pcap_activate", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                };
            }
            return handles;
        }
    }

    private static MemorySegment live(MethodHandle[] h, Arena a, String iface, int snaplen) throws Throwable {
        MemorySegment err = a.allocate(256);
        MemorySegment p = (MemorySegment) h[5].invokeExact(a.allocateFrom(iface), err);
        if (p.equals(MemorySegment.NULL)) {
            return MemorySegment.NULL;
        }
        int rc1 = (int) h[6].invokeExact(p, snaplen);
        int rc2 = (int) h[7].invokeExact(p, 1 << 16);
        int rc = (int) h[8].invokeExact(p);
        if (rc < 0 || rc1 != 0 || rc2 != 0) {
            h[4].invokeExact(p);
            return MemorySegment.NULL;
        }
        return p;
    }

    /**
     * Compiles {@code filter} ("" accepts everything) for DLT {@code dlt} with accept length {@code snaplen}.
     * Throws {@link CaptureUriException} with libpcap's message for bad filter text.
     */
    public static Program compile(String filter, int dlt, int snaplen) {
        return compile(filter, dlt, snaplen, null);
    }

    /**
     * Compiles for live interface {@code iface} when it can be opened (libpcap then emits the Linux
     * VLAN-offload code, so {@code vlan} filters match tags the kernel moved into metadata); otherwise
     * as {@link #compile(String, int, int)}.
     */
    public static Program compileFor(String iface, String filter, int dlt, int snaplen) {
        return compile(filter, dlt, snaplen, iface);
    }

    private static Program compile(String filter, int dlt, int snaplen, String iface) {
        MethodHandle[] h = handles();
        synchronized (LOCK) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment pcap = iface == null ? MemorySegment.NULL : live(h, a, iface, snaplen);
                if (pcap.equals(MemorySegment.NULL)) {
                    pcap = (MemorySegment) h[0].invokeExact(dlt, snaplen);
                }
                if (pcap.equals(MemorySegment.NULL)) {
                    throw new CaptureException("pcap_open_dead failed");
                }
                try {
                    MemorySegment prog = a.allocate(16, 8);
                    int rc = (int) h[1].invokeExact(pcap, prog, a.allocateFrom(filter), 1, 0xffffffff);
                    if (rc != 0) {
                        MemorySegment err = (MemorySegment) h[2].invokeExact(pcap);
                        throw new CaptureUriException(
                                "bad BPF filter: " + err.reinterpret(512).getString(0));
                    }
                    int len = prog.get(JAVA_INT, 0);
                    MemorySegment insns = prog.get(ADDRESS, 8).reinterpret(len * 8L);
                    byte[] bytes = insns.toArray(ValueLayout.JAVA_BYTE);
                    h[3].invokeExact(prog);
                    return new Program(len, bytes);
                } finally {
                    h[4].invokeExact(pcap);
                }
            } catch (CaptureException e) {
                throw e;
            } catch (Throwable t) {
                throw new CaptureException("BPF compile failed: " + t, t);
            }
        }
    }
}
