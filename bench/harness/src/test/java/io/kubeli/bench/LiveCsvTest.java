package io.kubeli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LiveCsvTest {

    @Test
    void parsesTheLiveCaptureFormat() {
        List<LiveRow> rows = LiveCsv.parse("""
                method,level,offered_pps,sent,captured,socket_drops,interface_drops,backlog_drops,cpu_ns_per_pkt
                afpacket,collector,100000,1000000,1000000,0,0,0,812.5
                tcpdump,source,400000,4000000,3900000,100000,0,0,
                tcpdump -w /dev/null,source,100000,100000,99840,0,,,100.2
                """);
        assertEquals(3, rows.size());
        assertEquals("tcpdump -w /dev/null", rows.get(2).method());
        assertEquals(-1, rows.get(2).interfaceDrops(), "n/a is written as an empty cell");
        LiveRow a = rows.getFirst();
        assertEquals("afpacket", a.method());
        assertEquals("collector", a.level());
        assertEquals(100_000, a.offeredPps());
        assertEquals(1.0, a.captureRatio());
        assertEquals(812.5, a.cpuNsPerPacket());
        LiveRow t = rows.get(1);
        assertEquals(0.975, t.captureRatio(), 1e-9);
        assertEquals(100_000, t.socketDrops());
        assertTrue(Double.isNaN(t.cpuNsPerPacket()), "an empty cell is unknown");
        assertEquals("tcpdump (source)", t.series());
    }

    @Test
    void columnsAreFoundByNameAndUnknownsAreMarked() {
        List<LiveRow> rows = LiveCsv.parse("""
                # comment
                captured,sent,offered_pps,level,method,extra
                5,10,1e3,source,pcap,x
                """);
        assertEquals(1, rows.size());
        assertEquals("pcap", rows.getFirst().method());
        assertEquals(0.5, rows.getFirst().captureRatio());
        assertEquals(-1, rows.getFirst().socketDrops());
    }

    @Test
    void badInputNamesTheLine() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> LiveCsv.parse("method,level,offered_pps,sent,captured\nx,y,1,two,3\n"));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
        var h = assertThrows(IllegalArgumentException.class, () -> LiveCsv.parse("method,level,sent\n"));
        assertTrue(h.getMessage().contains("offered_pps"), h.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LiveCsv.parse(""));
    }
}
