package io.kubeli.mediator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds small IPCC / IPIRI-shaped PS-PDUs for tests (LIID, CIN, sequence number, a fake IPv4 packet). */
public final class TestPdus {
    private TestPdus() {}

    /** A CC PDU of exactly {@code total} bytes (>= 90) carrying a packet whose bytes encode seq. */
    public static byte[] cc(String liid, long cin, long seq, int total) {
        return pdu(liid, cin, seq, total, true);
    }

    /** An IRI PDU (an iRIPayloadSequence holding an opaque IRIPayload). */
    public static byte[] iri(String liid, long cin, long seq, int total) {
        return pdu(liid, cin, seq, total, false);
    }

    private static byte[] pdu(String liid, long cin, long seq, int total, boolean cc) {
        int pkt = 20;
        byte[] b = build(liid, cin, seq, pkt, cc);
        for (int i = 0; i < 6 && b.length != total; i++) {
            pkt = Math.max(1, pkt + (total - b.length));
            b = build(liid, cin, seq, pkt, cc);
        }
        return b; // within a byte or two of total when a length octet boundary is crossed
    }

    private static byte[] build(String liid, long cin, long seq, int pktLen, boolean cc) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes(new byte[] {(byte) 0x80, 7, 4, 0, 2, 2, 5, 1, 43});
        tlv(h, 0x81, liid.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream nid = new ByteArrayOutputStream();
        tlv(nid, 0x80, "OP".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream cid = new ByteArrayOutputStream();
        tlv(cid, 0xA0, nid.toByteArray());
        tlv(cid, 0x81, integer(cin));
        tlv(h, 0xA3, cid.toByteArray());
        tlv(h, 0x84, integer(seq));
        ByteArrayOutputStream ts = new ByteArrayOutputStream();
        tlv(ts, 0x80, integer(1_780_000_000L + seq / 1000));
        tlv(ts, 0x81, integer((seq % 1000) * 1000));
        tlv(h, 0xA7, ts.toByteArray());
        byte[] pkt = new byte[pktLen];
        pkt[0] = 0x45;
        for (int i = 1; i < pktLen; i++) pkt[i] = (byte) (seq >>> (8 * (i % 8)));
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        if (cc) {
            ByteArrayOutputStream contents = new ByteArrayOutputStream();
            tlv(contents, 0x80, pkt);
            ByteArrayOutputStream ipcc = new ByteArrayOutputStream();
            tlv(ipcc, 0x80, new byte[] {5, 3, 20, 2});
            tlv(ipcc, 0xA1, contents.toByteArray());
            ByteArrayOutputStream ccc = new ByteArrayOutputStream();
            tlv(ccc, 0xA2, ipcc.toByteArray());
            ByteArrayOutputStream ccp = new ByteArrayOutputStream();
            tlv(ccp, 0x80, new byte[] {0});
            tlv(ccp, 0xA2, ccc.toByteArray());
            ByteArrayOutputStream seqOf = new ByteArrayOutputStream();
            tlv(seqOf, 0x30, ccp.toByteArray());
            tlv(payload, 0xA1, seqOf.toByteArray());
        } else {
            ByteArrayOutputStream irip = new ByteArrayOutputStream();
            tlv(irip, 0x80, new byte[] {4});
            tlv(irip, 0x8F, pkt); // stand-in content: the receiver only needs the header
            ByteArrayOutputStream seqOf = new ByteArrayOutputStream();
            tlv(seqOf, 0x30, irip.toByteArray());
            tlv(payload, 0xA0, seqOf.toByteArray());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        tlv(body, 0xA1, h.toByteArray());
        tlv(body, 0xA2, payload.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tlv(out, 0x30, body.toByteArray());
        return out.toByteArray();
    }

    /**
     * A CC PDU of exactly {@code total} bytes up to any size (every length of the payload in the 4-octet long form, as
     * BER allows): the header of {@link #cc} and a packet filling the rest.
     */
    public static byte[] bigCc(String liid, long cin, long seq, int total) {
        byte[] small = cc(liid, cin, seq, 150);
        int hdrAt = (small[1] & 0x80) != 0 ? 2 + (small[1] & 0x7f) : 2;
        byte[] header = java.util.Arrays.copyOfRange(small, hdrAt, hdrAt + 2 + small[hdrAt + 1]);
        byte[] objId = {(byte) 0x80, 4, 5, 3, 20, 2};
        int packet = total - 6 - header.length - 6 * 7 - objId.length; // 8 long-form headers, the iPCCObjId
        byte[] pkt = new byte[packet];
        pkt[0] = 0x45;
        byte[] contents = tlv4(0xA1, tlv4(0x80, pkt));
        byte[] ccp = tlv4(0x30, tlv4(0xA2, tlv4(0xA2, objId, contents)));
        return tlv4(0x30, header, tlv4(0xA2, tlv4(0xA1, ccp)));
    }

    private static byte[] tlv4(int tag, byte[]... parts) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        for (byte[] p : parts) c.writeBytes(p);
        int n = c.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 6);
        out.writeBytes(
                new byte[] {(byte) tag, (byte) 0x84, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.writeBytes(c.toByteArray());
        return out.toByteArray();
    }

    /** A keep-alive (response when {@code response}) as an agency or the mediator sends it. */
    public static byte[] keepAlive(boolean response, String liid, long seq) {
        java.time.Instant now = java.time.Instant.now();
        return io.kubeli.etsi.ReferenceEncoder.encode(
                response
                        ? io.kubeli.etsi.Pdus.keepAliveResponse(io.kubeli.etsi.Profile.LATEST, liid, "LEA", seq, now)
                        : io.kubeli.etsi.Pdus.keepAlive(io.kubeli.etsi.Profile.LATEST, liid, "LEA", seq, now));
    }

    static byte[] integer(long v) {
        int n = 1;
        while (n < 9 && (v >> (8 * n - 1)) != 0) n++;
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[n - 1 - i] = (byte) (v >>> (8 * i));
        return out;
    }

    static void tlv(ByteArrayOutputStream out, int tag, byte[] v) {
        out.write(tag);
        if (v.length < 0x80) out.write(v.length);
        else if (v.length < 0x100) {
            out.write(0x81);
            out.write(v.length);
        } else {
            out.write(0x82);
            out.write(v.length >> 8);
            out.write(v.length);
        }
        out.writeBytes(v);
    }

    /** An IPMMIRI record of a call (TS 102 232-5): a SIP message, or none (an IRI-End without one). */
    public static byte[] callIri(
            io.kubeli.etsi.HeaderParams hp, long seq, io.kubeli.etsi.IriType type, boolean noMessage) {
        io.kubeli.etsi.IriContents c = noMessage
                ? new io.kubeli.etsi.IriContents.IpmmIriOriginal(
                        hp.profile().ipmmIriObjId(), io.kubeli.etsi.Octets.of(new byte[0]))
                : new io.kubeli.etsi.IriContents.IpmmIri(
                        hp.profile().ipmmIriObjId(),
                        new io.kubeli.etsi.SipMessage(
                                io.kubeli.etsi.IpAddress.of(
                                        new byte[] {(byte) 198, 18, 0, 1}, io.kubeli.etsi.IpAssignment.NOT_KNOWN),
                                io.kubeli.etsi.IpAddress.of(
                                        new byte[] {(byte) 198, 18, 0, 2}, io.kubeli.etsi.IpAssignment.NOT_KNOWN),
                                io.kubeli.etsi.Octets.of("INVITE sip:x SIP/2.0\r\n\r\n"
                                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        return io.kubeli.etsi.ReferenceEncoder.encode(new io.kubeli.etsi.PsPdu(
                io.kubeli.etsi.Pdus.header(hp, seq, java.time.Instant.now()),
                io.kubeli.etsi.Payload.Iri.of(new io.kubeli.etsi.IriPayload(type, null, c))));
    }
}
