package io.kubeli.capture.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Reference reader: C libpcap's pcap_open_offline + pcap_next_ex loop, called through FFM. */
final class LibpcapReader {
    private static final MethodHandle OPEN;
    private static final MethodHandle NEXT;
    private static final MethodHandle CLOSE;

    static {
        Linker l = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup("libpcap.so.0.8", Arena.global());
        OPEN = l.downcallHandle(
                lib.find("pcap_open_offline").orElseThrow(), FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        NEXT = l.downcallHandle(
                lib.find("pcap_next_ex").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                Linker.Option.critical(false));
        CLOSE = l.downcallHandle(lib.find("pcap_close").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
    }

    private LibpcapReader() {}

    /** Reads the whole file; returns packets + a checksum of byte 12 (so nothing is optimised away). */
    static long read(String file) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(256);
            MemorySegment p = (MemorySegment) OPEN.invokeExact(a.allocateFrom(file), err);
            if (p.equals(MemorySegment.NULL)) {
                throw new IllegalStateException(err.getString(0));
            }
            MemorySegment hdrp = a.allocate(ADDRESS);
            MemorySegment datap = a.allocate(ADDRESS);
            long n = 0;
            long sum = 0;
            try {
                while ((int) NEXT.invokeExact(p, hdrp, datap) == 1) {
                    MemorySegment d = datap.get(ADDRESS, 0).reinterpret(16);
                    sum += d.get(ValueLayout.JAVA_BYTE, 12);
                    n++;
                }
            } finally {
                CLOSE.invokeExact(p);
            }
            return n + (sum & 1);
        }
    }
}
