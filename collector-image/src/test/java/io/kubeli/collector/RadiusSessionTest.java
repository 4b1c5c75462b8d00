package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.collector.radius.Rad;
import io.kubeli.collector.radius.RadiusMessage;
import io.kubeli.collector.radius.RadiusTracker;
import io.kubeli.collector.radius.SessionStore;
import io.kubeli.etsi.AccessEventType;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.EndReason;
import io.kubeli.etsi.IpIriContents;
import io.kubeli.etsi.IriContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: radiusUser targets follow the user's RADIUS sessions through the capture path (CaptureWorker, manager,
 * tracker, table): exactly the session's packets are CC, under one CIN per session, with the session IRI.
 */
class RadiusSessionTest {
    private static final String NAS = "198.18.0.1";
    private static final String SERVER = "198.18.0.2";
    private static final String LEASE = "198.18.7.7";
    private static final String PEER = "198.18.9.9";
    private static final Instant NOW = Instant.now();

    @TempDir
    Path tmp;

    private CapturedLogs logs;

    private final MutableClock clock = new MutableClock(NOW);
    private CollectingSink sink;
    private CollectorPipeline pipeline;
    private InterceptManager manager;
    private RadiusTracker tracker;
    private CaptureWorker worker;
    private long ts = NOW.getEpochSecond() * 1_000_000_000L;

    @BeforeEach
    void setUp() {
        logs = new CapturedLogs("io.kubeli.collector");
        build(new RadiusTracker.Limits(1000, 60_000_000_000L), null);
    }

    private void build(RadiusTracker.Limits limits, SessionStore store) {
        sink = new CollectingSink();
        pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
        manager = new InterceptManager(pipeline, "NE", clock, InterceptManager.Rules.defaults());
        tracker = new RadiusTracker(limits);
        manager.enableRadius(tracker, "user", store);
        pipeline.setRadius(new RadiusTap(RadiusTap.ports(List.of(1812, 1813)), tracker, manager));
        worker = pipeline.newWorker();
    }

    @AfterEach
    void release() {
        logs.close();
        String l = logs.toString();
        assertFalse(
                l.contains("198.18") || l.contains("alice") || l.contains("bob") || l.contains("2001:db8"),
                "no user name or address in any log line:\n" + l);
    }

    private void intercepts(String... targetsPerIntercept) throws Exception {
        CaptureRig.intercepts(manager, tmp, "r", targetsPerIntercept);
    }

    /** Feeds one IP packet; returns the CC records queued for it. */
    private int feed(byte[] ip) {
        return feed(worker, ip);
    }

    private int feed(CaptureWorker w, byte[] ip) {
        ts += 1_000_000;
        return CaptureRig.feed(pipeline, w, ip, ts);
    }

    private int acct(byte[] radius) {
        return feed(ipv4(NAS, SERVER, 17, udp(40000, 1813, radius)));
    }

    private int data(String src, String dst, int n) {
        return feed(ipv4(src, dst, 17, udp(1000, 2000, new byte[] {(byte) n, 1, 2, 3})));
    }

    private List<PsPdu> drain() throws Exception {
        return CaptureRig.drain(pipeline, worker, sink);
    }

    /**
     * alice becomes a target while her session is up: her data packet {@code n} matches at once and the first IRI
     * is startOfInterceptionWithSessionActive; returns the IRI.
     */
    private List<PsPdu> targetAliceMidSession(int n, String why) throws Exception {
        intercepts("  - {radiusUser: alice}");
        assertEquals(1, data(PEER, LEASE, n), why);
        List<PsPdu> iri = iri(drain());
        assertEquals(
                AccessEventType.START_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                contents(iri.get(0)).accessEventType());
        return iri;
    }

    private static List<PsPdu> iri(List<PsPdu> pdus) {
        return pdus.stream().filter(p -> p.payload() instanceof Payload.Iri).toList();
    }

    private static List<PsPdu> cc(List<PsPdu> pdus) {
        return pdus.stream().filter(p -> p.payload() instanceof Payload.Cc).toList();
    }

