package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sequence numbers never reused across restarts: exact after a clean stop, after the reservation after a crash. */
class SequenceStoreTest {
    @TempDir
    Path tmp;

    @Test
    void cleanRestartContinuesAndCrashSkipsToTheReservation() {
        Path f = tmp.resolve("seq");
        SequenceStore s1 = SequenceStore.open(f);
        KeyState k1 = new KeyState("n", "a", "L", 7, 0);
        s1.init(k1);
        k1.nextCcSeq = 10;
        k1.nextIriSeq = 2;
        s1.saveExact(List.of(k1));

        SequenceStore s2 = SequenceStore.open(f);
        KeyState k2 = new KeyState("n", "a", "L", 7, 0);
        s2.init(k2);
        assertEquals(10, k2.nextCcSeq);
        assertEquals(2, k2.nextIriSeq);
        k2.nextCcSeq = k2.ccLimit; // used up the block: the owner reserves the next one
        s2.reserve(k2, Stream.CC);
        k2.nextCcSeq += 5;
        // crash: no saveExact

        KeyState k3 = new KeyState("n", "a", "L", 7, 0);
        SequenceStore.open(f).init(k3);
        assertEquals(10 + 2 * SequenceStore.BLOCK, k3.nextCcSeq, "continues after the last reservation");
        assertTrue(k3.nextCcSeq > k2.nextCcSeq, "never reuses a number");
        assertEquals(2 + SequenceStore.BLOCK, k3.nextIriSeq);
    }

    @Test
    void noneStartsAtZeroWithoutLimits() {
        KeyState k = new KeyState("n", "a", "L", 7, 0);
        SequenceStore.none().init(k);
        assertEquals(0, k.nextCcSeq);
        assertEquals(Long.MAX_VALUE, k.ccLimit);
    }
}
