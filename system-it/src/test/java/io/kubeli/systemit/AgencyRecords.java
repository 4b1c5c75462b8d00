package io.kubeli.systemit;

import io.kubeli.etsi.AccessEventType;
import io.kubeli.etsi.CcContents;
import io.kubeli.etsi.DecodeLimits;
import io.kubeli.etsi.IriContents;
import io.kubeli.etsi.IriType;
import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.Payload;
import io.kubeli.etsi.PduStreamSplitter;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What the agency received, decoded from the LEA receiver's raw HI2/HI3 recordings (keep-alives left out). */
final class AgencyRecords {
    /**
     * One CC or IRI record: its sequence space, number, the IP packet (CC) or IRI type and IPIRI access event (IRI,
     * null when not IPIRI), and the whole PS-PDU as received.
     */
    record Rec(
            String liid,
            long cin,
            boolean cc,
            long seq,
            byte[] packet,
            IriType iriType,
            AccessEventType event,
            byte[] pdu) {}

    private AgencyRecords() {}

    /** Decodes {@code hi2.ber} and {@code hi3.ber} in {@code dir}; every PDU must decode. */
    static List<Rec> read(Path dir) throws IOException, MalformedPduException {
        List<Rec> out = new ArrayList<>();
        for (String f : List.of("hi2.ber", "hi3.ber")) {
            Path p = dir.resolve(f);
            if (!Files.exists(p)) {
                continue;
            }
            List<byte[]> pdus = new ArrayList<>();
            PduStreamSplitter split = PduStreamSplitter.copying(DecodeLimits.DEFAULT, pdus::add);
            split.feed(Files.readAllBytes(p));
            for (byte[] b : pdus) {
                PsPdu pdu = PsPduDecoder.DEFAULT.decode(b);
                String liid = new String(pdu.header().liid().toByteArray(), StandardCharsets.UTF_8);
                Long cin = pdu.header().cin();
                long seq = pdu.header().sequenceNumber();
                switch (pdu.payload()) {
                    case Payload.Cc cc -> {
                        for (var c : cc.payloads()) {
                            byte[] pkt = c.contents() instanceof CcContents.Ipcc ip
                                    ? ip.packet().toByteArray()
                                    : null;
                            out.add(new Rec(liid, cin == null ? -1 : cin, true, seq, pkt, null, null, b));
                        }
                    }
                    case Payload.Iri iri -> {
                        for (var i : iri.payloads()) {
                            AccessEventType ev = i.contents() instanceof IriContents.IpIri ip
                                    ? ip.contents().accessEventType()
                                    : null;
                            out.add(new Rec(liid, cin == null ? -1 : cin, false, seq, null, i.iriType(), ev, b));
                        }
                    }
                    default -> {
                        /* keep-alives and other TRI */
                    }
                }
            }
        }
        return out;
    }

    /** Records of one LIID and stream in sequence order (duplicates kept: the caller checks them). */
    static List<Rec> of(List<Rec> all, String liid, boolean cc) {
        return all.stream()
                .filter(r -> r.liid.equals(liid) && r.cc == cc)
                .sorted(Comparator.comparingLong(Rec::seq))
                .toList();
    }

    /** One copy per sequence number: the mediator delivers at least once, and a resent record must be identical. */
    static List<Rec> unique(List<Rec> l) {
        java.util.TreeMap<Long, Rec> m = new java.util.TreeMap<>();
        for (Rec x : l) {
            Rec prev = m.putIfAbsent(x.seq(), x);
            if (prev != null) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(
                        prev.pdu(), x.pdu(), "a resent record differs from the first copy");
            }
        }
        return List.copyOf(m.values());
    }
}
