package io.kubeli.mediator;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** {@code --replica-index}: explicit, or the StatefulSet ordinal at the end of HOSTNAME, else 0 (contract C4). */
class ReplicaIndexTest {
    @Test
    void ordinalComesFromTheHostnameSuffix() {
        assertEquals(2, MediatorMain.replicaFromHostname("kubeli-mediator-m1-2"));
        assertEquals(0, MediatorMain.replicaFromHostname("kubeli-mediator-m1-0"));
        assertEquals(0, MediatorMain.replicaFromHostname("laptop"));
        assertEquals(0, MediatorMain.replicaFromHostname("name-x1"));
        assertEquals(0, MediatorMain.replicaFromHostname(null));
    }

    @Test
    void explicitIndexWinsAndOnlyZeroSendsHi1() {
        MediatorSettings s = MediatorMain.parse(
                new String[] {"--config", "/tmp", "--listen", "0", "--data", "/tmp/d", "--plain", "--replica-index", "3"
                });
        assertEquals(3, s.replicaIndex());
        assertFalse(s.sendsHi1());
        assertTrue(MediatorMain.parse(new String[] {
                    "--config", "/tmp", "--listen", "0", "--data", "/tmp/d", "--plain", "--replica-index", "0"
                })
                .sendsHi1());
    }

    @Test
    void aBadIndexIsOneClearError() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> MediatorMain.parse(new String[] {
                    "--config", "/tmp", "--listen", "0", "--data", "/tmp/d", "--plain", "--replica-index", "x"
                }));
        assertTrue(e.getMessage().contains("--replica-index") && e.getMessage().contains("'x'"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> MediatorMain.parse(new String[] {
                    "--config", "/tmp", "--listen", "0", "--data", "/tmp/d", "--plain", "--replica-index", "70000"
                }));
        assertEquals("--replica-index must be between 0 and 65535 (got 70000)", e.getMessage());
    }
}
