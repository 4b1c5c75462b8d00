package io.kubeli.etsi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * HI1-Operation notifications carried on HI2 as the PS-PDU payload alternative {@code hI1-Operation [3]} (ETSI TS 101
 * 671 HI1NotificationOperations), the way OpenLI's mediator tells an agency that interception started, changed or
 * ended. Layout: {@code A2 { A3 { [type] Notification } }} with Notification = {@code domainID [0]
 * hi1OperationId, lawfulInterceptionIdentifier [1], communicationIdentifier [2] { network-Identifier [1] {
 * operator-Identifier [0] } }, timeStamp [3] { utcTime [1] UTCTime }, target-Information [6] (optional)}.
 * The domain ID is the proper encoding of 0.4.0.2.2.0.1.6 (OpenLI writes an extra leading 00 octet).
 */
public final class Hi1Notification {
    /** hi1OperationId, version 6. */
    public static final ObjectId OPERATION_ID = ObjectId.absolute("0.4.0.2.2.0.1.6");

    /** Largest target-Information written (octets); longer descriptions are cut (OpenLI: 256). */
    public static final int MAX_TARGET_INFO = 256;

    private static final DateTimeFormatter UTC_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    /** The HI1-Operation alternative (its context tag number). */
    public enum Type {
        ACTIVATED(1),
        DEACTIVATED(2),
        MODIFIED(3);

        private final int tag;

        Type(int tag) {
            this.tag = tag;
        }

        public int tag() {
            return tag;
        }
    }

    private Hi1Notification() {}

    /**
     * The complete notification PDU: the header of {@code p} (OpenLI sends CIN 0 and the intercept's own HI1
     * sequence number) and the hI1-Operation payload.
     *
     * @param shortOperatorId operator-Identifier of HI1 (1..5 octets; longer ids are cut)
     * @param targetInfo      a description of the targets for the agency, or null to omit it
     */
    public static PsPdu pdu(
            HeaderParams p, long seq, Instant time, Type type, String shortOperatorId, String targetInfo) {
        return new PsPdu(Pdus.header(p, seq, time), payload(type, p.liid(), shortOperatorId, time, targetInfo));
    }

    /** The payload alternative {@code hI1-Operation [3]} holding one notification. */
    public static Payload.Other payload(
            Type type, String liid, String shortOperatorId, Instant time, String targetInfo) {
        String op = shortOperatorId == null || shortOperatorId.isEmpty() ? "KLI" : shortOperatorId;
        if (op.length() > 5) op = op.substring(0, 5);
        ByteArrayOutputStream n = new ByteArrayOutputStream(96);
        tlv(n, 0x80, OPERATION_ID.contentOctets());
        tlv(n, 0x81, liid.getBytes(StandardCharsets.US_ASCII));
        tlv(n, 0xA2, tlv(0xA1, tlv(0x80, op.getBytes(StandardCharsets.US_ASCII))));
        tlv(n, 0xA3, tlv(0x81, UTC_TIME.format(time).getBytes(StandardCharsets.US_ASCII)));
        if (targetInfo != null && !targetInfo.isEmpty()) {
            byte[] t = targetInfo.getBytes(StandardCharsets.UTF_8);
            tlv(n, 0x86, t.length > MAX_TARGET_INFO ? java.util.Arrays.copyOf(t, MAX_TARGET_INFO) : t);
        }
        return new Payload.Other(3, Octets.of(tlv(0xA3, tlv(0xA0 | type.tag(), n.toByteArray()))));
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 4);
        tlv(out, tag, value);
        return out.toByteArray();
    }

    private static void tlv(ByteArrayOutputStream out, int tag, byte[] value) {
        out.write(tag);
        int len = value.length;
        if (len < 0x80) out.write(len);
        else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(value);
    }
}
