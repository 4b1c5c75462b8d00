package io.kubeli.systemit;

import static io.kubeli.systemit.AgencyRecords.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.api.v1alpha1.Agency;
import io.kubeli.api.v1alpha1.Collector;
import io.kubeli.api.v1alpha1.Intercept;
import io.kubeli.api.v1alpha1.InterceptPhase;
import io.kubeli.api.v1alpha1.Mediator;
import io.kubeli.collector.peers.RadiusPeers;
import io.kubeli.etsi.AccessEventType;
import io.kubeli.etsi.IriType;
import io.kubeli.operator.common.ConditionSet;
import io.kubeli.systemit.AgencyRecords.Rec;
import io.kubeli.systemit.Traffic.Frame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 end to end: a radiusUser Intercept driven by real RADIUS (freeradius + radclient as the NAS on a veth
 * pair), collector -> mediator -> agency, with a non-target user online at the same time, hostile datagrams on the
 * accounting port, a collector SIGKILL in the middle of a session, a misconfigured Collector, and the recorded
 * exchange replayed from a pcapfile: source through a second, fresh deployment with byte-identical records.
 */
class RadiusSystemIT {
    static final String LIID = "SYSIT-RADIUS";
    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final Instant FROM = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    static final Instant UNTIL = FROM.plus(Duration.ofHours(3));
    static final byte[] MARKER = "KLI-CAPTURE-END".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension // namespace krad-*, 198.18.16.0/24
    static final LiveRig rig = new LiveRig("radius-system-it", RadiusPeers::missing, "krad", 16);

    private static <T extends AutoCloseable> T closeLater(T c) {
        return rig.closeLater(c);
    }

    String lease(int host) {
        return rig.veth.captureAddr.replaceAll("\\.1$", "." + host);
    }

