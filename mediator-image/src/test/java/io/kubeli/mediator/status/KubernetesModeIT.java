package io.kubeli.mediator.status;

import static io.kubeli.mediator.Streams.await;
import static org.junit.jupiter.api.Assertions.*;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.etsi.Pdus;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.ReferenceEncoder;
import io.kubeli.link.FsyncPolicy;
import io.kubeli.mediator.Mediator;
import io.kubeli.mediator.MediatorRig;
import io.kubeli.mediator.MediatorSettings;
import io.kubeli.mediator.TestPdus;
import io.kubeli.mediator.config.KubeResources;
import io.kubeli.mediator.config.ResourceCatalog;
import io.kubeli.mediator.ingest.IncomingRecord;
import io.kubeli.mediator.lea.LeaOptions;
import io.kubeli.mediator.lea.LeaReceiver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster mode against the Fabric8 mock API server: informers feed routing, delivery figures are patched into status. */
@EnableKubernetesMockClient(crud = true)
class KubernetesModeIT {
    /** A replica other than 0 sends no HI1 notifications: these tests count the records in the HI2 buffer exactly. */
    static final int NO_HI1 = 1;

    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path tmp;

    /** Creates agency-a (at {@code lea}) in the API server; returns Intercept {@code name} of it, not created yet. */
    Intercept intercept(LeaReceiver lea, String name, String liid) {
        String[] docs = MediatorRig.yaml(name, liid, "both", lea.hi2Port(), lea.hi3Port())
                .split("---");
        client.resource(Serialization.unmarshal(docs[0], Agency.class))
                .inNamespace("test")
                .create();
        return Serialization.unmarshal(docs[1], Intercept.class);
    }

    /** Informers of the test namespace feeding {@code catalog}, started once agency-a and {@code intercept} are in it. */
    KubeResources watch(ResourceCatalog catalog, String intercept) throws Exception {
        KubeResources kube = new KubeResources(client, "test", catalog);
        try {
            kube.start();
            assertTrue(await(10_000, () -> catalog.agency("agency-a") != null && catalog.intercept(intercept) != null));
            return kube;
        } catch (Exception | AssertionError e) {
            kube.close();
            throw e;
        }
    }

    /** What a restarted mediator reads: agency-a and {@code intercept} as the API server has them now. */
    ResourceCatalog fromServer(String intercept) {
        ResourceCatalog c = new ResourceCatalog();
        c.putAgency(agencyNow());
        c.putIntercept(interceptNow(intercept));
        return c;
    }

    /** Creates agency-a (at {@code lea}) and Intercept {@code name} of it in the API server. */
    void createIntercept(LeaReceiver lea, String name, String liid) {
        client.resource(intercept(lea, name, liid)).inNamespace("test").create();
    }

    /** Intercept {@code name} as the API server has it now. */
    Intercept interceptNow(String name) {
        return client.resources(Intercept.class)
                .inNamespace("test")
                .withName(name)
                .get();
    }

    /** agency-a as the API server has it now. */
    Agency agencyNow() {
        return client.resources(Agency.class)
                .inNamespace("test")
                .withName("agency-a")
                .get();
    }

    /** Cluster mode in namespace test, mediator m1, no HI1, data in {@code data}. */
    MediatorSettings settings(String data) {
        return new MediatorSettings(
                null,
                true,
                "test",
                0,
                tmp.resolve(data),
                null,
                true,
                null,
                -1,
                "m1",
                8 << 20,
                64 << 10,
                FsyncPolicy.none(),
                10,
                NO_HI1);
    }

