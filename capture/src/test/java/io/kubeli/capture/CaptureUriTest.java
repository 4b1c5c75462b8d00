package io.kubeli.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** URI parsing, typed options and clear errors. */
class CaptureUriTest {
    @Test
    void parsesSchemeTargetAndOptions() {
        CaptureUri u = CaptureUri.parse("afpacket:eth1?threads=4&fanout=hash&blockSize=2m&filter=udp%20port%2053");
        assertEquals("afpacket", u.scheme());
        assertEquals("eth1", u.target());
        assertEquals(4, u.intParam("threads", 1, 1, 64));
        assertEquals(2 << 20, u.intParam("blockSize", 0, 0, 1 << 30));
        assertEquals("udp port 53", u.param("filter", null));
        assertEquals("afpacket:eth1?threads=4&fanout=hash&blockSize=2m&filter=...", u.redacted());
        assertEquals(
                "/tmp/a b.pcap", CaptureUri.parse("pcapfile:/tmp/a%20b.pcap").target());
        assertEquals(
                "vdev=net_pcap0,rx_pcap=/x",
                CaptureUri.parse("dpdk:vdev=net_pcap0,rx_pcap=/x").target());
        assertTrue(CaptureUri.parse("pcap:lo?promisc").boolParam("promisc", false));
        assertFalse(CaptureUri.parse("pcap:lo?promisc=off").boolParam("promisc", true));
    }

    @Test
    void badUrisGiveClearMessages() {
        assertMsg("unknown capture scheme 'nope'", () -> CaptureSources.open("nope:eth0", null));
        assertMsg("no scheme", () -> CaptureSources.open("eth0", null));
        assertMsg("has no target", () -> CaptureSources.open("afpacket:", null));
        assertMsg("unknown option 'thread'", () -> CaptureSources.open("afpacket:lo?thread=2", null));
        assertMsg("threads=x of afpacket: is not a number", () -> CaptureSources.open("afpacket:lo?threads=x", null));
        assertMsg("out of range", () -> CaptureSources.open("afpacket:lo?threads=0", null));
        assertMsg(
                "fanout=rr of afpacket: must be one of cpu|hash|ip|lb",
                () -> CaptureSources.open("afpacket:lo?fanout=rr", null));
        assertMsg("must be a power of two", () -> CaptureSources.open("afpacket:lo?blockSize=12288", null));
        assertMsg("given twice", () -> CaptureSources.open("pcap:lo?snaplen=1&snaplen=2", null));
        assertMsg("is not a boolean", () -> CaptureSources.open("pcap:lo?promisc=maybe", null));
        assertMsg("no such file", () -> CaptureSources.open("pcapfile:/nonexistent/x.pcap", null));
        assertMsg("loop=0 of pcapfile: out of range", () -> CaptureSources.open("pcapfile:/x?loop=0", null));
        assertMsg("bad percent escape", () -> CaptureUri.parse("pcap:lo?filter=%zz"));
        assertMsg("threads must be >= 0", () -> CaptureOptions.defaults().withThreads(-1));
        assertTrue(CaptureSources.schemes().containsAll(Set.of("pcapfile", "pcap", "afpacket")));
    }

    @Test
    void providersCanBeRegistered() {
        CaptureSources.register(new CaptureProvider() {
            @Override
            public String scheme() {
                return "testonly";
            }

            @Override
            public CaptureSource open(CaptureUri uri, CaptureOptions options) {
                throw new CaptureUriException("testonly opened " + uri.target());
            }
        });
        assertMsg("testonly opened q0", () -> CaptureSources.open("testonly:q0", null));
    }

    private static void assertMsg(String part, org.junit.jupiter.api.function.Executable ex) {
        CaptureException e = assertThrows(CaptureException.class, ex);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }
}
