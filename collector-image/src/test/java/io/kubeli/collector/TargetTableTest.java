package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.etsi.HeaderParams;
import io.kubeli.etsi.IpccTemplate;
import io.kubeli.etsi.Profile;
import io.kubeli.etsi.TimestampFormat;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TargetTableTest {
    static TargetEntry entry(Object intercept, String liid, long cin, long from, long until) {
        HeaderParams hp =
                new HeaderParams(Profile.LATEST, liid, "DE", "OP", "NE1", cin, "DE", TimestampFormat.GENERALIZED, null);
        return new TargetEntry(
                intercept,
                new KeyState(liid, "agency", liid, cin, 0),
                from,
                until,
                true,
                true,
                hp,
                IpccTemplate.of(hp));
    }

    static TargetEntry entry(Object intercept, String liid) {
        return entry(intercept, liid, 1, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    static int v4(String a) {
        return ByteBuffer.wrap(Frames.addr(a)).getInt();
    }

    @Test
    void exactAndLongestPrefix() {
        Object x = new Object();
        Object y = new Object();
        TargetEntry ex = entry(x, "X");
        TargetEntry ey = entry(y, "Y");
        TargetEntry ey2 = entry(y, "Y2");
        TargetTable t = new TargetTable.Builder()
                .add(IpPrefix.parse("10.0.0.0/8"), ex)
                .add(IpPrefix.parse("10.1.0.0/16"), ey)
                .add(IpPrefix.parse("10.1.2.3"), ey2)
                .build();
        assertNull(t.lookup4(v4("11.0.0.1")));
        assertArrayEquals(new TargetEntry[] {ex}, t.lookup4(v4("10.2.0.1")));
        assertArrayEquals(new TargetEntry[] {ey, ex}, t.lookup4(v4("10.1.9.9")));
        // Y's longest match (the /32) wins for Y; X still gets its record from the /8
        assertArrayEquals(new TargetEntry[] {ey2, ex}, t.lookup4(v4("10.1.2.3")));
        assertEquals(3, t.size());
    }

    @Test
    void hostBitsOfAPrefixAreIgnored() {
        TargetEntry e = entry(new Object(), "X");
        TargetTable t = new TargetTable.Builder()
                .add(IpPrefix.parse("198.18.2.77/24"), e)
                .build();
        assertNotNull(t.lookup4(v4("198.18.2.1")));
        assertNull(t.lookup4(v4("198.18.3.1")));
    }

    @Test
    void ipv6ExactAndPrefix() {
        TargetEntry a = entry(new Object(), "A");
        TargetEntry b = entry(new Object(), "B");
        TargetTable t = new TargetTable.Builder()
                .add(IpPrefix.parse("2001:db8::/32"), a)
                .add(IpPrefix.parse("2001:db8:0:1::5"), b)
                .build();
        assertArrayEquals(new TargetEntry[] {a}, t.lookup6(0x20010db8_00000000L, 7));
        assertArrayEquals(new TargetEntry[] {b, a}, t.lookup6(0x20010db8_00000001L, 5));
        assertNull(t.lookup6(0x20010db9_00000000L, 5));
        assertNull(t.lookup4(v4("10.0.0.1")));
        IpPrefix p = IpPrefix.parse("2001:db8::1:2:3:4/100");
        assertEquals(100, p.length());
        assertEquals(0x0001000200000000L, p.lo()); // 100 bits: the last 28 bits are cleared
    }

    @Test
    void rejectsNonLiteralsWithoutEchoingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("example.org"));
        assertFalse(e.getMessage().contains("example"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.1/33"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.1/x"));
        assertFalse(IpPrefix.parse("10.0.0.1").toString().contains("10.0"));
    }

    @Test
    void hundredThousandTargets() {
        TargetTable.Builder b = new TargetTable.Builder();
        TargetEntry e = entry(new Object(), "MANY");
        for (int i = 0; i < 100_000; i++) {
            b.add(IpPrefix.parse("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255)), e);
        }
        b.add(IpPrefix.parse("2001:db8::/48"), e);
        TargetTable t = b.build();
        assertEquals(100_001, t.size());
        for (int i = 0; i < 100_000; i += 997) {
            assertNotNull(t.lookup4(0x0A000000 | i));
        }
        assertNull(t.lookup4(0x0A000000 | 100_000));
        assertNull(t.lookup4(v4("192.0.2.1")));
    }

    @Test
    void snapshotSwapIsSeenByTheNextBatch() {
        CollectorPipeline p = new CollectorPipeline(CollectorPipeline.Settings.defaults(), new CollectingSink());
        assertTrue(p.table().isEmpty());
        TargetTable t = new TargetTable.Builder()
                .add(IpPrefix.parse("198.18.2.1"), entry(new Object(), "S"))
                .build();
        p.setTable(t);
        assertSame(t, p.table());
    }
}
