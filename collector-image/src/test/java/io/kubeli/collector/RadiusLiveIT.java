package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.capture.LinkTypes;
import io.kubeli.capture.VethPair;
import io.kubeli.etsi.AccessEventType;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.IpIriContents;
import io.kubeli.etsi.IriContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 with real peers: Debian's freeradius (server, root namespace, on the capture end of a veth pair) and
 * radclient (the NAS, in the namespace) exchange Access and Accounting; data to and from the leased address is sent
 * before, during and after the session. The collector on afpacket: delivers exactly the session's packets as CC with
 * the session IRI, everything decodes strictly, and a pcapfile: replay of the same capture gives identical files.
 */
class RadiusLiveIT {
    private static final String USER = "alice";
    private static VethPair veth;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/freeradius"))
                && Files.isExecutable(Path.of("/usr/bin/radclient")),
                "skipped: freeradius / radclient not installed (apt-get install freeradius freeradius-utils)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")), "skipped: tcpdump not installed");
        String[] why = new String[1];
        veth = VethPair.tryCreate(why, "kcol", 14);
        Assumptions.assumeTrue(veth != null, () -> "skipped: " + why[0]);
    }

    @AfterAll
    static void tearDown() {
        if (veth != null) {
            veth.close();
        }
    }

    private String lease() {
        return veth.captureAddr.replaceAll("\\.1$", ".50");
    }

    private String peer() {
        return veth.captureAddr.replaceAll("\\.1$", ".99");
    }

    private Path radiusConfig() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("raddb"));
        for (String s : List.of("log", "run")) {
            Files.createDirectories(d.resolve(s));
        }
        String conf = """
                prefix = /usr
                exec_prefix = /usr
                sysconfdir = /etc
                localstatedir = /var
                sbindir = /usr/sbin
                raddbdir = DIR
                confdir = DIR
                logdir = DIR/log
                run_dir = DIR/run
                libdir = /usr/lib/freeradius
                pidfile = DIR/run/radiusd.pid
                name = freeradius
                max_request_time = 30
                cleanup_delay = 1
                max_requests = 1024
                hostname_lookups = no
                log {
                  destination = stdout
                }
                security {
                  allow_core_dumps = no
                  max_attributes = 200
                  reject_delay = 0
                  status_server = no
                }
                thread pool {
                  start_servers = 1
                  max_servers = 2
                  min_spare_servers = 1
                  max_spare_servers = 2
                }
                client nas {
                  ipaddr = NAS
                  secret = testing123
                }
                modules {
                  files {
                    filename = DIR/users
                  }
                  pap {
                  }
                  always ok {
                    rcode = ok
                  }
                }
                server default {
                  listen {
                    type = auth
                    ipaddr = SERVER
                    port = 1812
                  }
                  listen {
                    type = acct
                    ipaddr = SERVER
                    port = 1813
                  }
                  authorize {
                    files
                    pap
                  }
                  authenticate {
                    pap
                  }
                  preacct {
                    ok
                  }
                  accounting {
                    ok
                  }
                  post-auth {
                    ok
                  }
                }
                """.replace("DIR", d.toString()).replace("NAS", veth.senderAddr).replace("SERVER", veth.captureAddr);
        Files.writeString(d.resolve("radiusd.conf"), conf);
        Files.writeString(d.resolve("users"), USER + " Cleartext-Password := \"alicepw\"\n      Framed-IP-Address = "
                + lease() + "\n");
        return d;
    }

    /** radclient in the namespace (the NAS): one request, bounded by its own timeout and VethPair's 60 s. */
    private void radclient(String type, String attrs) throws Exception {
        Path f = Files.createTempFile(tmp, "req", ".txt");
        Files.writeString(f, attrs + "\n");
        String out = veth.run("ip", "netns", "exec", veth.ns, "radclient", "-r", "2", "-t", "3", "-f", f.toString(),
                veth.captureAddr + ":" + (type.equals("auth") ? 1812 : 1813), type, "testing123");
    }

    private static Process start(Path log, String... cmd) throws Exception {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitLog(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text)) {
                return;
            }
            assertTrue(p.isAlive(), () -> "exited early: " + read(log));
            Thread.sleep(50);
        }
        fail("'" + text + "' not seen within 15 s: " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy(); // SIGTERM to our own child only
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** Data frames to and from the lease (and one unrelated pair); returns the IP packets. */
    private List<byte[]> data(Path pcap, int phase, long ts) throws Exception {
        List<Pkt> pkts = new ArrayList<>();
        List<byte[]> ips = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] payload = ("phase " + phase + " packet " + i).getBytes(StandardCharsets.US_ASCII);
            byte[] ip = i % 2 == 0 ? ipv4(peer(), lease(), 17, udp(5000 + i, 6000, payload))
                    : ipv4(lease(), peer(), 6, tcp(6000, 5000 + i, payload));
            ips.add(ip);
            pkts.add(new Pkt(ts, ether(0x0800, ip)));
        }
        pkts.add(new Pkt(ts, ether(0x0800, ipv4(peer(), "198.18.77.1", 17, udp(1, 2, new byte[9])))));
        writePcap(pcap, LinkTypes.ETHERNET, pkts);
        return ips;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static Map<String, Integer> multiset(List<byte[]> l) {
        return LiveCollectorIT.multiset(l);
    }

    @Test
    void exactlyTheSessionsPacketsWithSessionIriAndAByteIdenticalReplay() throws Exception {
        Path raddb = radiusConfig();
        Path dir = Files.createDirectories(tmp.resolve("intercepts"));
        Instant now = Instant.now();
        Files.writeString(dir.resolve("i.yaml"), PcapEndToEndTest.agencyYaml() + PcapEndToEndTest.interceptYaml(
                "radius-1", "LIID-R1", now.minusSeconds(3600).toString(), now.plusSeconds(3600).toString(), "both",
                "  - {radiusUser: " + USER + "}"));
        long ts = now.getEpochSecond() * 1_000_000_000L;
        Path[] phases = new Path[4];
        List<List<byte[]>> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            phases[i] = tmp.resolve("phase" + i + ".pcap");
            sent.add(data(phases[i], i, ts));
        }
        Path live = Files.createDirectories(tmp.resolve("live"));
        Path cap = tmp.resolve("capture.pcap");
        Process radiusd = null;
        Process tcpdump = null;
        CollectorApp app = null;
        try {
            radiusd = start(tmp.resolve("radiusd.log"), "/usr/sbin/freeradius", "-X", "-d", raddb.toString());
            awaitLog(tmp.resolve("radiusd.log"), "Ready to process requests", radiusd);
            tcpdump = start(tmp.resolve("tcpdump.log"), "/usr/bin/tcpdump", "-i", veth.captureIf, "-U",
                    "--immediate-mode", "-n",
                    "--time-stamp-precision=nano", "-w", cap.toString());
            awaitLog(tmp.resolve("tcpdump.log"), "listening on", tcpdump);
            app = CollectorApp.start(CollectorSettings.parse(new String[] {"--source", "afpacket:" + veth.captureIf
                    + "?threads=1&blocks=8&timeoutMs=5", "--intercepts", dir.toString(), "--output", "file:" + live + "/",
                    "--radius-state", "none", "--poll-ms", "100"}), FileSink.forPath(live + "/"), Clock.systemUTC());
            Thread.sleep(300);
            veth.replay(phases[0], 500); // before the session
            radclient("auth", "User-Name = " + USER + ", User-Password = alicepw");
            String common = ", User-Name = " + USER + ", Acct-Session-Id = \"live-1\", NAS-IP-Address = "
                    + veth.senderAddr + ", Framed-IP-Address = " + lease();
            radclient("acct", "Acct-Status-Type = Start" + common);
            veth.replay(phases[1], 500); // during
            radclient("acct", "Acct-Status-Type = Interim-Update" + common + ", Acct-Input-Octets = 1000,"
                    + " Acct-Output-Octets = 2000, Acct-Input-Packets = 10, Acct-Output-Packets = 20");
            veth.replay(phases[2], 500); // during
            radclient("acct", "Acct-Status-Type = Stop" + common + ", Acct-Input-Octets = 1500,"
                    + " Acct-Output-Octets = 2500, Acct-Terminate-Cause = User-Request");
            // the lease goes to another user at once: not the target's
            radclient("acct", "Acct-Status-Type = Start, User-Name = bob, Acct-Session-Id = \"live-2\", NAS-IP-Address = "
                    + veth.senderAddr + ", Framed-IP-Address = " + lease());
            veth.replay(phases[3], 500); // after
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (app.pipeline().stats().queued() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500); // anything extra would show up now
            // the replay needs every frame: stop tcpdump only once a last marker frame is in its file (a flake
            // of this test: stopped earlier, tcpdump had not written everything yet and the replay missed a record)
            byte[] marker = "KLI-CAPTURE-END".getBytes(StandardCharsets.US_ASCII);
            Path m = tmp.resolve("marker.pcap");
            writePcap(m, LinkTypes.ETHERNET, List.of(new Pkt(ts, ether(0x0800, ipv4(peer(), "198.18.77.2", 17,
                    udp(9, 9, marker))))));
            veth.replay(m, 500);
            long until = System.nanoTime() + 15_000_000_000L;
            while (!contains(Files.readAllBytes(cap), marker)) {
                assertTrue(System.nanoTime() < until, () -> "the marker never reached the capture: "
                        + read(tmp.resolve("tcpdump.log")));
                Thread.sleep(50);
            }
        } finally {
            if (app != null) {
                app.close();
            }
            stop(tcpdump);
            stop(radiusd);
        }
        assertEquals(0, app.captureStats().drops(), app.summary());
        assertTrue(read(tmp.resolve("tcpdump.log")).matches("(?s).*(^|\\n)0 packets dropped by kernel.*"),
                () -> "tcpdump dropped frames, the replay would differ: " + read(tmp.resolve("tcpdump.log")));
        List<PsPdu> pdus = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(live)) {
            files = s.sorted().toList();
        }
        for (Path f : files) {
            pdus.addAll(PcapEndToEndTest.decodeAll(f)); // strict decoding, as ./kubeli decode --check
        }
        List<byte[]> cc = new ArrayList<>();
        List<PsPdu> iri = new ArrayList<>();
        for (PsPdu p : pdus) {
            if (p.payload() instanceof Payload.Cc c) {
                cc.add(((CcContents.Ipcc) c.payloads().get(0).contents()).packet().toByteArray());
            } else {
                iri.add(p);
            }
        }
        List<byte[]> expected = new ArrayList<>(sent.get(1));
        expected.addAll(sent.get(2));
        assertEquals(multiset(expected), multiset(cc), "exactly the session's packets: " + app.summary());
        List<AccessEventType> events = iri.stream().map(p -> ((IriContents.IpIri) ((Payload.Iri) p.payload())
                .payloads().get(0).contents()).contents().accessEventType()).toList();
        assertEquals(List.of(AccessEventType.ACCESS_ATTEMPT, AccessEventType.ACCESS_ACCEPT, AccessEventType.SESSION_START,
                AccessEventType.INTERIM_UPDATE, AccessEventType.SESSION_END), events, "IRI in emission order");
        IpIriContents end = ((IriContents.IpIri) ((Payload.Iri) iri.stream().filter(p -> ((Payload.Iri) p.payload())
                .payloads().get(0).iriType() == IriType.IRI_END).findFirst().orElseThrow().payload()).payloads().get(0)
                .contents()).contents();
        assertEquals(USER, new String(end.targetUsername().toByteArray(), StandardCharsets.US_ASCII));
        assertArrayEquals(addr(lease()), end.targetIpAddress().binaryAddress().toByteArray());
        assertArrayEquals(addr(veth.senderAddr), end.popIpAddress().binaryAddress().toByteArray());
        assertEquals(2500, end.octetsReceived().longValue());
        assertEquals(1500, end.octetsTransmitted().longValue());

        // the same traffic replayed from the capture file: identical record files
        Path replay = Files.createDirectories(tmp.resolve("replay"));
        CollectorApp r = CollectorApp.start(CollectorSettings.parse(new String[] {"--source", "pcapfile:" + cap,
                "--intercepts", dir.toString(), "--output", "file:" + replay + "/", "--radius-state", "none"}),
                FileSink.forPath(replay + "/"), Clock.systemUTC());
        try {
            r.awaitFiniteEnd();
        } finally {
            r.close();
        }
        List<Path> rfiles;
        try (Stream<Path> s = Files.list(replay)) {
            rfiles = s.sorted().toList();
        }
        assertEquals(files.stream().map(Path::getFileName).toList(), rfiles.stream().map(Path::getFileName).toList());
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(Files.readAllBytes(files.get(i)), Files.readAllBytes(rfiles.get(i)),
                    "replay of " + files.get(i).getFileName() + " is byte-identical");
        }
    }
}