    @Test
    void radiusUserInterceptEndToEndWithAFaultHostileInputAMisconfigurationAndAByteIdenticalReplay() throws Exception {
        String alice1 = lease(50);
        String bob = lease(51);
        String alice2 = lease(52);
        String peer = lease(99);
        Path capture = rig.out.resolve("radius-system-it.pcap");
        Files.deleteIfExists(capture);

        Stack s = closeLater(new Stack(rig.root, rig.out.resolve("radius-system-it")));
        RadiusPeers radius = closeLater(new RadiusPeers(rig.veth, Files.createDirectories(s.work.resolve("radius"))));
        radius.startServer(ALICE + " Cleartext-Password := \"alicepw\"\n      Framed-IP-Address = " + alice1 + "\n");
        deploy(s, "afpacket:" + rig.veth.captureIf);
        s.startMediator("mediator");
        s.startCollector("edge", true);
        awaitReady(s);

        // misconfiguration: RADIUS ports out of range are refused on the resource, no DaemonSet is rendered
        s.apply(collectorYaml("bad-radius", "afpacket:" + rig.veth.captureIf, "[1812, 70000]"), Collector.class);
        String why = s.await("Collector bad-radius Valid=False", () -> {
            var c = s.k().resources(Collector.class)
                    .inNamespace(Stack.NS)
                    .withName("bad-radius")
                    .get();
            var v = c.getStatus() == null
                    ? null
                    : ConditionSet.find(c.getStatus().getConditions(), "Valid");
            return v != null && "False".equals(v.getStatus()) ? v.getMessage() : null;
        });
        assertTrue(why.contains("radius.ports must be UDP ports 1 to 65535"), why);
        assertEquals(
                null,
                s.k().apps()
                        .daemonSets()
                        .inNamespace(Stack.NS)
                        .withName("kubeli-collector-bad-radius")
                        .get(),
                "no DaemonSet for an invalid Collector");
        rig.figures.put("misconfigured Collector (radius.ports [1812, 70000])", why);

        s.apply(interceptYaml(), Intercept.class);
        s.await("Intercept phase Active", () -> phase(s) == InterceptPhase.ACTIVE);
        s.await("the collector holds the Intercept", () -> s.metric("kubeli_collector_intercepts_active") >= 1);

        // ---- part 1 (recorded for the replay): alice's session 1 beside bob's, hostile datagrams, data all along
        radius.startRecording(capture);
        Traffic t = new Traffic();
        send(s, data(t, List.of(alice1, bob, alice2), peer, 6)); // before: nobody online
        radius.request("auth", "User-Name = " + ALICE + ", User-Password = alicepw");
        radius.request("acct", acct("Start", ALICE, "sess-1", alice1, ""));
        radius.request("acct", acct("Start", BOB, "sess-b", bob, ""));
        s.await("Intercept status: 1 active session", () -> Integer.valueOf(1).equals(activeSessions(s)));
        List<Frame> during1 = data(t, List.of(alice1, bob, alice2), peer, 10);
        List<Frame> hostile = hostile(t);
        long malformedBefore = malformed(s);
        send(s, concat(during1, hostile));
        radius.request(
                "acct",
                acct(
                        "Interim-Update",
                        ALICE,
                        "sess-1",
                        alice1,
                        ", Acct-Input-Octets = 1000, "
                                + "Acct-Output-Octets = 2000, Acct-Input-Packets = 10, Acct-Output-Packets = 20"));
        List<Frame> during2 = data(t, List.of(alice1, bob, alice2), peer, 10);
        send(s, during2);
        radius.request(
                "acct",
                acct(
                        "Stop",
                        ALICE,
                        "sess-1",
                        alice1,
                        ", Acct-Input-Octets = 1500, "
                                + "Acct-Output-Octets = 2500, Acct-Terminate-Cause = User-Request"));
        send(s, data(t, List.of(alice1, bob, alice2), peer, 6)); // after: alice offline, bob still online
        send(s, List.of(Traffic.udp(lease(200), lease(201), 9, 9, MARKER, Instant.now())));
        rig.figures.put("tcpdump", radius.stopRecording(capture, MARKER));
        assertEquals(hostile.size(), malformed(s) - malformedBefore, "hostile RADIUS datagrams counted as malformed");

        List<Frame> part1 = concat(Traffic.to(during1, alice1), Traffic.to(during2, alice1));
        s.await("part 1 at the agency", () -> s.received(LIID, "CC") >= part1.size() && s.received(LIID, "IRI") >= 5);
        s.await(
                "Intercept status: no active session after the Stop",
                () -> Integer.valueOf(0).equals(activeSessions(s)));

        // ---- part 2 (fault): alice's session 2; the collector is SIGKILLed mid-session and restarted
        radius.request("acct", acct("Start", ALICE, "sess-2", alice2, ""));
        Path table = s.await("the session table saved with session 2", () -> sessionTable(s));
        List<Frame> during3 = data(t, List.of(alice1, bob, alice2), peer, 8);
        send(s, during3);
        List<Frame> before = Traffic.to(during3, alice2);
        s.await(
                "session 2's CC before the kill at the agency",
                () -> s.received(LIID, "CC") >= part1.size() + before.size());
        s.collector.process.destroyForcibly(); // SIGKILL
        s.collector.process.waitFor();
        rig.figures.put(
                "session table at the kill",
                Files.size(table) + " bytes, mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(table)));
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(table)),
                "the session table is private");
        PodProcess restarted = s.startCollector("edge", true);
        rig.figures.put("restart", restarted.awaitLine("(restored \\d+ RADIUS session\\(s\\))", Stack.WAIT));
        restarted.awaitLine("(target table updated: [1-9]\\d* intercept)", Stack.WAIT);
        List<Frame> during4 = data(t, List.of(alice1, bob, alice2), peer, 8);
        send(s, during4);
        radius.request(
                "acct",
                acct(
                        "Interim-Update",
                        ALICE,
                        "sess-2",
                        alice2,
                        ", Acct-Input-Octets = 300, " + "Acct-Output-Octets = 400"));
        radius.request("acct", acct("Stop", ALICE, "sess-2", alice2, ", Acct-Terminate-Cause = Lost-Carrier"));
        send(s, data(t, List.of(alice1, bob, alice2), peer, 6)); // after session 2

