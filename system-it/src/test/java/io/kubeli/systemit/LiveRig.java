package io.kubeli.systemit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.capture.VethPair;
import io.kubeli.etsi.tool.DecodeTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The set-up shared by the system tests on live peers (RadiusSystemIT, SipSystemIT): a veth pair, the repository
 * root and output folder, the figures of the run, and what to close at the end (also from a shutdown hook).
 */
final class LiveRig implements AutoCloseable {
  final String name;
  final VethPair veth;
  final Path root;
  final Path out;
  final Figures figures = new Figures();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private boolean closed;

  private LiveRig(String name, VethPair veth) {
    this.name = name;
    this.veth = veth;
    root = Path.of(System.getProperty("kubeli.root", "..")).toAbsolutePath().normalize();
    out = Path.of(System.getProperty("kubeli.systemit.out", "target")).toAbsolutePath();
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, name + "-cleanup"));
  }

  /**
   * Skips the test when the peers are {@code missing} (their reason) or no veth pair can be made; else a rig with
   * the namespace {@code nsPrefix}-* on 198.18.{@code subnet}.0/24.
   */
  static LiveRig open(String name, String missing, String nsPrefix, int subnet) {
    Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
    String[] no = {null};
    VethPair veth = VethPair.tryCreate(no, nsPrefix, subnet);   // CI removes leftovers
    Assumptions.assumeTrue(veth != null, () -> "skipped: " + no[0]);
    return new LiveRig(name, veth);
  }

  /** Closed (latest first) when the rig closes. */
  <T extends AutoCloseable> T closeLater(T c) {
    synchronized (closing) {
      closing.add(c);
    }
    return c;
  }

  /** What {@code ./kubeli decode --check} says of the agency's recordings in {@code dir}: every PDU decodes. */
  void decodeCheck(Path dir, String label) {
    for (String f : List.of("hi2.ber", "hi3.ber")) {
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      ByteArrayOutputStream e = new ByteArrayOutputStream();
      int rc = DecodeTool.run(new String[] {"--check", dir.resolve(f).toString()}, System.in,
          new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
      String said = o.toString(StandardCharsets.UTF_8).trim();
      assertEquals(0, rc, "kubeli decode --check " + f + ": " + said + " " + e.toString(StandardCharsets.UTF_8));
      assertTrue(said.endsWith(" 0 errors"), said);
      figures.put("decode --check " + label + f, said);
    }
  }

  /** Closes everything registered, removes the veth pair and writes the figures to OUT/NAME-figures.txt. */
  @Override
  public void close() {
    synchronized (closing) {
      if (closed) {
        return;
      }
      closed = true;
      for (AutoCloseable c : closing.reversed()) {
        try {
          c.close();
        } catch (Exception e) {
          System.err.println(name + " clean-up: " + e);
        }
      }
      closing.clear();
      veth.close();
    }
    try {
      figures.write(out.resolve(name + "-figures.txt"));
    } catch (java.io.IOException e) {
      System.err.println("figures: " + e);
    }
  }
}