    private static IpIriContents contents(PsPdu p) {
        return ((IriContents.IpIri)
                        ((Payload.Iri) p.payload()).payloads().get(0).contents())
                .contents();
    }

    private static IriType type(PsPdu p) {
        return ((Payload.Iri) p.payload()).payloads().get(0).iriType();
    }

    private static byte[] packet(PsPdu p) {
        return ((CcContents.Ipcc) ((Payload.Cc) p.payload()).payloads().get(0).contents())
                .packet()
                .toByteArray();
    }

    @Test
    void ccExactlyWhileTheSessionIsUpWithBeginContinueEnd() throws Exception {
        intercepts("  - {radiusUser: alice}");
        assertEquals(0, data(PEER, LEASE, 1), "before the session: nothing");
        assertEquals(0, acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes()));
        assertEquals(1, data(PEER, LEASE, 2), "during: to the target");
        assertEquals(1, data(LEASE, PEER, 3), "during: from the target");
        acct(Rad.acct(2, 3, "alice", "S-1", NAS)
                .ip(8, LEASE)
                .integer(42, 1000)
                .integer(43, 2000)
                .bytes());
        assertEquals(1, data(PEER, LEASE, 4));
        acct(Rad.acct(3, 2, "alice", "S-1", NAS)
                .ip(8, LEASE)
                .integer(42, 1500)
                .integer(43, 2500)
                .integer(49, 1)
                .bytes());
        assertEquals(0, data(PEER, LEASE, 5), "after Stop: nothing, at once");
        acct(Rad.acct(4, 1, "bob", "S-2", NAS).ip(8, LEASE).bytes());
        assertEquals(0, data(PEER, LEASE, 6), "the address leased to another user: nothing");
        List<PsPdu> pdus = drain();
        List<PsPdu> cc = cc(pdus);
        assertEquals(3, cc.size());
        List<PsPdu> iri = iri(pdus);
        assertEquals(
                List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_END),
                iri.stream().map(RadiusSessionTest::type).toList());
        long cin = cc.get(0).header().cin();
        assertTrue(
                cc.stream().allMatch(p -> p.header().cin() == cin)
                        && iri.stream().allMatch(p -> p.header().cin() == cin),
                "one CIN for the session's IRI and CC");
        assertEquals(
                SessionIntercepts.cinBase(("4"
                                + new String(
                                        new byte[] {(byte) 198, 18, 0, 1}, java.nio.charset.StandardCharsets.ISO_8859_1)
                                + "\0S-1")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                cin,
                "CIN from NAS and Acct-Session-Id (slot 0)");
        IpIriContents begin = contents(iri.get(0));
        assertEquals(AccessEventType.SESSION_START, begin.accessEventType());
        assertEquals("alice", new String(begin.targetUsername().toByteArray()));
        assertArrayEquals(addr(LEASE), begin.targetIpAddress().binaryAddress().toByteArray());
        assertArrayEquals(addr(NAS), begin.popIpAddress().binaryAddress().toByteArray());
        assertNotNull(begin.startTime());
        IpIriContents interim = contents(iri.get(1));
        assertEquals(AccessEventType.INTERIM_UPDATE, interim.accessEventType());
        assertEquals(1000, interim.octetsTransmitted().longValue());
        assertEquals(2000, interim.octetsReceived().longValue());
        IpIriContents end = contents(iri.get(2));
        assertEquals(AccessEventType.SESSION_END, end.accessEventType());
        assertEquals(EndReason.REGULAR_LOGOFF, end.endReason());
        assertEquals(2500, end.octetsReceived().longValue());
        assertEquals(begin.startTime(), end.startTime());
        assertNotNull(end.endTime());
        assertEquals(
                List.of(0L, 1L, 2L),
                iri.stream().map(p -> p.header().sequenceNumber()).toList());
        assertEquals(
                List.of(0L, 1L, 2L),
                cc.stream().map(p -> p.header().sequenceNumber()).toList());
    }

    @Test
    void anAddressReassignedToAnotherUserLeavesTheTargetAtOnce() throws Exception {
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        assertEquals(1, data(PEER, LEASE, 1));
        acct(Rad.acct(2, 1, "bob", "S-2", NAS).ip(8, LEASE).bytes()); // alice's Stop was lost
        assertEquals(0, data(PEER, LEASE, 2), "bob's traffic is not alice's");
        acct(Rad.acct(3, 3, "alice", "S-1", NAS).ip(8, "198.18.7.8").bytes()); // alice's new address
        assertEquals(1, data(PEER, "198.18.7.8", 3));
        List<PsPdu> iri = iri(drain());
        assertEquals(
                List.of(IriType.IRI_BEGIN, IriType.IRI_CONTINUE, IriType.IRI_CONTINUE),
                iri.stream().map(RadiusSessionTest::type).toList(),
                "address lost, address changed");
        assertNull(contents(iri.get(1)).targetIpAddress(), "no address while it has none");
    }

    @Test
    void ipv6FramedAndDelegatedPrefixes() throws Exception {
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 1, "alice", "S-6", NAS)
                .prefix6(97, "2001:db8:1::", 64)
                .prefix6(123, "2001:db8:ff00::", 56)
                .bytes());
        assertEquals(1, feed(ipv6("2001:db8:1::abcd", "2001:db8:99::1", 17, udp(1, 2, new byte[4]))));
        assertEquals(1, feed(ipv6("2001:db8:99::1", "2001:db8:ff00:12::5", 17, udp(1, 2, new byte[4]))));
        assertEquals(
                0, feed(ipv6("2001:db8:99::1", "2001:db8:ff01::5", 17, udp(1, 2, new byte[4]))), "outside the /56");
        assertEquals(0, feed(ipv6("2001:db8:99::1", "2001:db8:2::5", 17, udp(1, 2, new byte[4]))), "outside the /64");
        IpIriContents begin = contents(iri(drain()).get(0));
        assertEquals(io.kubeli.etsi.IpVersion.IPV6, begin.ipVersion());
        assertEquals(64, begin.targetIpAddress().v6PrefixLength());
        assertEquals(56, begin.additionalIpAddress().v6PrefixLength());
    }

    @Test
    void accountingOffOfTheNasEndsItsSessions() throws Exception {
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        feed(ipv4(
                "198.18.0.3",
                SERVER,
                17,
                udp(
                        40000,
                        1813,
                        Rad.acct(2, 1, "carol", "S-1", "198.18.0.3")
                                .ip(8, "198.18.7.9")
                                .bytes())));
        acct(Rad.acct(3, 8, null, null, NAS).bytes());
        assertEquals(0, data(PEER, LEASE, 1));
        assertEquals(1, tracker.size(), "the other NAS's session stays");
        List<PsPdu> iri = iri(drain());
        assertEquals(IriType.IRI_END, type(iri.get(iri.size() - 1)));
        assertEquals(
                EndReason.CONNECTION_LOSS, contents(iri.get(iri.size() - 1)).endReason());
    }

    @Test
    void anInterceptCreatedMidSessionStartsAtOnce() throws Exception {
        intercepts("  - {ip: 198.18.99.1}");
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        assertEquals(0, data(PEER, LEASE, 1));
        List<PsPdu> iri = targetAliceMidSession(2, "matched at once");
        assertEquals(IriType.IRI_BEGIN, type(iri.get(0)));
    }

    @Test
    void idleTimeoutEndsTheSession() throws Exception {
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        clock.now = Instant.ofEpochSecond(0, ts).plusSeconds(61);
        manager.tick();
        assertEquals(0, data(PEER, LEASE, 1));
        List<PsPdu> iri = iri(drain());
        assertEquals(AccessEventType.SESSION_EXPIRED, contents(iri.get(1)).accessEventType());
        assertEquals(1, tracker.idleEnded());
    }

    @Test
    void aChangeOnOneCaptureThreadAppliesToTheNextPacketOnAnother() throws Exception {
        intercepts("  - {radiusUser: alice}");
        CaptureWorker other = pipeline.newWorker();
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        assertEquals(1, feed(other, ipv4(PEER, LEASE, 17, udp(1, 2, new byte[3]))));
        acct(Rad.acct(2, 2, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        assertEquals(0, feed(other, ipv4(PEER, LEASE, 17, udp(1, 2, new byte[3]))));
        other.onEnd();
        drain();
    }

    @Test
    void accessEventsAreReportsAndPairedByIdentifierAndNas() throws Exception {
        intercepts("  - {radiusUser: alice}");
        feed(ipv4(
                NAS,
                SERVER,
                17,
                udp(
                        40001,
                        1812,
                        Rad.of(1, 77).string(1, "alice").raw(2, new byte[16]).bytes())));
        // an Accept with the same identifier to another NAS pairs with nothing
        feed(ipv4(SERVER, "198.18.0.3", 17, udp(1812, 40001, Rad.of(2, 77).bytes())));
        feed(ipv4(SERVER, NAS, 17, udp(1812, 40001, Rad.of(2, 77).ip(8, LEASE).bytes())));
        feed(ipv4(SERVER, NAS, 17, udp(1812, 40001, Rad.of(3, 77).bytes()))); // duplicate: already answered
        List<PsPdu> iri = iri(drain());
        assertEquals(
                List.of(AccessEventType.ACCESS_ATTEMPT, AccessEventType.ACCESS_ACCEPT),
                iri.stream().map(p -> contents(p).accessEventType()).toList());
        assertTrue(iri.stream().allMatch(p -> type(p) == IriType.IRI_REPORT));
        assertEquals(2, tracker.unpairedResponses());
        assertEquals(0, tracker.size(), "access alone opens no session");
    }

    /** 10^6 distinct sessions: the table stays at its bound; the target's session is evicted cleanly, not left matching. */
    @Test
    void aMillionDistinctSessionsStayBounded() throws Exception {
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 1, "alice", "S-A", NAS).ip(8, LEASE).bytes());
        RadiusMessage m = new RadiusMessage();
        for (int i = 0; i < 1_000_000; i++) {
            byte[] p = Rad.acct(i & 0xFF, 1, "u" + i, "X" + i, NAS)
                    .integer(8, 0xC6140000L + i)
                    .bytes();
            assertEquals(
                    io.kubeli.collector.radius.RadiusParser.Result.OK,
                    io.kubeli.collector.radius.RadiusParser.parse(p, 0, p.length, m));
            manager.onRadius(m, 4, 0, 0xC6120001L, 40000, ts + i);
        }
        assertEquals(1000, tracker.size());
        assertEquals(1_000_000 + 1 - 1000, tracker.evicted());
        assertEquals(0, data(PEER, LEASE, 1), "evicted: no longer matched");
        List<PsPdu> iri = iri(drain());
        assertEquals(IriType.IRI_END, type(iri.get(iri.size() - 1)));
    }

    @Test
    void malformedRadiusIsCountedAndChangesNothing() throws Exception {
        intercepts("  - {radiusUser: alice}");
        byte[] lie = Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes();
        lie[3] = (byte) (lie[3] + 30); // length that lies
        acct(lie);
        byte[] loop = Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes();
        loop[21] = 0; // zero-length attribute
        acct(loop);
        assertEquals(0, data(PEER, LEASE, 1));
        assertEquals(2, tracker.malformed());
        assertEquals(0, tracker.size());
    }

    @Test
    void theSessionTableSurvivesARestartPrivately() throws Exception {
        Path state = tmp.resolve("state").resolve("radius-sessions");
        SessionStore store = new SessionStore(state);
        build(new RadiusTracker.Limits(1000, 3_600_000_000_000L), store);
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        acct(Rad.acct(2, 1, "bob", "S-2", NAS)
                .prefix6(123, "2001:db8:ff00::", 56)
                .bytes());
        manager.endAll(); // shutdown saves
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.getParent())));
        String raw = HexFormat.of().formatHex(Files.readAllBytes(state));
        assertTrue(
                raw.contains(HexFormat.of().formatHex("alice".getBytes())),
                "the file does hold identities: hence 0600");
        build(new RadiusTracker.Limits(1000, 3_600_000_000_000L), store);
        assertEquals(2, store.load(tracker));
        targetAliceMidSession(1, "restored: matched at once");
    }

    /** Fault: a crash right after a target's Stop must not bring the stopped session (and its address) back. */
    @Test
    void aTargetsStopIsSavedAtOnceSoACrashCannotReviveIt() throws Exception {
        Path state = tmp.resolve("state").resolve("radius-sessions");
        SessionStore store = new SessionStore(state);
        build(new RadiusTracker.Limits(1000, 3_600_000_000_000L), store);
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        manager.saveRadiusSessions(false);
        acct(Rad.acct(2, 2, "alice", "S-1", NAS).ip(8, LEASE).integer(49, 1).bytes());
        manager.saveRadiusSessions(false); // the next tick, well within 10 s of the last save
        // crash: no shutdown save; a new process loads what is on disk
        build(new RadiusTracker.Limits(1000, 3_600_000_000_000L), store);
        assertEquals(0, store.load(tracker), "the Stop reached the disk");
        intercepts("  - {radiusUser: alice}");
        assertEquals(0, data(PEER, LEASE, 1), "the address of the stopped session is not intercepted");
    }

    @Test
    void aCorruptSessionFileIsRefusedWithAReason() throws Exception {
        Path state = tmp.resolve("radius-sessions");
        Files.write(state, new byte[] {0x4B, 0x52, 0x41, 0x31, 0, 0, 0, 5, 0, 3});
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> new SessionStore(state).load(tracker));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(0, tracker.size());
    }

    @Test
    void withoutRadiusTrackingRadiusUserInterceptsAreRejectedWhole() throws Exception {
        CollectingSink s = new CollectingSink();
        InterceptManager plain = new InterceptManager(
                new CollectorPipeline(CollectorPipeline.Settings.defaults(), s),
                "NE",
                clock,
                InterceptManager.Rules.defaults());
        Path dir = Files.createDirectories(tmp.resolve("p"));
        Files.writeString(
                dir.resolve("a.yaml"),
                WarrantIsolationTest.agency("lea1")
                        + WarrantIsolationTest.intercept(
                                "r0", "LR0", "lea1", null, "  - {radiusUser: alice}\n  - {ip: 198.18.5.5}")
                        + WarrantIsolationTest.intercept("s0", "LS0", "lea1", null, "  - {sipUri: \"sip:a@b\"}"));
        plain.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
        assertEquals(2, plain.rejectedIntercepts());
        manager.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
        assertEquals(1, manager.rejectedIntercepts(), "sipUri stays unsupported");
        assertEquals(1, manager.activeIntercepts());
        assertTrue(logs.toString().contains("sip"), logs.toString());
    }

    @Test
    void aSessionFirstSeenByInterimBeginsWithSessionActive() throws Exception {
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 3, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        assertEquals(1, data(PEER, LEASE, 1));
        assertEquals(
                AccessEventType.START_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                contents(iri(drain()).get(0)).accessEventType());
    }

    /** Fragmented RADIUS (IPv4) is reassembled; overlapping fragments drop the datagram (counted), nothing applied. */
    @Test
    void fragmentedRadiusIsReassembledAndOverlapsAreDropped() throws Exception {
        intercepts("  - {radiusUser: alice}");
        byte[] udp = udp(
                40000, 1813, Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        // overlap: 0..24 then 16..end: dropped, no session
        feed(ipv4(NAS, SERVER, 17, java.util.Arrays.copyOf(udp, 24), 7, 0, true, null));
        feed(ipv4(NAS, SERVER, 17, java.util.Arrays.copyOfRange(udp, 16, udp.length), 7, 2, false, null));
        assertEquals(0, data(PEER, LEASE, 1), "overlapping fragments: not applied");
        // the last fragment first is not followed; then a proper pair (new id) is applied
        feed(ipv4(NAS, SERVER, 17, java.util.Arrays.copyOfRange(udp, 24, udp.length), 8, 3, false, null));
        feed(ipv4(NAS, SERVER, 17, java.util.Arrays.copyOf(udp, 24), 9, 0, true, null));
        assertEquals(0, data(PEER, LEASE, 2), "incomplete");
        feed(ipv4(NAS, SERVER, 17, java.util.Arrays.copyOfRange(udp, 24, udp.length), 9, 3, false, null));
        assertEquals(1, data(PEER, LEASE, 3), "reassembled Start applied");
        assertEquals(2, pipeline.radiusFragments(), "first fragments of RADIUS datagrams (ids 7 and 9)");
        drain();
    }

    /** IPv6 fragmented RADIUS (fragment header) is reassembled too. */
    @Test
    void fragmentedRadiusOverIpv6IsReassembled() throws Exception {
        intercepts("  - {radiusUser: alice}");
        byte[] udp = udp(
                40000,
                1813,
                Rad.acct(1, 1, "alice", "S-1", NAS)
                        .prefix6(97, "2001:db8:5::", 64)
                        .bytes());
        feed(ipv6("2001:db8::1", "2001:db8::2", 44, v6frag(17, 0, true, 77, java.util.Arrays.copyOf(udp, 32))));
        feed(ipv6(
                "2001:db8::1",
                "2001:db8::2",
                44,
                v6frag(17, 4, false, 77, java.util.Arrays.copyOfRange(udp, 32, udp.length))));
        assertEquals(1, feed(ipv6("2001:db8:9::1", "2001:db8:5::7", 17, udp(1, 2, new byte[4]))));
        drain();
    }

    /** The warrant window bounds a session's interception: CC and IRI stop at validUntil even while it is up. */
    @Test
    void theWarrantWindowEndsInterceptionOfAnOngoingSession() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Instant until = Instant.ofEpochSecond(0, ts).plusSeconds(10);
        Files.writeString(
                dir.resolve("a.yaml"),
                WarrantIsolationTest.agency("lea1")
                        + PcapEndToEndTest.interceptYaml(
                                "w0",
                                "LW0",
                                NOW.minusSeconds(60).toString(),
                                until.toString(),
                                "both",
                                "  - {radiusUser: alice}"));
        manager.update(new YamlDirSource(dir, Duration.ofSeconds(1), null).load());
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        assertEquals(1, data(PEER, LEASE, 1));
        ts = until.getEpochSecond() * 1_000_000_000L; // capture time reaches validUntil
        clock.now = until;
        manager.tick();
        assertEquals(0, data(PEER, LEASE, 2), "outside the window");
        List<PsPdu> iri = iri(drain());
        assertEquals(
                List.of(IriType.IRI_BEGIN, IriType.IRI_END),
                iri.stream().map(RadiusSessionTest::type).toList());
        assertEquals(
                AccessEventType.END_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                contents(iri.get(1)).accessEventType());
    }

    /** A session table in a shared directory (sticky /tmp) is refused, and the failure leaves it to be saved later. */
    @Test
    void aSharedDirectoryIsRefusedForTheSessionTable() throws Exception {
        Path shared = Path.of("/tmp");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isDirectory(shared) && (((Integer) Files.getAttribute(shared, "unix:mode")) & 01000) != 0,
                "no sticky /tmp here");
        SessionStore store = new SessionStore(shared.resolve("kubeli-radius-test-" + System.nanoTime()));
        build(new RadiusTracker.Limits(1000, 60_000_000_000L), store);
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        manager.saveRadiusSessions(true);
        assertFalse(Files.exists(store.file()));
        assertTrue(tracker.dirty(), "still to be saved");
        assertTrue(logs.toString().contains("cannot save the RADIUS session table"), logs.toString());
        drain();
    }

    // ---- restarts and the agency's view of a session (one IRI-Begin per stream, numbers contiguous)

    private static final RadiusTracker.Limits HOUR = new RadiusTracker.Limits(1000, 3_600_000_000_000L);

    /** What the link's sequence journal would hold: per stream the next number after what left the process. */
    private Map<String, Long> journal() {
        Map<String, Long> j = new HashMap<>();
        for (CollectingSink.Rec r : sink.snapshot()) {
            j.merge(stream(r.key(), r.stream()), r.seq() + 1, Math::max);
        }
        return j;
    }

    private static String stream(KeyState k, Stream s) {
        return k.interceptName() + '\0' + k.liid() + '\0' + k.cin() + '\0' + s;
    }

    /** A new process: numbering continues from {@code journal}, the table is loaded. */
    private void restart(SessionStore store, Map<String, Long> journal) throws Exception {
        build(HOUR, store);
        pipeline.setSequenceStore(SequenceStore.from((k, st) -> journal.getOrDefault(stream(k, st), 0L), null));
        assertEquals(1, store.load(tracker));
        intercepts("  - {radiusUser: alice}");
        manager.tick();
    }

    /** Fault: a SIGKILL mid-session; the restarted collector continues the session's stream, no second IRI-Begin. */
    @Test
    void aCrashRestartContinuesTheSessionWithoutASecondBegin() throws Exception {
        SessionStore store = new SessionStore(tmp.resolve("state").resolve("radius-sessions"));
        build(HOUR, store);
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        assertEquals(1, data(PEER, LEASE, 1));
        manager.tick();
        manager.saveRadiusSessions(false); // the tick after the Begin saves at once
        List<PsPdu> first = drain();
        assertEquals(
                List.of(IriType.IRI_BEGIN),
                iri(first).stream().map(RadiusSessionTest::type).toList());
        restart(store, journal()); // SIGKILL: no IRI-End left
        assertEquals(1, data(PEER, LEASE, 2), "restored: matched at once");
        acct(Rad.acct(2, 3, "alice", "S-1", NAS)
                .ip(8, LEASE)
                .integer(42, 100)
                .integer(43, 200)
                .bytes());
        acct(Rad.acct(3, 2, "alice", "S-1", NAS).ip(8, LEASE).integer(49, 1).bytes());
        List<PsPdu> after = drain();
        List<PsPdu> iri = iri(after);
        assertEquals(
                List.of(IriType.IRI_CONTINUE, IriType.IRI_END),
                iri.stream().map(RadiusSessionTest::type).toList(),
                "the agency saw the Begin before the crash: it is not repeated");
        assertEquals(
                List.of(1L, 2L),
                iri.stream().map(p -> p.header().sequenceNumber()).toList(),
                "IRI contiguous");
        assertEquals(
                List.of(1L),
                cc(after).stream().map(p -> p.header().sequenceNumber()).toList(),
                "CC contiguous");
        long cin = cc(first).get(0).header().cin();
        assertTrue(after.stream().allMatch(p -> p.header().cin() == cin), "the same CIN");
    }

    /** Fault: the crash came before the table was saved after the Begin; its number left: still no second Begin. */
    @Test
    void aCrashBeforeTheSaveAfterTheBeginStillContinues() throws Exception {
        SessionStore store = new SessionStore(tmp.resolve("state").resolve("radius-sessions"));
        build(HOUR, store);
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        manager.saveRadiusSessions(true); // the session is on disk, not yet a target
        intercepts("  - {radiusUser: alice}"); // created mid-session: Begin (session active), then the crash
        drain();
        restart(store, journal());
        acct(Rad.acct(2, 3, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        List<PsPdu> iri = iri(drain());
        assertEquals(
                List.of(IriType.IRI_CONTINUE),
                iri.stream().map(RadiusSessionTest::type).toList());
        assertEquals(1L, iri.get(0).header().sequenceNumber());
    }

    /** Fault: the Begin died in memory with the crashed process (its number is reused): the restart sends it. */
    @Test
    void aBeginThatNeverLeftTheCrashedProcessIsSentAgain() throws Exception {
        SessionStore store = new SessionStore(tmp.resolve("state").resolve("radius-sessions"));
        build(HOUR, store);
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        manager.tick();
        manager.saveRadiusSessions(false);
        drain();
        restart(store, Map.of()); // nothing of the stream had left the process
        List<PsPdu> iri = iri(drain());
        assertEquals(
                List.of(IriType.IRI_BEGIN),
                iri.stream().map(RadiusSessionTest::type).toList());
        assertEquals(
                AccessEventType.START_OF_INTERCEPTION_WITH_SESSION_ACTIVE,
                contents(iri.get(0)).accessEventType());
        assertEquals(0L, iri.get(0).header().sequenceNumber());
    }

    /** After a graceful stop the agency got the IRI-End: the restart begins the stream again (Begin, End, Begin). */
    @Test
    void aGracefulStopEndsTheStreamAndTheRestartBeginsIt() throws Exception {
        SessionStore store = new SessionStore(tmp.resolve("state").resolve("radius-sessions"));
        build(HOUR, store);
        intercepts("  - {radiusUser: alice}");
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        manager.endAll();
        drain();
        restart(store, journal());
        List<PsPdu> iri = iri(drain());
        assertEquals(
                List.of(IriType.IRI_BEGIN),
                iri.stream().map(RadiusSessionTest::type).toList());
        assertEquals(2L, iri.get(0).header().sequenceNumber(), "after Begin 0 and End 1");
    }

    /** A table written by the previous version (KRA1, no announced streams) is still read. */
    @Test
    void aVersion1SessionTableIsStillRead() throws Exception {
        Path state = tmp.resolve("radius-sessions");
        byte[] key = ("4" + new String(addr(NAS), java.nio.charset.StandardCharsets.ISO_8859_1) + "\0S-1")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(512).putInt(0x4B524131).putInt(1);
        b.putShort((short) key.length)
                .put(key)
                .putShort((short) 5)
                .put("alice".getBytes())
                .putShort((short) 0xFFFF);
        b.put((byte) 1)
                .put(addr(NAS))
                .put((byte) 0)
                .putLong(0)
                .putLong(0)
                .put((byte) 1)
                .put(addr(LEASE))
                .put((byte) 0)
                .putLong(0)
                .putLong(0)
                .put((byte) 0)
                .putLong(0)
                .putLong(0)
                .putLong(ts)
                .putLong(ts)
                .putLong(0)
                .putLong(0)
                .putLong(0)
                .putLong(0);
        Files.write(state, java.util.Arrays.copyOf(b.array(), b.position()));
        SessionStore store = new SessionStore(state);
        build(HOUR, store);
        assertEquals(1, store.load(tracker));
        targetAliceMidSession(1, "restored from the old format");
    }

    /** Hostile: a table whose session claims 65535 announced streams is refused with a reason, nothing restored. */
    @Test
    void aSessionTableWithTooManyAnnouncedStreamsIsRefused() throws Exception {
        SessionStore store = new SessionStore(tmp.resolve("state").resolve("radius-sessions"));
        build(HOUR, store);
        acct(Rad.acct(1, 1, "alice", "S-1", NAS).ip(8, LEASE).bytes());
        manager.saveRadiusSessions(true);
        byte[] raw = Files.readAllBytes(store.file());
        raw[raw.length - 2] = (byte) 0xFF; // the last field: the session's count of announced streams (0)
        raw[raw.length - 1] = (byte) 0xFF;
        Files.write(store.file(), raw);
        build(HOUR, store);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> store.load(tracker));
        assertTrue(e.getMessage().contains("too many announced streams"), e.getMessage());
        assertEquals(0, tracker.size());
        drain();
    }
}
