package io.kubeli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The minimal agency's sequence check: a gap is counted as missing numbers, a repeat or step back as a duplicate. */
class BenchSinkTest {
    @Test
    void countsGapsAndRepeats() {
        BenchSink sink = new BenchSink();
        BenchSink.Stream st = new BenchSink.Stream();
        for (long s : new long[] {0, 1, 2, 5, 5, 3, 6}) sink.check(st, s);   // hostile: 3 and 4 skipped, 5 twice, 3 late
        assertEquals(2, sink.missing.get());
        assertEquals(2, sink.duplicates.get());
        assertEquals(5, st.unique);
    }

    @Test
    void aStreamMayStartAboveZero() {
        BenchSink sink = new BenchSink();
        BenchSink.Stream st = new BenchSink.Stream();
        for (long s = 40; s < 50; s++) sink.check(st, s);   // a restarted collector continues its numbering
        assertEquals(0, sink.missing.get());
        assertEquals(10, st.unique);
    }
}
