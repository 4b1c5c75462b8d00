package io.kubeli.operator.collector;

import io.kubeli.api.v1alpha1.CaptureSourceSpec;
import io.kubeli.api.v1alpha1.CollectorSpec;
import io.kubeli.api.v1alpha1.RadiusSpec;
import io.kubeli.api.v1alpha1.SipSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks a Collector spec beyond what the CRD schema enforces; pure. */
public final class CollectorValidation {
    private static final Set<String> SCHEMES = Set.of("pcap", "afpacket", "dpdk", "xdp", "pcapfile");

    private CollectorValidation() {}

    // the collector would refuse these at start-up (exit 2): say so on the resource instead of a crash-looping pod
    private static void radius(RadiusSpec r, List<String> p) {
        if (r == null) {
            return;
        }
        if (r.getPorts() != null && r.getPorts().stream().anyMatch(x -> x == null || x < 1 || x > 65535)) {
            p.add("radius.ports must be UDP ports 1 to 65535");
        }
        if (r.getMaxSessions() != null && (r.getMaxSessions() < 1 || r.getMaxSessions() > 50_000_000)) {
            p.add("radius.maxSessions must be 1 to 50000000");
        }
        if (r.getIdleTimeout() != null && (r.getIdleTimeout() < 1 || r.getIdleTimeout() > 2_592_000)) {
            p.add("radius.idleTimeout must be 1 to 2592000 seconds");
        }
        if (r.getIdentity() != null
                && !Set.of("user", "calling-station-id", "both").contains(r.getIdentity())) {
            p.add("radius.identity must be user, calling-station-id or both, not '" + r.getIdentity() + "'");
        }
    }

    private static void sip(SipSpec s, List<String> p) {
        if (s == null) {
            return;
        }
        if (s.getPorts() != null && s.getPorts().stream().anyMatch(x -> x == null || x < 1 || x > 65535)) {
            p.add("sip.ports must be ports 1 to 65535");
        }
        if (s.getMaxCalls() != null && (s.getMaxCalls() < 1 || s.getMaxCalls() > 1_048_576)) {
            p.add("sip.maxCalls must be 1 to 1048576 (one CIN each)");
        }
        if (s.getMediaTimeout() != null && (s.getMediaTimeout() < 1 || s.getMediaTimeout() > 86_400)) {
            p.add("sip.mediaTimeout must be 1 to 86400 seconds");
        }
    }

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
                p.add("source '" + s.getUri()
                        + "' has an unknown capture method (use pcap, afpacket, dpdk, xdp or pcapfile)");
            }
        }
        for (CaptureSourceSpec s : spec.getSources()) {
            // DPDK 22.11's af_packet PMD always has the kernel reassemble IPv4 fragments: the fragments as sent are
            // never seen (CC would not be byte-exact), so it is refused unless the user says they accept that
            String u = s.getUri();
            if (u.startsWith("dpdk:") && u.contains("net_af_packet") && !u.contains("defrag=accept")) {
                p.add("source '" + u
                        + "': DPDK's net_af_packet reassembles IPv4 fragments in the kernel (fragments are lost as"
                        + " sent); use afpacket: or xdp:, or add defrag=accept if that is acceptable");
            }
            // PACKET_FANOUT_HASH sets the kernel's defrag flag: the same loss of fragments as sent
            if (u.startsWith("afpacket:") && u.contains("fanout=hash")) {
                p.add("source '" + u
                        + "': afpacket fanout=hash reassembles IPv4 fragments in the kernel (fragments are lost"
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
        if (spec.getDevice() != null
                && spec.getDevice().getHugepages() != null
                && spec.getCpus() == null
                && spec.getMemory() == null) {
            p.add("hugepages need a memory or cpus request (Kubernetes rejects hugepages without them)");
        }
        radius(spec.getRadius(), p);
        sip(spec.getSip(), p);
        return p;
    }
}
