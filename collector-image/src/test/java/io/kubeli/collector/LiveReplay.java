package io.kubeli.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubeli.etsi.PsPdu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The frame of a live capture test: its intercepts, and at the end strict decoding and an identical pcapfile: replay. */
final class LiveReplay {
    private LiveReplay() {}

    /**
     * TMP/intercepts holding agency lea1 and one Intercept {@code name} (valid from an hour ago for two hours, CC and
     * IRI) with the one {@code target} (a YAML flow mapping such as {@code {sipUri: "sip:alice@example.org"}}).
     */
    /**
     * The collector on the capture end of {@code veth} (AF_PACKET, one thread), the Intercepts of {@code intercepts},
     * records to the file: directory {@code live}, RADIUS off; {@code extra} options appended.
     */
    static CollectorApp afpacket(io.kubeli.capture.VethPair veth, Path intercepts, Path live, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--source",
                "afpacket:" + veth.captureIf + "?threads=1&blocks=64&timeoutMs=5",
                "--intercepts",
                intercepts.toString(),
                "--output",
                "file:" + live + "/",
                "--radius-ports",
                "none",
                "--poll-ms",
                "100"));
        args.addAll(List.of(extra));
        return CollectorApp.start(
                CollectorSettings.parse(args.toArray(String[]::new)), FileSink.forPath(live + "/"), Clock.systemUTC());
    }

    static Path intercepts(Path tmp, String name, String liid, String target) throws Exception {
        Instant now = Instant.now();
        Path dir = PcapEndToEndTest.writeIntercept(
                tmp.resolve("intercepts"),
                "i.yaml",
                name,
                liid,
                now.minusSeconds(3600),
                now.plusSeconds(3600),
                "both",
                "  - " + target);
        return dir;
    }

    /** The record files of a file: output directory, in name order. */
    static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Every PDU of the record files in {@code dir}, strictly decoded (as ./kubeli decode --check). */
    static List<PsPdu> decodeAll(Path dir) throws Exception {
        List<PsPdu> pdus = new ArrayList<>();
        for (Path f : files(dir)) {
            pdus.addAll(PcapEndToEndTest.decodeAll(f));
        }
        return pdus;
    }

    /**
     * Runs the collector on {@code capture} (pcapfile:) with the same intercepts and {@code options} into
     * {@code replay}, and asserts the same record files, byte for byte, as the live run wrote to {@code live}.
     */
    static void assertIdentical(Path capture, Path intercepts, Path live, Path replay, String... options)
            throws Exception {
        Files.createDirectories(replay);
        List<String> args = new ArrayList<>(List.of(
                "--source",
                "pcapfile:" + capture,
                "--intercepts",
                intercepts.toString(),
                "--output",
                "file:" + replay + "/"));
        args.addAll(List.of(options));
        CollectorApp r = CollectorApp.start(
                CollectorSettings.parse(args.toArray(String[]::new)),
                FileSink.forPath(replay + "/"),
                Clock.systemUTC());
        try {
            r.awaitFiniteEnd();
        } finally {
            r.close();
        }
        List<Path> files = files(live);
        List<Path> rfiles = files(replay);
        assertEquals(
                files.stream().map(Path::getFileName).toList(),
                rfiles.stream().map(Path::getFileName).toList());
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(
                    Files.readAllBytes(files.get(i)),
                    Files.readAllBytes(rfiles.get(i)),
                    "replay of " + files.get(i).getFileName() + " is byte-identical");
        }
    }
}
