package io.kubeli.collector;

import static io.kubeli.collector.Frames.*;

import io.kubeli.etsi.IriType;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PsPdu;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Test rig for sipUri targets: a pipeline, manager and one capture worker fed crafted frames (SIP on 5060). */
final class SipRig {
    final CollectingSink sink = new CollectingSink();
    final CollectorPipeline pipeline = new CollectorPipeline(CollectorPipeline.Settings.defaults(), sink);
    final MutableClock clock = new MutableClock(SipCallTest.NOW);
    final InterceptManager manager = new InterceptManager(pipeline, "NE", clock, InterceptManager.Rules.defaults());
    final SipIntercepts calls;
    final CaptureWorker worker;
    private final Path tmp;
    long ts = SipCallTest.NOW.getEpochSecond() * 1_000_000_000L;

    SipRig(Path tmp, int maxCalls) throws Exception {
        boolean[] ports = RadiusTap.ports(List.of(5060));
        calls = manager.enableSip(new SipIntercepts.Limits(maxCalls, 60_000_000_000L), ports);
        pipeline.setSip(new SipTap(ports, calls, manager));
        worker = pipeline.newWorker();
        this.tmp = tmp;
    }

    /** Loads one Intercept per argument (its target lines), all for agency lea1. */
    void intercepts(String... targetsPerIntercept) throws Exception {
        CaptureRig.intercepts(manager, tmp, "s", targetsPerIntercept);
    }

    /** One IP packet in an Ethernet frame; returns the records queued. */
    int ip(byte[] ip) {
        ts += 1_000_000;
        return CaptureRig.feed(pipeline, worker, ip, ts);
    }

    int sip(String src, String dst, String msg) {
        return ip(ipv4(src, dst, 17, udp(5060, 5060, msg.getBytes(StandardCharsets.ISO_8859_1))));
    }

    int rtp(String src, int sport, String dst, int dport) {
        return ip(ipv4(src, dst, 17, udp(sport, dport, new byte[] {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0})));
    }

    /** Everything encoded so far, strictly decoded. */
    List<PsPdu> drain() throws Exception {
        return CaptureRig.drain(pipeline, worker, sink);
    }

    static long cin(PsPdu p) {
        return p.header().communicationIdentifier().cin();
    }

    static IriType type(PsPdu p) {
        return ((Payload.Iri) p.payload()).payloads().get(0).iriType();
    }

    static String text(PsPdu p) {
        return new String(SipCallTest.sipOf(p).sipContent().toByteArray(), StandardCharsets.ISO_8859_1);
    }
}
