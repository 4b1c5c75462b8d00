package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 obs 1 and 2 with real mediator processes: a full data filesystem (tmpfs, as root) never gets a record
 * acknowledged that is not stored, turns the mediator not ready with kubeli_mediator_storage_failed 1, and resumes by
 * itself when space returns; a read-only data directory stops start-up with one line and exit 2.
 */
class MediatorStorageIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MediatorRig rig = new MediatorRig(() -> tmp);

    final HttpClient http = HttpClient.newHttpClient();

    static boolean root() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return "0".equals(uid);
    }

    static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        if (p.exitValue() != 0) System.out.println(String.join(" ", cmd) + ": " + out);
        return p.exitValue();
    }

    Path tmpfs(String name, String options) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        assertEquals(0, run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()), "mount tmpfs");
        rig.closeLater(() -> run("umount", "-l", dir.toString())); // after what runs on it
        return dir;
    }

    int status(int port, String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    double metric(int port, String name) {
        try {
            return MediatorRig.metric(MediatorRig.scrape(port), name);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return Double.NaN;
        }
    }

    MediatorProcess mediator(Path config, int port, Path data) throws Exception {
        return rig.mediator(List.of(
                "--config",
                config.toString(),
                "--listen",
                Integer.toString(port),
                "--data",
                data.toString(),
                "--plain",
                "--status-interval",
                "5",
                "--fsync",
                "batch",
                "--metrics-port",
                "0",
                "--buffer-bytes",
                "1g",
                "--segment-bytes",
                "1m"));
    }

    @Test
    void diskFullNeverAcknowledgesWhatIsNotStoredAndResumesWhenSpaceReturns() throws Exception {
        assumeTrue(root(), "skipped: mounting a small tmpfs for the disk-full test needs root");
        Path mnt = tmpfs("small", "size=20m,mode=0700");
        Path filler = mnt.resolve("filler");
        Files.write(filler, new byte[8 << 20]); // leaves about 12 MiB for the mediator
        int hi2 = MediatorRig.freePort(), hi3 = MediatorRig.freePort(), port = MediatorRig.freePort();
        Path config = rig.config(MediatorRig.yaml("ic-a", "LIID-A", "both", hi2, hi3));
        MediatorProcess m = mediator(config, port, mnt.resolve("data"));
        int metrics = MediatorRig.metricsPort(m);
        assertEquals(200, status(metrics, "/readyz"));

        LinkClient c = rig.client(rig.clientConfig("coll-1", port, TlsConfig.none())
                .withQueueCapacity(2048)
                .withSpoolMaxBytes(256L << 20));
        // the agency is away: about 15 MiB of records (CC and IRI) pile up on a filesystem with about 12 MiB free
        List<byte[]> cc = new ArrayList<>(), iri = new ArrayList<>();
        int total = 12_000;
        for (int i = 0; i < total; i++) {
            boolean isIri = i % 5 == 4;
            long seq = isIri ? iri.size() : cc.size();
            byte[] pdu = isIri ? TestPdus.iri("LIID-A", 9, seq, 1200) : TestPdus.cc("LIID-A", 9, seq, 1200);
            (isIri ? iri : cc).add(pdu);
            while (!c.offer(new LinkRecord(
                    "default/ic-a", "agency-a", "LIID-A", 9, isIri ? StreamType.IRI : StreamType.CC, seq, pdu))) {
                Thread.sleep(5);
            }
        }
        assertTrue(
                await(60_000, () -> metric(metrics, "kubeli_mediator_storage_failed") == 1.0),
                "storage failed is reported");
        assertEquals(503, status(metrics, "/readyz"), "not ready while storage failed");
        assertTrue(metric(metrics, "kubeli_mediator_storage_failures_total") >= 1);
        Thread.sleep(1000); // an ACK sent before the failure may still be on its way
        long acked = c.stats().acked();
        double stored = metric(metrics, "kubeli_mediator_records_stored_total");
        assertTrue(acked < total, "nothing beyond what fits is acknowledged: acked " + acked);
        assertTrue(acked <= stored, "acked " + acked + " <= stored " + stored);
        Thread.sleep(2000); // retries keep failing: no ack meanwhile
        assertEquals(acked, c.stats().acked());
        assertEquals(1.0, metric(metrics, "kubeli_mediator_storage_failed"));
        assertEquals(0, c.stats().lost(), "the collector keeps everything (queue and spool)");
        System.out.printf(
                "disk full: acked %d of %d, stored %.0f, collector spooled %d%n",
                acked, total, stored, c.stats().spooled());

        Files.delete(filler); // space returns: no restart needed
        assertTrue(c.flush(Duration.ofSeconds(90)), () -> c.stats().toString());
        assertTrue(await(10_000, () -> metric(metrics, "kubeli_mediator_storage_failed") == 0.0));
        assertEquals(200, status(metrics, "/readyz"));
        assertEquals(total, (long) metric(metrics, "kubeli_mediator_records_stored_total"), "every record stored once");

        m.kill(); // recovery after the failures drops nothing
        MediatorProcess again = mediator(config, port, mnt.resolve("data"));
        int metrics2 = MediatorRig.metricsPort(again);
        assertEquals(0.0, metric(metrics2, "kubeli_mediator_storage_quarantined_bytes"));
        LeaReceiver lea = rig.lea("lea", LeaOptions.defaults().withPorts(hi2, hi3)); // the agency comes back
        assertTrue(
                await(90_000, () -> lea.summary().uniqueRecords() >= total),
                () -> lea.summary().oneLine());
        lea.flush();
        List<byte[]> gotCc = records(tmp.resolve("lea/hi3.ber")), gotIri = records(tmp.resolve("lea/hi2.ber"));
        assertSameRecords(cc, dedup(gotCc));
        assertSameRecords(iri, dedup(gotIri));
        long duplicates = lea.summary().duplicates(), gaps = lea.summary().missing();
        System.out.printf(
                "disk full end to end: expected %d, delivered unique %d, duplicates %d, gaps %d, counted losses %d%n",
                total,
                lea.summary().uniqueRecords(),
                duplicates,
                gaps,
                c.stats().lost());
        assertEquals(0, gaps);
        assertEquals(0, duplicates, "no record stored twice");
        assertEquals(0, c.stats().lost());
        // records and sequence state are private
        for (Path p :
                List.of(mnt.resolve("data"), mnt.resolve("data/held"), mnt.resolve("data/agencies/agency-a/hi3"))) {
            assertEquals(
                    "rwx------",
                    java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
                    p.toString());
        }
        try (var s = Files.walk(mnt.resolve("data"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                assertEquals(
                        "rw-------",
                        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
                        p.toString());
            }
        }
    }

    @Test
    void readOnlyDataDirectoryStopsStartUpWithOneLine() throws Exception {
        Path data;
        if (root()) {
            data = tmpfs("ro", "size=1m,ro");
        } else {
            data = Files.createDirectories(tmp.resolve("ro")); // without root: a directory we may not write
            Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
        }
        Path config = rig.config(MediatorRig.yaml("ic-a", "LIID-A", "both", 1, 2));
        List<String> cmd = MediatorProcess.command(List.of(
                "--config",
                config.toString(),
                "--listen",
                "0",
                "--data",
                data.resolve("data").toString(),
                "--plain"));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        List<String> lines = err.lines().filter(l -> l.startsWith("mediator:")).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.getFirst().contains("cannot use the data directory"), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), "no stack trace: " + err);
        System.out.println("read-only data directory: " + lines.getFirst());
    }
}
