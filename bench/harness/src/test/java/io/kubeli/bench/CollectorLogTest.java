package io.kubeli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CollectorLogTest {

    @Test
    void readTimeRunsFromCaptureStartToTheFirstIriEnd() {
        List<String> log = List.of(
                "2026-11-26T00:53:13.563Z INFO io.kubeli.collector.InterceptManager: intercept bench-0001: IRI-Begin (cin 9)",
                "2026-11-26T00:53:13.792Z INFO io.kubeli.collector.CollectorApp: capturing from pcapfile:/x/share-50.pcap with 1 thread(s)",
                "kubeli collector: metrics on :39887/metrics",
                "2026-11-26T00:53:16.017Z INFO io.kubeli.collector.InterceptManager: intercept bench-0001: IRI-End (cin 1)",
                "2026-11-26T00:53:16.018Z INFO io.kubeli.collector.InterceptManager: intercept bench-0001: IRI-End (cin 2)");
        assertEquals(2_225_000_000L, E2eRunner.readNanosFromLog(log));
        assertEquals(-1, E2eRunner.readNanosFromLog(log.subList(0, 3)), "no end: unknown");
        assertEquals(-1, E2eRunner.readNanosFromLog(List.of("garbage", "")), "no start: unknown");
    }

    @Test
    void summaryKeyValuesAndNegativeTimes() {
        var m = E2eRunner.keyValues(
                "kubeli collector: packets=300000 records=150018 (cc=150000 iri=18) written=150018 drops=0 "
                        + "(socket=0 interface=0) out-of-window=0");
        assertEquals(300_000, m.get("packets"));
        assertEquals(18, m.get("iri"));
        assertEquals(0, m.get("drops"));
        assertEquals(0, m.get("out-of-window"));
        var r = E2eRunner.keyValues("RESULT first=-1 last=-1 cc=0 iri=0");
        assertEquals(-1, r.get("first"));
    }
}
