package io.kubeli.mediator;

import static io.kubeli.mediator.Streams.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.link.LinkClient;
import io.kubeli.link.LinkRecord;
import io.kubeli.link.StreamType;
import io.kubeli.link.TlsConfig;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, observations 2 and 3 (mediator side): a link peer with a valid client certificate sends records that name
 * another agency, an LIID no Intercept has, a refused Intercept sharing an LIID, and a routing LIID that is not its
 * PDU's. The mediator routes by its own knowledge: none of them reaches any agency; each is counted and alarmed.
 */
class RoutingIT {
    @TempDir
    Path tmp;

    @RegisterExtension
    final MediatorRig rig = new MediatorRig(() -> tmp);

    LeaReceiver leaA, leaB;
    TestCerts certs;
    Path config, mediatorTls, collectorTls;

    @BeforeEach
    void setUp() throws Exception {
        leaA = rig.lea("lea-a");
        leaB = rig.lea("lea-b");
        certs = new TestCerts();
        mediatorTls = certs.leaf(tmp.resolve("mediator-tls"), "mediator");
        collectorTls = certs.leaf(tmp.resolve("collector-tls"), "kubeli-collector:coll-1");
        config = Files.createDirectories(tmp.resolve("config"));
    }

    static String agency(String name, LeaReceiver lea) {
        return MediatorRig.agency(name, lea.hi2Port(), lea.hi3Port());
    }

    /** An Intercept of mediator m1 valid until 2099, created at {@code created}. */
    static String intercept(String name, String liid, String agency, String created, String target) {
        return MediatorRig.intercept(name, created, liid, agency, "m1", "2099-01-01T00:00:00Z", target);
    }

    void writeConfig() throws Exception {
        Files.writeString(
                config.resolve("agencies.yaml"), agency("agency-a", leaA) + "---\n" + agency("agency-b", leaB));
        Files.writeString(
                config.resolve("ic-a.yaml"),
                intercept("ic-a", "LIID-A", "agency-a", "2025-01-01T00:00:00Z", "192.0.2.10"));
        Files.writeString(
                config.resolve("ic-b.yaml"),
                intercept("ic-b", "LIID-B", "agency-b", "2025-01-01T00:00:00Z", "192.0.2.20"));
        // a second warrant with LIID-A, created later: refused everywhere (contract C1)
        Files.writeString(
                config.resolve("ic-a2.yaml"),
                intercept("ic-a2", "LIID-A", "agency-b", "2025-06-01T00:00:00Z", "192.0.2.30"));
    }

    MediatorProcess mediator() throws Exception {
        return rig.mediator(List.of(
                "--config",
                config.toString(),
                "--listen",
                "0",
                "--data",
                tmp.resolve("data").toString(),
                "--tls-dir",
                mediatorTls.toString(),
                "--status-interval",
                "1",
                "--metrics-port",
                "0"));
    }

    LinkClient client(MediatorProcess m) throws Exception {
        return rig.client(rig.clientConfig("coll-1/node-a", m.port(), TlsConfig.fromDirectory(collectorTls)));
    }

    static long seq;

    static byte[] send(
            LinkClient c, String intercept, String agency, String routingLiid, String pduLiid, List<byte[]> sent) {
        byte[] pdu = TestPdus.cc(pduLiid, 9, seq, 150);
        assertTrue(c.offer(new LinkRecord("default/" + intercept, agency, routingLiid, 9, StreamType.CC, seq++, pdu)));
        if (sent != null) sent.add(pdu);
        return pdu;
    }

