package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where numbering starts: the link journal's next number, never below an older version's reservation. */
class SequenceStoreTest {
    @TempDir
    Path tmp;

    @Test
    void startsFromTheJournalAndNeverBelowALegacyReservation() throws Exception {
        Path legacy = tmp.resolve("etsi-sequences");
        Files.writeString(legacy, "L\t7\t65546\t65538\n");
        SequenceStore s = SequenceStore.from((k, st) -> st == Stream.CC ? 12 : 3, legacy);
        KeyState old = new KeyState("n", "a", "L", 7, 0);
        s.init(old);
        assertEquals(65546, old.nextCcSeq, "an upgrade never reuses a reserved number");
        assertEquals(65538, old.nextIriSeq);
        KeyState fresh = new KeyState("n", "a", "M", 7, 0);
        s.init(fresh);
        assertEquals(12, fresh.nextCcSeq);
        assertEquals(3, fresh.nextIriSeq);
    }

    @Test
    void noneStartsAtZero() {
        KeyState k = new KeyState("n", "a", "L", 7, 0);
        SequenceStore.none().init(k);
        assertEquals(0, k.nextCcSeq);
        assertEquals(0, k.nextIriSeq);
    }
}