    @Test
    void informersFeedRoutingAndStatusIsPatchedOnlyOnChange() throws Exception {
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            createIntercept(lea, "ic-a", "LIID-A");
            ResourceCatalog catalog = new ResourceCatalog();
            try (KubeResources kube = watch(catalog, "ic-a")) {
                MediatorSettings s = settings("data");
                try (Mediator m = new Mediator(s, catalog, kube::tls)) {
                    m.start();
                    storeCcAndAwait(m, 0, 100);
                    StatusReporter reporter = new StatusReporter(m, client, "test");
                    reporter.patchAll();
                    Agency a = agencyNow();
                    assertEquals(100L, a.getStatus().getHi3().getRecordsDelivered());
                    assertEquals(100L, a.getStatus().getRecordsDelivered());
                    assertEquals("CONNECTED", a.getStatus().getHi3().getState().name());
                    Intercept ic = interceptNow("ic-a");
                    assertEquals(100L, ic.getStatus().getCcRecords());
                    assertNotNull(ic.getStatus().getFirstRecordTime());
                    int before = server.getRequestCount();
                    reporter.patchAll(); // nothing changed: no request
                    assertEquals(before, server.getRequestCount());
                    // a restarted mediator continues the totals already in status instead of resetting them
                    ResourceCatalog fresh = fromServer("ic-a");
                    MediatorSettings s2 = settings("data2");
                    try (Mediator m2 = new Mediator(s2, fresh, kube::tls)) {
                        m2.start();
                        storeCcAndAwait(m2, 100, 150);
                        new StatusReporter(m2, client, "test").patchAll();
                        assertEquals(150L, interceptNow("ic-a").getStatus().getCcRecords());
                        assertEquals(150L, agencyNow().getStatus().getRecordsDelivered());
                    }
                }
            }
        }
    }

    @Test
    void deletedInterceptIsReleasedOnceItsFinalIriIsSent() throws Exception {
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            Intercept created = intercept(lea, "ic-d", "LIID-D");
            created.getMetadata().setFinalizers(List.of("li.kubeli.io/final-iri")); // as the operator adds it
            client.resource(created).inNamespace("test").create();
            ResourceCatalog catalog = new ResourceCatalog();
            try (KubeResources kube = watch(catalog, "ic-d")) {
                MediatorSettings s = settings("data");
                try (Mediator m = new Mediator(s, catalog, kube::tls)) {
                    m.start();
                    StatusReporter reporter = new StatusReporter(m, client, "test");
                    byte[] addr = {(byte) 198, 18, 0, 1};
                    storeIriAndAwait(m, "c1", 0, Pdus.ipIriBegin(hp("LIID-D", 1), 0, Instant.now(), "t", addr, 32), 1);
                    client.resources(Intercept.class)
                            .inNamespace("test")
                            .withName("ic-d")
                            .delete();
                    assertTrue(
                            await(
                                    10_000,
                                    () -> catalog.intercept("ic-d")
                                                    .getMetadata()
                                                    .getDeletionTimestamp()
                                            != null),
                            "the mediator sees the deletion mark");
                    reporter.confirmFinalIri();
                    assertNull(annotation(), "no IRI-End yet: the finalizer must keep waiting");
                    storeIriAndAwait(m, "c1", 1, Pdus.ipIriEnd(hp("LIID-D", 1), 1, Instant.now(), "t", addr, 32), 2);
                    assertTrue(await(
                            10_000,
                            () -> m.ingest().counters().get("ic-d").iriEnds.get() == 1));
                    reporter.confirmFinalIri();
                    assertEquals("sent", annotation());
                }
            }
        }
    }

    @Test
    void heldApartRecordsRaiseAConditionOnTheMediatorBesideTheOperatorsOwn() throws Exception {
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            createIntercept(lea, "ic-a", "LIID-A");
            io.kubeli.api.v1alpha1.Mediator med = new io.kubeli.api.v1alpha1.Mediator();
            med.getMetadata().setName("m1");
            med = client.resource(med).inNamespace("test").create();
            io.kubeli.api.v1alpha1.MediatorStatus st = new io.kubeli.api.v1alpha1.MediatorStatus();
            st.getConditions()
                    .add(new io.fabric8.kubernetes.api.model.ConditionBuilder()
                            .withType("Ready")
                            .withStatus("True")
                            .withReason("Ok")
                            .build());
            med.setStatus(st);
            client.resource(med).inNamespace("test").updateStatus();
            ResourceCatalog catalog = new ResourceCatalog();
            try (KubeResources kube = watch(catalog, "ic-a")) {
                MediatorSettings s = settings("data");
                try (Mediator m = new Mediator(s, catalog, kube::tls)) {
                    m.start();
                    StatusReporter reporter = new StatusReporter(m, client, "test");
                    reporter.patchAll();
                    assertNull(condition(StatusReporter.ROUTING_ALARM), "no alarm, no condition");
                    m.ingest()
                            .store(List.of(new IncomingRecord(
                                    "c1", 0, "ic-a", "agency-b", true, TestPdus.cc("LIID-A", 1, 0, 150))));
                    reporter.patchAll();
                    var c = condition(StatusReporter.ROUTING_ALARM);
                    assertEquals("True", c.getStatus());
                    assertTrue(c.getMessage().contains("1 records held apart"), c.getMessage());
                    assertEquals("True", condition("Ready").getStatus(), "the operator's condition is kept");
                }
            }
        }
    }

    /**
     * Issue 14: activeSessions counts the CINs whose IPIRI IRI-Begin was stored without their IRI-End; repeats,
     * duplicates, unknown Ends, other IRI and held-apart records do not move it; a restarted mediator continues it.
     */
    @Test
    void activeSessionsFollowStoredIpiriBeginAndEndAndSurviveARestart() throws Exception {
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            createIntercept(lea, "ic-s", "LIID-S");
            ResourceCatalog catalog = new ResourceCatalog();
            try (KubeResources kube = watch(catalog, "ic-s")) {
                MediatorSettings s = settings("data");
                List<IncomingRecord> batch = List.of(
                        session("c1", 0, 5, true),
                        session("c1", 1, 6, true),
                        session("c1", 2, 5, true), // a repeated Begin of an open CIN
                        new IncomingRecord("c1", 3, "ic-s", "agency-a", true, TestPdus.cc("LIID-S", 6, 3, 150)),
                        session("c1", 4, 7, false), // the End of a CIN never begun
                        new IncomingRecord(
                                "c1",
                                5,
                                "ic-s",
                                "agency-a",
                                false,
                                ReferenceEncoder.encode(Pdus.staticIri(
                                        hp(6),
                                        5,
                                        Instant.now(),
                                        io.kubeli.etsi.IriType.IRI_CONTINUE,
                                        io.kubeli.etsi.AccessEventType.INTERIM_UPDATE,
                                        "u",
                                        ADDR,
                                        32,
                                        io.kubeli.etsi.InternetAccessType.LAN))),
                        session("c1", 6, 5, false));
                try (Mediator m = new Mediator(s, catalog, kube::tls)) {
                    m.start();
                    StatusReporter reporter = new StatusReporter(m, client, "test");
                    m.ingest().store(batch);
                    m.ingest().store(batch); // a re-sent batch: duplicates
                    // hostile: a Begin naming another agency is held apart, never counted
                    m.ingest().store(List.of(withAgency(session("c1", 7, 8, true), "agency-b")));
                    reporter.patchAll();
                    Intercept ic = interceptNow("ic-s");
                    assertEquals(1, ic.getStatus().getActiveSessions(), "CIN 6 is open, 5 began and ended");
                    assertNotNull(Instant.parse(ic.getStatus().getSessionsSince()));
                }
                // a restarted mediator (fresh process state) continues from status; an End it never saw begin closes it
                ResourceCatalog fresh = fromServer("ic-s");
                MediatorSettings s2 = settings("data2");
                try (Mediator m2 = new Mediator(s2, fresh, kube::tls)) {
                    m2.start();
                    StatusReporter reporter = new StatusReporter(m2, client, "test");
                    m2.ingest()
                            .store(List.of(new IncomingRecord(
                                    "c1", 10, "ic-s", "agency-a", true, TestPdus.cc("LIID-S", 6, 10, 150))));
                    reporter.patchAll();
                    assertEquals(
                            1,
                            interceptNow("ic-s").getStatus().getActiveSessions(),
                            "no session change yet: the count in status is kept, not reset to 0");
                    m2.ingest().store(List.of(session("c1", 11, 6, false)));
                    reporter.patchAll();
                    assertEquals(0, interceptNow("ic-s").getStatus().getActiveSessions());
                    m2.ingest().store(List.of(session("c1", 12, 9, false))); // a further unknown End: never below 0
                    assertEquals(0, m2.ingest().counters().get("ic-s").activeSessions());
                }
            }
        }
    }

    /** Issue 15: activeCalls/totalCalls follow stored IPMMIRI Begin/End per CIN, as activeSessions, across a restart. */
    @Test
    void activeCallsFollowStoredIpmmiriBeginAndEndAndSurviveARestart() throws Exception {
        try (LeaReceiver lea = new LeaReceiver(LeaOptions.defaults())) {
            lea.start();
            createIntercept(lea, "ic-s", "LIID-S");
            ResourceCatalog catalog = new ResourceCatalog();
            try (KubeResources kube = watch(catalog, "ic-s")) {
                MediatorSettings s = settings("data");
                List<IncomingRecord> batch = List.of(
                        call("c1", 0, 5, io.kubeli.etsi.IriType.IRI_BEGIN, false),
                        call("c1", 1, 6, io.kubeli.etsi.IriType.IRI_BEGIN, false),
                        call("c1", 2, 5, io.kubeli.etsi.IriType.IRI_BEGIN, false), // a repeated Begin of an open CIN
                        call("c1", 3, 5, io.kubeli.etsi.IriType.IRI_CONTINUE, false),
                        call("c1", 4, 9, io.kubeli.etsi.IriType.IRI_REPORT, false), // a REGISTER: no call
                        session("c1", 5, 7, true), // a subscriber session: no call
                        call("c1", 6, 8, io.kubeli.etsi.IriType.IRI_END, false), // the End of a CIN never begun
                        call("c1", 7, 5, io.kubeli.etsi.IriType.IRI_END, true)); // ended by media timeout
                try (Mediator m = new Mediator(s, catalog, kube::tls)) {
                    m.start();
                    StatusReporter reporter = new StatusReporter(m, client, "test");
                    m.ingest().store(batch);
                    m.ingest().store(batch); // a re-sent batch: duplicates
                    m.ingest()
                            .store(List.of(withAgency(
                                    call("c1", 8, 10, io.kubeli.etsi.IriType.IRI_BEGIN, false), "agency-b")));
                    reporter.patchAll();
                    Intercept ic = interceptNow("ic-s");
                    assertEquals(1, ic.getStatus().getActiveCalls(), "CIN 6 is open, 5 began and ended");
                    assertEquals(2L, ic.getStatus().getTotalCalls());
                    assertEquals(1, ic.getStatus().getActiveSessions(), "sessions are counted apart");
                }
                ResourceCatalog fresh = fromServer("ic-s");
                MediatorSettings s2 = settings("data2");
                try (Mediator m2 = new Mediator(s2, fresh, kube::tls)) {
                    m2.start();
                    StatusReporter reporter = new StatusReporter(m2, client, "test");
                    m2.ingest()
                            .store(List.of(new IncomingRecord(
                                    "c1", 10, "ic-s", "agency-a", true, TestPdus.cc("LIID-S", 6, 10, 150))));
                    reporter.patchAll();
                    Intercept ic = interceptNow("ic-s");
                    assertEquals(1, ic.getStatus().getActiveCalls(), "no call change yet: status is kept, not reset");
                    assertEquals(2L, ic.getStatus().getTotalCalls());
                    m2.ingest()
                            .store(List.of(
                                    call("c1", 11, 6, io.kubeli.etsi.IriType.IRI_END, false),
                                    call("c1", 12, 11, io.kubeli.etsi.IriType.IRI_BEGIN, false)));
                    reporter.patchAll();
                    ic = interceptNow("ic-s");
                    assertEquals(1, ic.getStatus().getActiveCalls(), "6 ended (begun before the restart), 11 began");
                    assertEquals(3L, ic.getStatus().getTotalCalls(), "the total continues from status");
                    m2.ingest()
                            .store(List.of(
                                    call("c1", 13, 11, io.kubeli.etsi.IriType.IRI_END, false),
                                    call(
                                            "c1",
                                            14,
                                            12,
                                            io.kubeli.etsi.IriType.IRI_END,
                                            false))); // an unknown End: never below 0
                    assertEquals(0, m2.ingest().counters().get("ic-s").activeCalls());
                }
            }
        }
    }

    private static IncomingRecord call(
            String collector, long seq, long cin, io.kubeli.etsi.IriType type, boolean noMessage) {
        return new IncomingRecord(
                collector, seq, "ic-s", "agency-a", false, TestPdus.callIri(hp(cin), seq, type, noMessage));
    }

    private static final byte[] ADDR = {(byte) 198, 18, 0, 7};

    private static io.kubeli.etsi.HeaderParams hp(long cin) {
        return hp("LIID-S", cin);
    }

    private static io.kubeli.etsi.HeaderParams hp(String liid, long cin) {
        return new io.kubeli.etsi.HeaderParams(
                io.kubeli.etsi.Profile.LATEST,
                liid,
                "DE",
                "op",
                "ne",
                cin,
                "DE",
                io.kubeli.etsi.TimestampFormat.values()[0],
                null,
                null);
    }

    private static IncomingRecord session(String collector, long seq, long cin, boolean begin) {
        var pdu = begin
                ? Pdus.ipIriBegin(hp(cin), seq, Instant.now(), "u", ADDR, 32)
                : Pdus.ipIriEnd(hp(cin), seq, Instant.now(), "u", ADDR, 32);
        return new IncomingRecord(collector, seq, "ic-s", "agency-a", false, ReferenceEncoder.encode(pdu));
    }

    /** Stores CC records {@code from..to-1} of ic-a and waits until this mediator's HI3 buffer committed them all. */
    private static void storeCcAndAwait(Mediator m, int from, int to) throws Exception {
        List<IncomingRecord> batch = new ArrayList<>();
        for (int i = from; i < to; i++)
            batch.add(new IncomingRecord("c1", i, "ic-a", "agency-a", true, TestPdus.cc("LIID-A", 1, i, 150)));
        m.ingest().store(batch);
        assertTrue(await(10_000, () -> m.channels().get("agency-a").log(true).committed() == to - from));
    }

    /** Stores one IRI record of ic-d and waits until agency-a's HI2 buffer has committed {@code committed}. */
    private static void storeIriAndAwait(Mediator m, String collector, long seq, PsPdu pdu, long committed)
            throws Exception {
        m.ingest()
                .store(List.of(
                        new IncomingRecord(collector, seq, "ic-d", "agency-a", false, ReferenceEncoder.encode(pdu))));
        assertTrue(await(10_000, () -> m.channels().get("agency-a").log(false).committed() == committed));
    }

    private static IncomingRecord withAgency(IncomingRecord r, String agency) {
        return new IncomingRecord(r.collector(), r.linkSeq(), r.intercept(), agency, r.cc(), r.pdu());
    }

    private io.fabric8.kubernetes.api.model.Condition condition(String type) {
        var m = client.resources(io.kubeli.api.v1alpha1.Mediator.class)
                .inNamespace("test")
                .withName("m1")
                .get();
        return m.getStatus() == null
                ? null
                : m.getStatus().getConditions().stream()
                        .filter(c -> type.equals(c.getType()))
                        .findFirst()
                        .orElse(null);
    }

    private String annotation() {
        Intercept ic = interceptNow("ic-d");
        var a = ic.getMetadata().getAnnotations();
        return a == null ? null : a.get(StatusReporter.FINAL_IRI);
    }
}
