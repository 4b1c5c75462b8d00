package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.await;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, HI1-style notifications: activation, modification (targets, window) and deactivation of an Intercept
 * reach its agency on HI2 as hI1-Operation PDUs, once each (a SIGKILL and restart neither loses nor repeats one), never
 * for a refused Intercept, and only from replica 0.
 */
class Hi1NotificationIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MediatorRig rig = new MediatorRig(() -> tmp);

    MediatorProcess mediator(Path config, String data, String... extra) throws Exception {
        return rig.mediator(config, 0, data, extra);
    }

    /** The distinct HI1 notifications in a recorded HI2 stream, keyed by LIID/sequence, valued by alternative (1 act., 2 deact., 3 mod.). */
    static Map<String, Integer> notifications(Path hi2) throws Exception {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (!Files.exists(hi2)) return out;
        io.kubeli.etsi.PduInspector v = new io.kubeli.etsi.PduInspector();
        new io.kubeli.etsi.PduStreamSplitter(io.kubeli.etsi.DecodeLimits.DEFAULT, v, (b, o, l, at) -> {
                    if (v.kind() != io.kubeli.etsi.PduInspector.PayloadKind.HI1_OPERATION) return;
                    try {
                        PsPdu p = PsPduDecoder.DEFAULT.decode(b, o, l);
                        Payload.Other op = (Payload.Other) p.payload();
                        Integer prev = out.put(
                                v.liid() + "/" + v.sequenceNumber(), op.tlv().get(2) & 0x1f);
                        if (prev != null && prev != (op.tlv().get(2) & 0x1f))
                            throw new AssertionError("two notifications share " + v.liid() + "/" + v.sequenceNumber());
                    } catch (io.kubeli.etsi.MalformedPduException e) {
                        throw new AssertionError("strict decoder rejects an HI1 PDU: " + e.getMessage());
                    }
                })
                .feed(Files.readAllBytes(hi2));
        return out;
    }

    static long count(Map<String, Integer> n, String liid, int type) {
        return n.entrySet().stream()
                .filter(e -> e.getKey().startsWith(liid + "/") && e.getValue() == type)
                .count();
    }

    @Test
    void activationModificationDeactivationOnceEachAcrossASigkill() throws Exception {
        LeaReceiver a = rig.lea("lea-a"), b = rig.lea("lea-b");
        Path config = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(
                config.resolve("agencies.yaml"),
                RoutingIT.agency("agency-a", a) + "---\n" + RoutingIT.agency("agency-b", b));
        Files.writeString(
                config.resolve("ic-a.yaml"),
                RoutingIT.intercept("ic-a", "LIID-A", "agency-a", "2025-01-01T00:00:00Z", "192.0.2.10"));
        Files.writeString(
                config.resolve("ic-a2.yaml"),
                RoutingIT.intercept("ic-a2", "LIID-A", "agency-b", "2025-06-01T00:00:00Z", "192.0.2.30"));
        Path hi2a = tmp.resolve("lea-a/hi2.ber"), hi2b = tmp.resolve("lea-b/hi2.ber");
        MediatorProcess m = mediator(config, "data");
        assertTrue(
                await(20_000, () -> {
                    a.flush();
                    return n(hi2a).size() == 1;
                }),
                () -> n(hi2a).toString());
        assertEquals(1, count(n(hi2a), "LIID-A", 1), "activation");
        Thread.sleep(1500); // keep-alives confirm it (300 ms interval)
        m.kill();
        m = mediator(config, "data");
        Thread.sleep(2500);
        a.flush();
        assertEquals(1, n(hi2a).size(), () -> "no second activation after a restart: " + n(hi2a));

        // targets change: modification; the window changes: modification
        Files.writeString(
                config.resolve("ic-a.yaml"),
                RoutingIT.intercept("ic-a", "LIID-A", "agency-a", "2025-01-01T00:00:00Z", "192.0.2.11"));
        assertTrue(
                await(20_000, () -> {
                    a.flush();
                    return count(n(hi2a), "LIID-A", 3) == 1;
                }),
                () -> n(hi2a).toString());
        Files.writeString(
                config.resolve("ic-a.yaml"),
                RoutingIT.intercept("ic-a", "LIID-A", "agency-a", "2025-01-01T00:00:00Z", "192.0.2.11")
                        .replace("2099-01-01", "2098-01-01"));
        assertTrue(
                await(20_000, () -> {
                    a.flush();
                    return count(n(hi2a), "LIID-A", 3) == 2;
                }),
                () -> n(hi2a).toString());
        // the warrant is withdrawn: deactivation; the refused claimant now owns LIID-A and its agency is told
        Files.delete(config.resolve("ic-a.yaml"));
        assertTrue(
                await(20_000, () -> {
                    a.flush();
                    return count(n(hi2a), "LIID-A", 2) == 1;
                }),
                () -> n(hi2a).toString());
        assertTrue(
                await(20_000, () -> {
                    b.flush();
                    return count(n(hi2b), "LIID-A", 1) == 1;
                }),
                () -> n(hi2b).toString());
        Thread.sleep(1500);
        m.kill();
        mediator(config, "data");
        Thread.sleep(2500);
        a.flush();
        b.flush();
        Map<String, Integer> atA = n(hi2a);
        assertEquals(4, atA.size(), atA::toString); // activation, 2 modifications, deactivation: seq 0..3
        for (int s = 0; s < 4; s++) assertTrue(atA.containsKey("LIID-A/" + s), atA::toString);
        assertEquals(1, n(hi2b).size(), () -> n(hi2b).toString());
    }

    @Test
    void onlyReplicaZeroNotifiesAndAnExpiredWindowIsADeactivation() throws Exception {
        LeaReceiver a = rig.lea("lea-a");
        Path config = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(config.resolve("agencies.yaml"), RoutingIT.agency("agency-a", a));
        String soon = java.time.Instant.now()
                .plusSeconds(12)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        Files.writeString(
                config.resolve("ic-a.yaml"),
                RoutingIT.intercept("ic-a", "LIID-A", "agency-a", "2025-01-01T00:00:00Z", "192.0.2.10")
                        .replace("2099-01-01T00:00:00Z", soon));
        MediatorProcess r1 = mediator(config, "data1", "--replica-index", "1");
        MediatorProcess r0 = mediator(config, "data0", "--replica-index", "0");
        Path hi2a = tmp.resolve("lea-a/hi2.ber");
        assertTrue(
                await(20_000, () -> {
                    a.flush();
                    return count(n(hi2a), "LIID-A", 1) == 1;
                }),
                () -> n(hi2a).toString());
        assertTrue(
                await(40_000, () -> {
                    a.flush();
                    return count(n(hi2a), "LIID-A", 2) == 1;
                }),
                () -> n(hi2a).toString());
        Thread.sleep(1500);
        a.flush();
        assertEquals(2, n(hi2a).size(), () -> "one activation and one deactivation: " + n(hi2a));
        // replica 1 decides nothing (a resend after a reconnect may repeat replica 0's PDUs, so the log is the witness)
        assertTrue(
                r0.output().stream().anyMatch(l -> l.contains("HI1 activated notification")),
                () -> String.join("\n", r0.output()));
        assertTrue(r1.output().stream().noneMatch(l -> l.contains("HI1 ")), () -> String.join("\n", r1.output()));
    }

    static Map<String, Integer> n(Path p) {
        try {
            return notifications(p);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aBadReplicaIndexStopsStartUpWithOneLine() throws Exception {
        Path config = Files.createDirectories(tmp.resolve("config"));
        List<String> cmd = MediatorProcess.command(List.of(
                "--config",
                config.toString(),
                "--listen",
                "0",
                "--data",
                tmp.resolve("d").toString(),
                "--plain",
                "--replica-index",
                "-1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(2, p.waitFor());
        assertTrue(out.startsWith("kubeli mediator: --replica-index must be between 0 and 65535"), out);
        assertEquals(1, out.strip().split("\n").length, out); // one line, the hint included
    }
}