        List<Frame> part2 = concat(before, Traffic.to(during4, alice2));
        s.await(
                "everything at the agency",
                () -> s.received(LIID, "CC") >= part1.size() + part2.size() && s.received(LIID, "IRI") >= 8);
        s.await(
                "Intercept status: no active session at the end",
                () -> Integer.valueOf(0).equals(activeSessions(s)));
        PodProcess.sleep(3000); // anything extra (a non-target or post-session packet) would arrive now
        s.agency.flush();
        List<Rec> live = AgencyRecords.read(s.work.resolve("agency"));
        decodeCheck(s.work.resolve("agency"));

        // exactly the sessions' packets, contiguous per (LIID, CIN), nothing of bob, nothing outside the sessions
        long accessCin = cinOf(live, AccessEventType.ACCESS_ATTEMPT);
        long cin1 = cinOf(live, AccessEventType.SESSION_START, 0);
        long cin2 = cinOf(live, AccessEventType.SESSION_START, 1);
        assertEquals(Set.of(accessCin, cin1, cin2), live.stream().map(Rec::cin).collect(Collectors.toSet()), "CINs");
        assertStream(
                live, accessCin, List.of(), List.of(AccessEventType.ACCESS_ATTEMPT, AccessEventType.ACCESS_ACCEPT));
        assertStream(
                live,
                cin1,
                part1,
                List.of(AccessEventType.SESSION_START, AccessEventType.INTERIM_UPDATE, AccessEventType.SESSION_END));
        // the agency saw session 2 begin before the SIGKILL: the restored session continues its stream (one Begin)
        assertStream(
                live,
                cin2,
                part2,
                List.of(AccessEventType.SESSION_START, AccessEventType.INTERIM_UPDATE, AccessEventType.SESSION_END));
        assertEquals(0, s.agency.summary().missing(), "sequence gaps at the agency");
        rig.figures.put("live agency summary", s.agency.summary().oneLine());
        rig.figures.put("live records", live.size() + " (CC " + (part1.size() + part2.size()) + ")");
        s.close();

