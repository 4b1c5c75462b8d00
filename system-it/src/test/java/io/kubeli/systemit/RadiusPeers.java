package io.kubeli.systemit;

import io.kubeli.capture.VethPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Real RADIUS peers on a veth pair: Debian's freeradius as the server on the capture end (root namespace) and
 * radclient as the NAS in the namespace; plus tcpdump recording what crosses the capture end (for the replay).
 */
final class RadiusPeers implements AutoCloseable {
  static final String SECRET = "testing123";

  private final VethPair veth;
  private final Path dir;
  private Process radiusd;
  private Process tcpdump;
  private int requests;

  RadiusPeers(VethPair veth, Path dir) {
    this.veth = veth;
    this.dir = dir;
  }

  /** Null when freeradius, radclient or tcpdump are missing (the reason for a skip). */
  static String missing() {
    for (String p : new String[] {"/usr/sbin/freeradius", "/usr/bin/radclient", "/usr/bin/tcpdump"}) {
      if (!Files.isExecutable(Path.of(p))) {
        return p + " not installed (apt-get install freeradius freeradius-utils tcpdump)";
      }
    }
    return null;
  }

  /** Starts freeradius (-X: foreground) with the users file given; returns once it answers. */
  void startServer(String users) throws Exception {
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
        """.replace("DIR", d.toString()).replace("NAS", veth.senderAddr).replace("SERVER", veth.captureAddr)
        .replace("SECRET", SECRET));
    Files.writeString(d.resolve("users"), users);
    Path log = dir.resolve("radiusd.log");
    radiusd = start(log, "/usr/sbin/freeradius", "-X", "-d", d.toString());
    awaitText(log, "Ready to process requests", radiusd);
  }

  /** Records every frame crossing the capture end to {@code file} (nanosecond pcap, delivered without delay). */
  void startRecording(Path file) throws Exception {
    Path log = dir.resolve("tcpdump.log");
    tcpdump = start(log, "/usr/bin/tcpdump", "-i", veth.captureIf, "-U", "--immediate-mode", "-n",
        "--time-stamp-precision=nano", "-w", file.toString());
    awaitText(log, "listening on", tcpdump);
  }

  /**
   * Ends the recording once {@code marker} (a payload sent last) is in the file: tcpdump stopped earlier can leave
   * frames it had not written yet out of the file, and the replay would then miss them. Returns tcpdump's summary.
   */
  String stopRecording(Path file, byte[] marker) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!contains(Files.readAllBytes(file), marker)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the capture marker never reached " + file + ": " + read(dir.resolve("tcpdump.log")));
      }
      Thread.sleep(50);
    }
    stop(tcpdump);
    String log = read(dir.resolve("tcpdump.log"));
    if (!log.matches("(?s).*(^|\\n)0 packets dropped by kernel.*")) {
      throw new AssertionError("tcpdump dropped frames, the replay would differ: " + log);
    }
    return log.trim().replace('\n', ' ');
  }

  /** One radclient request from the NAS ({@code auth} or {@code acct}); radclient fails when nothing answers. */
  void request(String type, String attrs) throws Exception {
    Path f = dir.resolve("req-" + requests++ + ".txt");
    Files.writeString(f, attrs + "\n");
    veth.run("ip", "netns", "exec", veth.ns, "radclient", "-r", "2", "-t", "3", "-f", f.toString(),
        veth.captureAddr + ":" + (type.equals("auth") ? 1812 : 1813), type, SECRET);
  }

  static boolean contains(byte[] hay, byte[] needle) {
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

  private static Process start(Path log, String... cmd) throws IOException {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void awaitText(Path log, String text, Process p) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (read(log).contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError(p.info().command().orElse("process") + " exited early: " + read(log));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("'" + text + "' not seen within 15 s: " + read(log));
  }

  static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static void stop(Process p) throws InterruptedException {
    if (p != null && p.isAlive()) {
      p.destroy();   // SIGTERM to our own child only
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(tcpdump);
    stop(radiusd);
  }
}
