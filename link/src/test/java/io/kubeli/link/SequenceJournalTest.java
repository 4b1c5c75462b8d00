package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-ahead sequence journal: highest numbers per stream survive a reopen, a torn copy falls back. */
class SequenceJournalTest {
    @TempDir
    Path tmp;

    private static LinkRecord rec(String liid, StreamType st, long seq) {
        return new LinkRecord("ns/i", "lea", liid, 5, st, seq, new byte[1]);
    }

    @Test
    void coversSurviveAReopenAndATornCopyFallsBackToTheOther() throws Exception {
        SequenceJournal j = SequenceJournal.open(tmp);
        assertFalse(j.hasState());
        j.cover(
                List.of(rec("A", StreamType.CC, 0), rec("A", StreamType.CC, 1), rec("A", StreamType.IRI, 0)),
                0,
                3,
                100,
                102,
                true);
        j.cover(List.of(rec("A", StreamType.CC, 2), rec("B", StreamType.CC, 9)), 0, 2, 103, 104, false);
        SequenceJournal r = SequenceJournal.open(tmp);
        assertEquals(2, r.highest("ns/i", "A", 5, StreamType.CC));
        assertEquals(0, r.highest("ns/i", "A", 5, StreamType.IRI));
        assertEquals(9, r.highest("ns/i", "B", 5, StreamType.CC));
        assertEquals(-1, r.highest("ns/i", "C", 5, StreamType.CC));
        assertEquals(100, r.firstLink());
        assertEquals(104, r.coveredLink());
        assertEquals(102, r.sentLink());
        // the newest copy torn (a crash in the middle of its write): the previous state is used, never nothing
        Path newest = tmp.resolve("etsi-seq.a"); // generation 2 (the copies alternate: odd b, even a)
        byte[] b = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(b, b.length / 2));
        SequenceJournal t = SequenceJournal.open(tmp);
        assertTrue(t.hasState());
        assertEquals(102, t.coveredLink(), "the previous consistent copy");
        assertEquals(1, t.highest("ns/i", "A", 5, StreamType.CC));
        // both unreadable: refuse (reusing numbers would give the agency two records with one number)
        Files.write(tmp.resolve("etsi-seq.a"), new byte[] {1, 2, 3});
        Files.write(tmp.resolve("etsi-seq.b"), new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> SequenceJournal.open(tmp));
    }
}
