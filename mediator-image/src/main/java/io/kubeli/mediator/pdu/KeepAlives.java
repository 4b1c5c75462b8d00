package io.kubeli.mediator.pdu;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Encodes keep-alive and keep-aliveResponse TRI PS-PDUs (LI-PS-PDU version43, clause 6.3.4). */
public final class KeepAlives {
    private static final byte[] DOMAIN_ID = {(byte) 0x80, 7, 4, 0, 2, 2, 5, 1, 43};
    private static final DateTimeFormatter GT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private KeepAlives() {}

    /** A keep-alive (response when {@code response}) with the connection's own sequence number. */
    public static byte[] encode(boolean response, String liid, String operatorId, long seq, Instant time) {
        ByteArrayOutputStream hdr = new ByteArrayOutputStream(64);
        hdr.writeBytes(DOMAIN_ID);
        tlv(hdr, 0x81, liid.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream nid = new ByteArrayOutputStream();
        tlv(nid, 0x80, operatorId.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream cid = new ByteArrayOutputStream();
        tlv(cid, 0xA0, nid.toByteArray());
        tlv(hdr, 0xA3, cid.toByteArray());
        tlv(hdr, 0x84, integer(seq));
        tlv(hdr, 0x85, GT.format(time).getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream body = new ByteArrayOutputStream(96);
        tlv(body, 0xA1, hdr.toByteArray());
        body.writeBytes(new byte[] {(byte) 0xA2, 4, (byte) 0xA2, 2, (byte) (response ? 0x84 : 0x83), 0});
        ByteArrayOutputStream pdu = new ByteArrayOutputStream(100);
        tlv(pdu, 0x30, body.toByteArray());
        return pdu.toByteArray();
    }

    private static byte[] integer(long v) {
        int n = 1;
        while (n < 9 && (v >> (8 * n - 1)) != 0) n++; // minimal two's complement, non-negative
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[n - 1 - i] = (byte) (v >>> (8 * i));
        return out;
    }

    private static void tlv(ByteArrayOutputStream out, int tag, byte[] value) {
        out.write(tag);
        int len = value.length;
        if (len < 0x80) out.write(len);
        else if (len < 0x100) { out.write(0x81); out.write(len); }
        else { out.write(0x82); out.write(len >> 8); out.write(len); }
        out.writeBytes(value);
    }
}
