package io.kubeli.systemit;

import io.kubeli.capture.VethPair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's SIPp as live SIP peers on a veth pair (as collector-image's SipLiveIT): the callee in the root namespace on
 * the capture end (echoing RTP), callers in the namespace playing RTP from a pcap, and tcpdump recording the wire.
 * Every process is bounded (SIPp -timeout, -m 1) and stopped by {@link #close}.
 */
final class SipPeers implements AutoCloseable {
  private final VethPair veth;
  private final Path dir;
  private final List<Process> procs = new ArrayList<>();

  SipPeers(VethPair veth, Path dir) {
    this.veth = veth;
    this.dir = dir;
  }

  /** Why this machine cannot run the peers, or null. */
  static String missing() {
    if (!Files.isExecutable(Path.of("/usr/bin/sipp"))) {
      return "SIPp (sipp) not installed (apt-get install sip-tester)";
    }
    if (!Files.isExecutable(Path.of("/usr/bin/tcpdump"))) {
      return "tcpdump not installed";
    }
    if (!Files.isReadable(Path.of("/usr/share/sip-tester/g711a.pcap"))) {
      return "SIPp's /usr/share/sip-tester/g711a.pcap (RTP to play) is missing";
    }
    return null;
  }

  Process start(String log, String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    procs.add(p);
    return p;
  }

  String log(String name) {
    try {
      return Files.readString(dir.resolve(name), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** tcpdump on the capture end, once it listens. */
  Process tcpdump(Path pcap) throws Exception {
    Process p = start("tcpdump.log", "/usr/bin/tcpdump", "-i", veth.captureIf, "-U", "-n",
        "--time-stamp-precision=nano", "-w", pcap.toString(), "ip");
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!log("tcpdump.log").contains("listening on")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("tcpdump did not start: " + log("tcpdump.log"));
      }
      PodProcess.sleep(50);
    }
    return p;
  }

  /** SIPp's built-in callee on the capture end, port 5060, for {@code calls} calls, echoing RTP. */
  Process callee(int calls) throws IOException {
    return start("uas.log", "/usr/bin/sipp", "-sn", "uas", "-i", veth.captureAddr, "-p", "5060", "-mi",
        veth.captureAddr, "-mp", "6000", "-rtp_echo", "-m", "" + calls, "-nostdin", "-timeout", "40");
  }

  /** One call from {@code user}@example.org in the namespace (scenario uac-rtp.xml: RTP, 1.5 s, BYE). */
  Process caller(String user, int sipPort, int mediaPort) throws IOException {
    Path scenario = dir.resolve("uac-rtp.xml");
    if (!Files.exists(scenario)) {
      try (InputStream in = SipPeers.class.getResourceAsStream("/sip/uac-rtp.xml")) {
        Files.write(scenario, in.readAllBytes());
      }
    }
    return start("uac-" + user + ".log", "ip", "netns", "exec", veth.ns, "/usr/bin/sipp",
        veth.captureAddr + ":5060", "-sf", scenario.toString(), "-i", veth.senderAddr, "-p", "" + sipPort,
        "-mi", veth.senderAddr, "-mp", "" + mediaPort, "-s", "bob", "-key", "caller", user, "-m", "1",
        "-nostdin", "-timeout", "20", "-trace_err", "-error_file", dir.resolve("uac-" + user + ".err").toString());
  }

  /** SIGTERM to our own children (SIGKILL after 10 s). */
  @Override
  public void close() {
    for (Process p : procs.reversed()) {
      if (p.isAlive()) {
        p.destroy();
        try {
          if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  // ---- the recorded wire ---------------------------------------------------------------------------------------

  /** The IPv4 packets of an Ethernet pcap (tcpdump, nanosecond or microsecond magic), cut to their IP length. */
  static List<byte[]> ipPackets(Path pcap) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getInt(0);
    if (magic != 0xa1b23c4d && magic != 0xa1b2c3d4) {
      throw new IOException("not a little-endian pcap: " + pcap);
    }
    List<byte[]> l = new ArrayList<>();
    int p = 24;
    while (p + 16 <= b.limit()) {
      int cap = b.getInt(p + 8);
      int f = p + 16;
      if (f + cap > b.limit()) {
        break;
      }
      if (cap > 34 && (b.get(f + 12) & 0xFF) == 0x08 && b.get(f + 13) == 0) {
        byte[] ip = new byte[cap - 14];
        b.get(f + 14, ip);
        int total = ((ip[2] & 0xFF) << 8) | (ip[3] & 0xFF);
        l.add(Arrays.copyOf(ip, Math.min(total, ip.length)));
      }
      p = f + cap;
    }
    return l;
  }

  /** An unfragmented UDP packet. */
  static boolean isUdp(byte[] ip) {
    return ip[9] == 17 && (((ip[6] & 0x3F) << 8) | (ip[7] & 0xFF)) == 0;
  }

  static int port(byte[] ip, boolean source) {
    int ihl = (ip[0] & 0xF) * 4;
    return ((ip[ihl + (source ? 0 : 2)] & 0xFF) << 8) | (ip[ihl + (source ? 1 : 3)] & 0xFF);
  }

  static byte[] udpPayload(byte[] ip) {
    int ihl = (ip[0] & 0xF) * 4;
    return Arrays.copyOfRange(ip, ihl + 8, ip.length);
  }
}
