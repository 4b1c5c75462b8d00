package io.kubeli.collector.peers;

import io.kubeli.capture.VethPair;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real RADIUS peers on a veth pair: Debian's freeradius as the server on the capture end (root namespace) and
 * radclient as the NAS in the namespace; plus tcpdump recording what crosses the capture end (for the replay).
 */
public final class RadiusPeers extends PeerProcesses {
    public static final String SECRET = "testing123";

    private final VethPair veth;
    private Process tcpdump;
    private int requests;

    public RadiusPeers(VethPair veth, Path dir) {
        super(dir);
        this.veth = veth;
    }

    /** Null when freeradius, radclient or tcpdump are missing (the reason for a skip). */
    public static String missing() {
        for (String p : new String[] {"/usr/sbin/freeradius", "/usr/bin/radclient", "/usr/bin/tcpdump"}) {
            if (!Files.isExecutable(Path.of(p))) {
                return p + " not installed (apt-get install freeradius freeradius-utils tcpdump)";
            }
        }
        return null;
    }

    /** Starts freeradius (-X: foreground) with the users file given; returns once it answers. */
    public void startServer(String users) throws Exception {
        Path d = Files.createDirectories(dir.resolve("raddb"));
        Files.createDirectories(d.resolve("log"));
        Files.createDirectories(d.resolve("run"));
        Files.writeString(d.resolve("radiusd.conf"), """
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
                    secret = SECRET
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
                """.replace("DIR", d.toString())
                .replace("NAS", veth.senderAddr)
                .replace("SERVER", veth.captureAddr)
                .replace("SECRET", SECRET));
        Files.writeString(d.resolve("users"), users);
        awaitLog(
                "radiusd.log",
                "Ready to process requests",
                start("radiusd.log", "/usr/sbin/freeradius", "-X", "-d", d.toString()));
    }

    /** Records every frame crossing the capture end to {@code file} (nanosecond pcap, delivered without delay). */
    public void startRecording(Path file) throws Exception {
        tcpdump = start(
                "tcpdump.log",
                "/usr/bin/tcpdump",
                "-i",
                veth.captureIf,
                "-U",
                "--immediate-mode",
                "-n",
                "--time-stamp-precision=nano",
                "-w",
                file.toString());
        awaitLog("tcpdump.log", "listening on", tcpdump);
    }

    /**
     * Ends the recording once {@code marker} (a payload sent last) is in the file: tcpdump stopped earlier can leave
     * frames it had not written yet out of the file, and the replay would then miss them. Returns tcpdump's summary.
     */
    public String stopRecording(Path file, byte[] marker) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!contains(Files.readAllBytes(file), marker)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the capture marker never reached " + file + ": " + log("tcpdump.log"));
            }
            Thread.sleep(50);
        }
        stop(tcpdump);
        String log = log("tcpdump.log");
        if (!log.matches("(?s).*(^|\\n)0 packets dropped by kernel.*")) {
            throw new AssertionError("tcpdump dropped frames, the replay would differ: " + log);
        }
        return log.trim().replace('\n', ' ');
    }

    /** One radclient request from the NAS ({@code auth} or {@code acct}); radclient fails when nothing answers. */
    public void request(String type, String attrs) throws Exception {
        Path f = dir.resolve("req-" + requests++ + ".txt");
        Files.writeString(f, attrs + "\n");
        veth.run(
                "ip",
                "netns",
                "exec",
                veth.ns,
                "radclient",
                "-r",
                "2",
                "-t",
                "3",
                "-f",
                f.toString(),
                veth.captureAddr + ":" + (type.equals("auth") ? 1812 : 1813),
                type,
                SECRET);
    }

    /** Whether {@code needle} occurs in {@code hay}. */
    public static boolean contains(byte[] hay, byte[] needle) {
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
}
