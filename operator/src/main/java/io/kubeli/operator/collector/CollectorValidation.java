package io.kubeli.operator.collector;

import io.kubeli.api.v1alpha1.CaptureSourceSpec;
import io.kubeli.api.v1alpha1.CollectorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks a Collector spec beyond what the CRD schema enforces; pure. */
public final class CollectorValidation {
  private static final Set<String> SCHEMES = Set.of("pcap", "afpacket", "dpdk", "xdp", "pcapfile");

  private CollectorValidation() {}

  /** Problems found, as human-readable sentences; empty when valid. */
  public static List<String> problems(CollectorSpec spec) {
    List<String> p = new ArrayList<>();
    if (spec == null) {
      return List.of("spec is missing");
    }
    if (spec.getMediatorRef() == null || spec.getMediatorRef().isBlank()) {
      p.add("mediatorRef is required");
    }
    if (spec.getSources() == null || spec.getSources().isEmpty()) {
      p.add("at least one capture source is required");
      return p;
    }
    for (CaptureSourceSpec s : spec.getSources()) {
      String scheme = CaptureMethods.scheme(s);
      if (!SCHEMES.contains(scheme)) {
        p.add("source '" + s.getUri() + "' has an unknown capture method (use pcap, afpacket, dpdk, xdp or pcapfile)");
      }
    }
    for (CaptureSourceSpec s : spec.getSources()) {
      // DPDK 22.11's af_packet PMD always has the kernel reassemble IPv4 fragments: the fragments as sent are
      // never seen (CC would not be byte-exact), so it is refused unless the user says they accept that
      String u = s.getUri();
      if (u.startsWith("dpdk:") && u.contains("net_af_packet") && !u.contains("defrag=accept")) {
        p.add("source '" + u + "': DPDK's net_af_packet reassembles IPv4 fragments in the kernel (fragments are lost as"
            + " sent); use afpacket: or xdp:, or add defrag=accept if that is acceptable");
      }
      // PACKET_FANOUT_HASH sets the kernel's defrag flag: the same loss of fragments as sent
      if (u.startsWith("afpacket:") && u.contains("fanout=hash")) {
        p.add("source '" + u + "': afpacket fanout=hash reassembles IPv4 fragments in the kernel (fragments are lost"
            + " as sent); use fanout=ip (the default)");
      }
    }
    if (CaptureMethods.usesDpdk(spec.getSources()) && spec.getCpus() == null) {
      p.add("dpdk sources need spec.cpus (whole CPUs, so the pod gets exclusive cores for the EAL)");
    }
    for (CaptureMethods.XdpSource x : CaptureMethods.xdpSources(spec.getSources())) {
      if (x.iface().isBlank()) {
        p.add("xdp source without an interface");
      }
      if (!x.mode().equals("native") && !x.mode().equals("skb")) {
        p.add("xdp mode must be native or skb, not '" + x.mode() + "'");
      }
    }
    if (spec.getDevice() != null && spec.getDevice().getHugepages() != null && spec.getCpus() == null
        && spec.getMemory() == null) {
      p.add("hugepages need a memory or cpus request (Kubernetes rejects hugepages without them)");
    }
    return p;
  }
}
