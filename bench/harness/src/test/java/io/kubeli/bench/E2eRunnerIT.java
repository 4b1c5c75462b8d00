package io.kubeli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** One small end-to-end point through real collector, mediator and agency processes: keeps bench/run working. */
class E2eRunnerIT {

    // the minimal sink (the default agency) and the test LEA receiver must agree on what arrived
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sink", "lea"})
    void smallPointDeliversEveryTargetPacketOnce(String agency, @TempDir Path dir) throws Exception {
        Path root = Path.of("../..").toAbsolutePath().normalize();
        E2eRunner runner =
                new E2eRunner(root, dir.resolve("certs"), "batch", agency, java.util.List.of("-XX:+UseSerialGC"));
        runner.checkArtifacts();
        Path capture = dir.resolve("c.pcap");
        BenchCapture.Result cap = new BenchCapture(new BenchCapture.Spec(20_000, 50, 11)).write(capture);
        E2ePoint p = runner.run("plain", 50, capture, cap, dir.resolve("run"), 0);
        assertEquals(10_000, p.expectedCc());
        assertEquals(10_000, p.ccUnique(), "every target packet arrives");
        assertTrue(p.expectedIri() > 0, "IRI-Begin/End are expected");
        assertEquals(p.expectedIri(), p.iriUnique());
        assertEquals(0, p.loss());
        assertEquals(0, p.missing());
        assertEquals(0, p.duplicates());
        assertTrue(
                p.collectorCpuNanos() > 0 && p.mediatorCpuNanos() > 0 && p.leaCpuNanos() > 0,
                "CPU attributed per process");
        assertTrue(p.lastRecordEpochNanos() >= p.firstRecordEpochNanos()
                && p.firstRecordEpochNanos() > p.collectorStartEpochNanos());
        assertEquals(agency, p.extra().agency());
        assertTrue(
                p.extra().collectorRss() > 0
                        && p.extra().mediatorRss() > 0
                        && p.extra().agencyRss() > 0,
                "peak RSS per process");
        assertTrue(
                p.extra().collectorStartupNanos() > 0 && p.extra().mediatorStartupNanos() > 0,
                "start-up measured apart");
    }
}
