package io.kubeli.etsi;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** HI1-Operation notifications: golden bytes assembled by hand from TS 101 671 HI1NotificationOperations, round trip, limits. */
class Hi1NotificationTest {
    static final Instant T = Instant.parse("2026-12-07T03:15:00Z");

    @Test
    void activationMatchesHandAssembledBytes() {
        Payload.Other p = Hi1Notification.payload(Hi1Notification.Type.ACTIVATED, "LIID-1", "OP1", T, null);
        String expected = "a32da12b" // hI1-Operation [3] { liActivated [1] Notification
                + "8007040002020001" + "06" // domainID [0] 0.4.0.2.2.0.1.6
                + "81064c4949442d31" // lawfulInterceptionIdentifier [1] "LIID-1"
                + "a207a10580034f5031" // communicationIdentifier [2] { network-Identifier [1] { operator-Identifier [0]
                // "OP1" } }
                + "a30f810d3236313230373033313530305a"; // timeStamp [3] { utcTime [1] "261207031500Z" }
        assertEquals(3, p.tagNumber());
        assertEquals(expected, p.tlv().toHex().toLowerCase());
    }

    @Test
    void deactivationAndModificationUseTheirAlternativeAndCarryTargetInformation() {
        Payload.Other d = Hi1Notification.payload(Hi1Notification.Type.DEACTIVATED, "L", "OPERATOR-LONG", T, null);
        assertEquals((byte) 0xA2, d.tlv().get(2), "liDeactivated [2]");
        assertTrue(
                d.tlv().toHex().toLowerCase().contains("80054f50455241"),
                "operator-Identifier cut to 5 octets (SIZE(1..5))");
        Payload.Other m = Hi1Notification.payload(Hi1Notification.Type.MODIFIED, "L", "OP", T, "x".repeat(1000));
        String hex = m.tlv().toHex().toLowerCase();
        assertEquals("a3", hex.substring(8, 10), "liModified [3] (after a3 82 xx xx)");
        assertTrue(hex.contains("86820100"), "target-Information [6] bounded to 256 octets");
    }

    @Test
    void wholePduRoundTripsThroughTheStrictDecoder() throws Exception {
        HeaderParams h = new HeaderParams(
                Profile.OPENLI, "LIID-1", "NZ", "OPERATOR", null, 0L, "NZ", TimestampFormat.GENERALIZED, null, null);
        PsPdu pdu = Hi1Notification.pdu(h, 7, T, Hi1Notification.Type.ACTIVATED, "OP1", "ipv4 192.0.2.10/32");
        byte[] enc = ReferenceEncoder.encode(pdu);
        PsPdu back = PsPduDecoder.DEFAULT.decode(enc, 0, enc.length);
        assertEquals(7, back.header().sequenceNumber());
        assertEquals(0L, back.header().cin());
        assertInstanceOf(Payload.Other.class, back.payload());
        assertEquals(pdu.payload(), back.payload());
    }
}
