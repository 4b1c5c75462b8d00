package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static-IP intercepts across a collector crash: the agency sees one IRI-Begin per stream. The Begin that left the
 * crashed process is not repeated (before: every restart sent a second Begin on the same CIN); one that died in its
 * memory is sent again with its number; after a graceful stop (IRI-End sent) the stream begins again.
 */
class BegunStreamsTest {
    @TempDir
    Path tmp;

    private final java.time.Clock clock = java.time.Clock.fixed(WarrantIsolationTest.NOW, java.time.ZoneOffset.UTC);
    private CollectingSink sink;
    private CollectorPipeline pipeline;
    private InterceptManager manager;

    /** A process: numbering continues from {@code journal} (stream -> next number), the Intercept is loaded. */
    private void start(Map<String, Long> journal) throws Exception {
        sink = new CollectingSink();
        pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        pipeline.setSequenceStore(SequenceStore.from((k, st) -> journal.getOrDefault(k.liid() + st, 0L), null));
        manager = new InterceptManager(pipeline, "NE", clock, InterceptManager.Rules.defaults());
        manager.persistBegunStreams(tmp.resolve("spool").resolve("iri-begun"));
        Path dir = Files.createDirectories(tmp.resolve("i"));
        Files.writeString(
                dir.resolve("a.yaml"),
                WarrantIsolationTest.agency("lea1")
                        + WarrantIsolationTest.intercept("s0", "LS0", "lea1", null, "  - {ip: 198.18.5.5}"));
        manager.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
        manager.tick();
    }

    private List<long[]> iri() throws Exception { // [type ordinal, sequence number]
        pipeline.start();
        pipeline.drain();
        List<long[]> out = new ArrayList<>();
        for (CollectingSink.Rec r : sink.snapshot()) {
            PsPdu p = PsPduDecoder.DEFAULT.decode(r.pdu());
            if (p.payload() instanceof Payload.Iri i)
                out.add(new long[] {
                    i.payloads().get(0).iriType().ordinal(), p.header().sequenceNumber()
                });
        }
        return out;
    }

    private static long[] rec(IriType t, long seq) {
        return new long[] {t.ordinal(), seq};
    }

    private static void assertIri(List<long[]> expected, List<long[]> actual) {
        assertEquals(
                expected.stream().map(java.util.Arrays::toString).toList(),
                actual.stream().map(java.util.Arrays::toString).toList());
    }

    @Test
    void aCrashRestartContinuesTheStreamWithoutASecondBegin() throws Exception {
        start(Map.of());
        assertIri(List.of(rec(IriType.IRI_BEGIN, 0)), iri());
        assertEquals(0600, (int) Files.getAttribute(tmp.resolve("spool/iri-begun"), "unix:mode") & 0777);
        start(Map.of("LS0IRI", 1L)); // SIGKILL after the Begin left: the journal resumes at 1
        assertIri(List.of(), iri());
        manager.endAll(); // then a graceful stop
        assertIri(List.of(rec(IriType.IRI_END, 1)), iri());
    }

    @Test
    void aBeginThatDiedInMemoryIsSentAgainWithItsNumber() throws Exception {
        start(Map.of());
        iri();
        start(Map.of()); // the Begin never left: the journal still says 0
        assertIri(List.of(rec(IriType.IRI_BEGIN, 0)), iri());
    }

    @Test
    void aGracefulStopEndsTheStreamAndTheNextStartBeginsIt() throws Exception {
        start(Map.of());
        manager.endAll();
        assertIri(List.of(rec(IriType.IRI_BEGIN, 0), rec(IriType.IRI_END, 1)), iri());
        start(Map.of("LS0IRI", 2L));
        assertIri(List.of(rec(IriType.IRI_BEGIN, 2)), iri());
    }

    @Test
    void anUnreadableStateFileMeansBeginsAsBefore() throws Exception {
        Files.createDirectories(tmp.resolve("spool"));
        Files.writeString(tmp.resolve("spool/iri-begun"), "garbage=\\u12"); // hostile / damaged
        start(Map.of("LS0IRI", 5L));
        assertIri(List.of(rec(IriType.IRI_BEGIN, 5)), iri());
    }
}