    @Test
    void recordsContradictingTheMediatorsKnowledgeAreHeldApartCountedAndAlarmed() throws Exception {
        writeConfig();
        MediatorProcess m = mediator();
        LinkClient c = client(m);
        for (int i = 0; i < 20; i++) {
            send(c, "ic-a", "agency-b", "LIID-A", "LIID-A", null); // names another agency than its Intercept's
            send(c, "ic-a", "agency-a", "LIID-X", "LIID-X", null); // an LIID no Intercept has (under a known Intercept)
            send(c, "ic-a2", "agency-b", "LIID-A", "LIID-A", null); // the refused claimant of LIID-A
            send(c, "ic-a", "agency-a", "LIID-A", "LIID-B", null); // routing LIID is not the PDU's
            send(c, "ic-zz", "agency-b", "LIID-Z", "LIID-Z", null); // unknown Intercept and LIID: held, not delivered
        }
        assertTrue(c.flush(Duration.ofSeconds(60)), () -> c.stats().toString());
        for (int i = 0; i < 5; i++)
            send(c, "ic-zz", "agency-b", "LIID-Z", "LIID-Z", null); // a later batch behind held ones
        List<byte[]> toA = new ArrayList<>(), toB = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            send(c, "ic-a", "agency-a", "LIID-A", "LIID-A", toA);
            send(c, "ic-b", "agency-b", "LIID-B", "LIID-B", toB);
            send(c, "ic-a", "", "LIID-A", "LIID-A", toA); // no agency named: the Intercept's
        }
        assertTrue(c.flush(Duration.ofSeconds(60)), () -> c.stats().toString());
        assertEquals(0, c.stats().lost());
        assertTrue(
                await(
                        30_000,
                        () -> leaA.summary().hi3Records() >= toA.size()
                                && leaB.summary().hi3Records() >= toB.size()),
                () -> leaA.summary().oneLine() + " / " + leaB.summary().oneLine());
        Thread.sleep(500);
        leaA.flush();
        leaB.flush();
        // everything a peer claimed against the mediator's knowledge came first: had any been delivered it would show
        // here
        assertSameRecords(toA, records(tmp.resolve("lea-a/hi3.ber")));
        assertSameRecords(toB, records(tmp.resolve("lea-b/hi3.ber")));
        String text = MediatorRig.metrics(m);
        for (String reason : List.of("agency-mismatch", "not-liid-owner", "refused-intercept", "pdu-liid-mismatch")) {
            assertEquals(
                    20,
                    MediatorRig.metric(text, "kubeli_mediator_records_held_apart_total{reason=\"" + reason + "\"}"),
                    text);
        }
        assertEquals(
                25,
                MediatorRig.metric(text, "kubeli_mediator_records_held_apart_total{reason=\"unknown-liid\"}"),
                text);
        assertEquals(80, MediatorRig.metric(text, "kubeli_mediator_quarantined_records"), text);
        assertEquals(25, MediatorRig.metric(text, "kubeli_mediator_held_records"), text);
        assertEquals(1, MediatorRig.metric(text, "kubeli_mediator_routing_alarm"), text);
        List<String> alarms =
                m.output().stream().filter(l -> l.contains("ALARM routing")).toList();
        assertEquals(
                4, alarms.size(), () -> String.join("\n", alarms)); // one line per intercept and reason, not per record
        assertTrue(
                alarms.stream().anyMatch(l -> l.contains("ic-a2") && l.contains("ic-a")),
                "the refused Intercept's line names the owner");
        for (String l : m.output()) {
            assertFalse(l.contains("192.0.2."), "no target identity in the log: " + l);
            assertFalse(l.contains("LIID-X") || l.contains("LIID-Z"), "no claimed LIID in the log: " + l);
        }
    }

    @Test
    void heldApartRecordsStayApartAcrossARestartAndUnknownLiidIsReleasedOnlyToItsOwner() throws Exception {
        writeConfig();
        MediatorProcess m = mediator();
        LinkClient c = client(m);
        for (int i = 0; i < 10; i++) send(c, "ic-a", "agency-b", "LIID-A", "LIID-A", null);
        List<byte[]> toC = new ArrayList<>();
        for (int i = 0; i < 10; i++) send(c, "ic-c", "agency-b", "LIID-C", "LIID-C", toC); // not known yet
        assertTrue(c.flush(Duration.ofSeconds(60)), () -> c.stats().toString());
        m.kill();
        MediatorProcess again = mediator();
        assertTrue(
                again.output().stream().anyMatch(l -> l.contains("ALARM routing") && l.contains("10 records")),
                "the alarm survives a restart");
        // the Intercept appears: the held records go to its agency (agency-b), the held-apart ones never
        Files.writeString(
                config.resolve("ic-c.yaml"),
                intercept("ic-c", "LIID-C", "agency-b", "2025-01-01T00:00:00Z", "192.0.2.40"));
        assertTrue(
                await(30_000, () -> leaB.summary().hi3Records() >= 10),
                () -> leaB.summary().oneLine());
        Thread.sleep(500);
        leaA.flush();
        leaB.flush();
        assertSameRecords(toC, records(tmp.resolve("lea-b/hi3.ber")));
        assertEquals(0, records(tmp.resolve("lea-a/hi3.ber")).size());
        assertEquals(10, MediatorRig.metric(MediatorRig.metrics(again), "kubeli_mediator_quarantined_records"));
    }
}
