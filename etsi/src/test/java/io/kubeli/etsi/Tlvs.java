package io.kubeli.etsi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Test helper: hand-built TLVs (DER lengths) for crafting valid and malformed PDUs. */
final class Tlvs {
    private Tlvs() {}

    static byte[] h(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static byte[] a(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] t(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) content.writeBytes(p);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.size();
        if (len < 128) {
            out.write(len);
        } else if (len < 256) {
            out.write(0x81);
            out.write(len);
        } else {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static final byte[] OID = h("8007 04000202050 12b".replace(" ", ""));
    static final byte[] LIID = t(0x81, a("LIID-0001"));
    static final byte[] COMM = t(0xA3, t(0xA0, t(0x80, a("OPERATOR1"))));
    static final byte[] SEQ = h("840100");
    static final byte[] TS = t(0x85, a("20261125120001Z"));
    static final byte[] KEEPALIVE = h("a204a2028300");

    /** A PS-PDU from header fields and a payload TLV. */
    static byte[] pdu(byte[] payload, byte[]... headerFields) {
        return t(0x30, t(0xA1, headerFields), payload);
    }
}