        // ---- the recorded part 1 through a fresh deployment from a pcapfile: source: byte-identical records
        Stack r = closeLater(new Stack(rig.root, rig.out.resolve("radius-system-it-replay")));
        deploy(r, "pcapfile:" + capture);
        r.startMediator("mediator");
        awaitReady(r);
        r.apply(interceptYaml(), Intercept.class);
        r.await("replay Intercept phase Active", () -> phase(r) == InterceptPhase.ACTIVE);
        PodProcess run = r.startCollector("edge", false); // reads the file once its intercepts are synced
        assertEquals(0, run.awaitExit(Stack.WAIT), "replay collector exit\n" + run.tail(30));
        rig.figures.put("replay collector", run.awaitLine("(kubeli collector: packets=.*)", Duration.ofSeconds(5)));
        r.await(
                "the replayed records at the agency",
                () -> r.received(LIID, "CC") >= part1.size() && r.received(LIID, "IRI") >= 5);
        PodProcess.sleep(3000);
        r.agency.flush();
        List<Rec> replay = AgencyRecords.read(r.work.resolve("agency"));
        decodeCheck(r.work.resolve("agency"));
        Map<String, byte[]> a = byKey(live.stream().filter(x -> x.cin() != cin2).toList());
        Map<String, byte[]> b = byKey(replay);
        assertEquals(a.keySet(), b.keySet(), "the replay gives the same records (stream, CIN, sequence number)");
        for (String key : a.keySet()) {
            assertArrayEquals(a.get(key), b.get(key), "replayed record " + key + " is byte-identical");
        }
        rig.figures.put("replay", b.size() + " records byte-identical to the live ones");
        r.close();
    }

    // ---- scenario pieces -------------------------------------------------------------------------------------

    static void deploy(Stack s, String source) {
        s.k().resource(Resources.agency(Stack.NS, "lea", s.agency.hi2Port(), s.agency.hi3Port()))
                .create();
        s.k().resource(Resources.mediator(Stack.NS, "mediator")).create();
        s.apply(collectorYaml("edge", source, "[1812, 1813]"), Collector.class);
    }

    static void awaitReady(Stack s) {
        s.await("Agency and Mediator Ready", () -> {
            var ag = s.k().resources(Agency.class)
                    .inNamespace(Stack.NS)
                    .withName("lea")
                    .get()
                    .getStatus();
            var me = s.k().resources(Mediator.class)
                    .inNamespace(Stack.NS)
                    .withName("mediator")
                    .get()
                    .getStatus();
            return ag != null
                    && me != null
                    && ConditionSet.isTrue(ag.getConditions(), "Ready")
                    && ConditionSet.isTrue(me.getConditions(), "Ready");
        });
    }

    static String collectorYaml(String name, String source, String ports) {
        return """
        apiVersion: li.kubeli.io/v1alpha1
        kind: Collector
        metadata: {name: %s, namespace: %s}
        spec:
          sources:
            - uri: "%s"
          mediatorRef: mediator
          networkElementId: edge-1
          threads: 1
          radius: {ports: %s, idleTimeout: 3600}
        """.formatted(name, Stack.NS, source, ports);
    }

    static String interceptYaml() {
        return Resources.interceptYaml(
                Stack.NS, "warrant-radius", LIID, "lea", "mediator", FROM, UNTIL, "{radiusUser: " + ALICE + "}");
    }

    static InterceptPhase phase(Stack s) {
        Intercept i = s.k().resources(Intercept.class)
                .inNamespace(Stack.NS)
                .withName("warrant-radius")
                .get();
        return i == null || i.getStatus() == null ? null : i.getStatus().getPhase();
    }

    /** Intercept status.activeSessions as the mediator writes it (null until written). */
    static Integer activeSessions(Stack s) {
        Intercept i = s.k().resources(Intercept.class)
                .inNamespace(Stack.NS)
                .withName("warrant-radius")
                .get();
        return i == null || i.getStatus() == null ? null : i.getStatus().getActiveSessions();
    }

    String acct(String status, String user, String session, String ip, String more) {
        return "Acct-Status-Type = " + status + ", User-Name = " + user + ", Acct-Session-Id = \"" + session
                + "\", NAS-IP-Address = " + rig.veth.senderAddr + ", Framed-IP-Address = " + ip + more;
    }

    /** {@code n} frames to or from each address (alternating direction) and as many between unrelated addresses. */
    static List<Frame> data(Traffic t, List<String> addresses, String peer, int n) {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (String a : addresses) {
                f.add(
                        i % 2 == 0
                                ? t.udp(peer, a, 60 + 17 * i, Instant.now())
                                : t.udp(a, peer, 60 + 17 * i, Instant.now()));
            }
            f.add(t.udp("198.18.17." + (1 + i), "198.18.17.200", 80, Instant.now()));
        }
        return f;
    }

    /** Datagrams on the accounting port that no RADIUS parser may accept (each breaks one rule). */
    List<Frame> hostile(Traffic t) {
        List<byte[]> p = new ArrayList<>();
        p.add(new byte[] {4, 1, 0}); // too short
        p.add(header(4, 4000 + 1000, 20)); // declared length over 4096
        p.add(header(4, 200, 40)); // declared 200, 40 present
        byte[] loop = header(4, 24, 24); // attribute of length 0 (a loop)
        loop[20] = 1;
        p.add(loop);
        byte[] over = header(4, 26, 26); // attribute running past the end
        over[20] = 1;
        over[21] = (byte) 200;
        p.add(over);
        List<Frame> f = new ArrayList<>();
        for (byte[] x : p) {
            f.add(Traffic.udp(rig.veth.senderAddr, rig.veth.captureAddr, 40_000 + f.size(), 1813, x, Instant.now()));
        }
        return f;
    }

    private static byte[] header(int code, int declared, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) code;
        b[1] = 77;
        b[2] = (byte) (declared >> 8);
        b[3] = (byte) declared;
        return b;
    }

    static long malformed(Stack s) {
        long sum = 0;
        for (String r : List.of(
                "too_short",
                "bad_length",
                "truncated",
                "attr_too_short",
                "attr_overrun",
                "bad_value",
                "conflicting_identity",
                "missing_status",
                "missing_session_id")) {
            sum += Http.metric(s.collectorMetricsPort, "kubeli_collector_radius_packets_total", "result=\"" + r + "\"");
        }
        return sum;
    }

    /** Live input: replays the frames from the NAS side and waits until the collector counted them. */
    static void send(Stack s, List<Frame> frames) throws Exception {
        long before = s.metric("kubeli_collector_packets_total");
        Path pcap = Traffic.write(s.work.resolve("send.pcap"), frames);
        rig.veth.replay(pcap, 1000);
        s.await(
                "collector captured " + frames.size() + " frames",
                () -> s.metric("kubeli_collector_packets_total") >= before + frames.size());
    }

    /** The collector's RADIUS session table once it holds session 2 (saved within ~200 ms of a target's Start). */
    static Path sessionTable(Stack s) {
        try (var w = Files.walk(s.work)) {
            for (Path p : w.filter(x -> x.getFileName().toString().equals("radius-sessions"))
                    .toList()) {
                if (RadiusPeers.contains(Files.readAllBytes(p), "sess-2".getBytes(StandardCharsets.US_ASCII))) {
                    return p;
                }
            }
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    // ---- checks ----------------------------------------------------------------------------------------------

    static long cinOf(List<Rec> all, AccessEventType ev) {
        return cinOf(all, ev, 0);
    }

    /** The CIN of the {@code nth} IRI record (by arrival) carrying {@code ev}. */
    static long cinOf(List<Rec> all, AccessEventType ev, int nth) {
        List<Long> cins = all.stream()
                .filter(r -> !r.cc() && r.event() == ev)
                .map(Rec::cin)
                .distinct()
                .toList();
        assertTrue(cins.size() > nth, "no IRI " + ev + " #" + nth + " at the agency");
        return cins.get(nth);
    }

    /** Exactly these packets as CC 0..n-1 (byte for byte, in order) and these IRI events as 0..m-1 on this CIN. */
    static void assertStream(List<Rec> all, long cin, List<Frame> cc, List<AccessEventType> iri) {
        List<Rec> c = unique(all.stream().filter(r -> r.cin() == cin && r.cc()).toList());
        assertEquals(cc.size(), c.size(), "CC records of CIN " + cin);
        for (int i = 0; i < c.size(); i++) {
            assertEquals(i, c.get(i).seq(), "CC sequence numbers of CIN " + cin + " contiguous from 0");
            assertEquals(LIID, c.get(i).liid());
            assertArrayEquals(cc.get(i).ipPacket(), c.get(i).packet(), "CC record " + i + " of CIN " + cin);
        }
        List<Rec> r = unique(all.stream().filter(x -> x.cin() == cin && !x.cc()).toList());
        assertEquals(iri, r.stream().map(Rec::event).toList(), "IRI events of CIN " + cin);
        for (int i = 0; i < r.size(); i++) {
            assertEquals(i, r.get(i).seq(), "IRI sequence numbers of CIN " + cin + " contiguous from 0");
        }
        List<IriType> types = r.stream().map(Rec::iriType).toList();
        if (iri.contains(AccessEventType.SESSION_END)) {
            assertEquals(IriType.IRI_BEGIN, types.getFirst());
            assertEquals(IriType.IRI_END, types.getLast());
            assertEquals(1, types.stream().filter(t -> t == IriType.IRI_BEGIN).count(), "one IRI-Begin on CIN " + cin);
        }
    }

    private static Map<String, byte[]> byKey(List<Rec> l) {
        Map<String, byte[]> m = new TreeMap<>();
        for (Rec x : l) {
            m.put((x.cc() ? "CC" : "IRI") + "/" + x.cin() + "/" + x.seq(), x.pdu());
        }
        return m;
    }

    static void decodeCheck(Path dir) {
        rig.decodeCheck(dir, dir.getParent().getFileName() + "/");
    }

    @SafeVarargs
    static <T> List<T> concat(List<T>... lists) {
        List<T> o = new ArrayList<>();
        for (List<T> l : lists) {
            o.addAll(l);
        }
        return o;
    }
}
