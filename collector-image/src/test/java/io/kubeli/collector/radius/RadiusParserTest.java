package io.kubeli.collector.radius;

import static org.junit.jupiter.api.Assertions.*;

import io.kubeli.collector.radius.RadiusParser.Result;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RadiusParserTest {
    private final RadiusMessage m = new RadiusMessage();

    private Result parse(byte[] b) {
        return RadiusParser.parse(b, 0, b.length, m);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** RFC 2865 7.1: Access-Request of "nemo" from NAS 192.168.1.16 port 3 (with a User-Password). */
    @Test
    void goldenAccessRequestRfc2865() {
        byte[] b = hex("01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70"
                + " 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8 01 10 05 06 00 00 00 03");
        assertEquals(Result.OK, parse(b));
        assertEquals(RadiusMessage.ACCESS_REQUEST, m.code);
        assertEquals(0, m.identifier);
        assertEquals("nemo", new String(m.user, 0, m.userLen, StandardCharsets.UTF_8));
        assertTrue(m.hasNasIp4);
        assertEquals(0xC0A80110, m.nasIp4);
        assertFalse(m.toString().contains("nemo"));
    }

    /** RFC 2865 7.1: the Access-Accept answering it. */
    @Test
    void goldenAccessAcceptRfc2865() {
        byte[] b = hex("02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf 9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00"
                + " 00 0e 06 c0 a8 01 03");
        assertEquals(Result.OK, parse(b));
        assertEquals(RadiusMessage.ACCESS_ACCEPT, m.code);
        assertEquals(-1, m.userLen);
    }

    /** The password is never copied anywhere in the message. */
    @Test
    void userPasswordIsNeverKept() {
        byte[] secret = "S3cr3tPw-0123456".getBytes(StandardCharsets.US_ASCII);
        byte[] b = Rad.of(1, 9).string(1, "alice").raw(2, secret).bytes();
        assertEquals(Result.OK, parse(b));
        for (byte[] field : new byte[][] {m.user, m.callingStationId, m.sessionId, m.nasIdentifier}) {
            assertEquals(-1, indexOf(field, Arrays.copyOf(secret, 6)));
        }
    }

    @Test
    void accountingStartStopInterimAndOnOff() {
        byte[] start = Rad.acct(3, 1, "alice", "S-1", "198.18.0.1")
                .ip(8, "198.18.7.7")
                .string(31, "00-11-22")
                .prefix6(97, "2001:db8:1::", 64)
                .prefix6(123, "2001:db8:ff00::", 56)
                .bytes();
        assertEquals(Result.OK, parse(start));
        assertEquals(RadiusMessage.STATUS_START, m.statusType);
        assertTrue(m.hasFramedIp4);
        assertEquals(0xC6120707, m.framedIp4);
        assertEquals(64, m.framedPrefixLen);
        assertEquals(0x20010db800010000L, m.framedPrefixHi);
        assertEquals(56, m.delegatedPrefixLen);
        assertEquals("00-11-22", new String(m.callingStationId, 0, m.callingStationIdLen, StandardCharsets.UTF_8));
        byte[] interim = Rad.acct(4, 3, "alice", "S-1", null)
                .integer(42, 5)
                .integer(52, 1)
                .integer(43, 7)
                .integer(47, 11)
                .integer(48, 13)
                .bytes();
        assertEquals(Result.OK, parse(interim));
        assertEquals((1L << 32) + 5, m.inTotal());
        assertEquals(7, m.outTotal());
        assertEquals(11, m.inPackets);
        assertEquals(13, m.outPackets);
        assertEquals(
                Result.OK,
                parse(Rad.acct(5, 2, "alice", "S-1", null).integer(49, 1).bytes()));
        assertEquals(1, m.terminateCause);
        assertEquals(
                Result.OK, parse(Rad.acct(6, 7, null, null, "198.18.0.1").bytes()), "Accounting-On needs no session");
        assertEquals(Result.OK, parse(Rad.acct(6, 8, null, null, "198.18.0.1").bytes()));
        assertEquals(Result.OK, parse(Rad.of(5, 6).bytes()), "Accounting-Response");
        assertEquals(Result.OK, parse(Rad.of(3, 6).bytes()), "Access-Reject");
    }

    @Test
    void paddingBeyondTheDeclaredLengthIsIgnored() {
        byte[] b = Arrays.copyOf(Rad.of(1, 1).string(1, "bob").bytes(), 100);
        b[60] = 0x01; // garbage padding (would be a bad attribute if read)
        assertEquals(Result.OK, parse(b));
    }

    @Test
    void otherCodesAreIgnored() {
        assertEquals(Result.IGNORED_CODE, parse(Rad.of(11, 1).bytes())); // Access-Challenge
        assertEquals(Result.IGNORED_CODE, parse(Rad.of(0, 1).bytes()));
        assertEquals(Result.IGNORED_CODE, parse(Rad.of(255, 1).bytes()));
    }

    // ---- one test per malformed rule ----

    @Test
    void tooShort() {
        assertEquals(Result.TOO_SHORT, parse(new byte[19]));
        assertEquals(Result.TOO_SHORT, parse(new byte[0]));
    }

    @Test
    void declaredLengthOutOfRange() {
        byte[] b = Rad.of(1, 1).bytes();
        b[2] = 0;
        b[3] = 19;
        assertEquals(Result.BAD_LENGTH, parse(b));
        b = Arrays.copyOf(b, 5000);
        b[2] = (byte) 0x13;
        b[3] = (byte) 0x89; // 5001 > 4096
        assertEquals(Result.BAD_LENGTH, parse(b));
    }

    @Test
    void declaredLengthLongerThanTheCapture() {
        byte[] b = Rad.of(1, 1).string(1, "carol").bytes();
        assertEquals(Result.TRUNCATED, RadiusParser.parse(b, 0, b.length - 1, m));
        byte[] lie = b.clone();
        lie[3] = (byte) (lie[3] + 40);
        assertEquals(Result.TRUNCATED, parse(lie));
    }

    @Test
    void attributeLengthZeroOrOneWouldLoop() {
        byte[] b = Rad.of(1, 1).string(1, "dave").bytes();
        b[21] = 0;
        assertEquals(Result.ATTR_TOO_SHORT, parse(b));
        b[21] = 1;
        assertEquals(Result.ATTR_TOO_SHORT, parse(b));
        byte[] single = Arrays.copyOf(Rad.of(1, 1).bytes(), 21); // one dangling octet inside the length
        single[3] = 21;
        assertEquals(Result.ATTR_TOO_SHORT, parse(single));
    }

    @Test
    void attributeOverrunsThePacket() {
        byte[] b = Rad.of(1, 1).string(1, "erin").bytes();
        b[21] = (byte) 200;
        assertEquals(Result.ATTR_OVERRUN, parse(b));
    }

    @Test
    void badValueLengths() {
        assertEquals(Result.BAD_VALUE, parse(Rad.of(4, 1).raw(8, new byte[3]).bytes()), "Framed-IP-Address");
        assertEquals(Result.BAD_VALUE, parse(Rad.of(4, 1).raw(4, new byte[5]).bytes()), "NAS-IP-Address");
        assertEquals(Result.BAD_VALUE, parse(Rad.of(4, 1).raw(40, new byte[2]).bytes()), "Acct-Status-Type");
        assertEquals(Result.BAD_VALUE, parse(Rad.of(4, 1).integer(40, 0).bytes()), "status 0");
        assertEquals(
                Result.BAD_VALUE,
                parse(Rad.of(4, 1).raw(97, new byte[] {0, (byte) 129}).bytes()),
                "prefix /129");
        assertEquals(
                Result.BAD_VALUE,
                parse(Rad.of(4, 1).raw(97, new byte[] {0, 64, 1, 2}).bytes()),
                "prefix shorter than /64");
        assertEquals(Result.BAD_VALUE, parse(Rad.of(4, 1).raw(123, new byte[1]).bytes()), "delegated too short");
        assertEquals(Result.BAD_VALUE, parse(Rad.of(4, 1).raw(168, new byte[15]).bytes()), "Framed-IPv6-Address");
        assertEquals(Result.BAD_VALUE, parse(Rad.of(4, 1).raw(1, new byte[0]).bytes()), "empty User-Name");
    }

    /** Two different user names (or addresses) in one packet: ambiguous, never guessed. */
    @Test
    void conflictingIdentities() {
        assertEquals(
                Result.CONFLICTING_IDENTITY,
                parse(Rad.acct(1, 1, "frank", "S", null).string(1, "grace").bytes()));
        assertEquals(
                Result.CONFLICTING_IDENTITY,
                parse(Rad.acct(1, 1, "frank", "S", null)
                        .ip(8, "198.18.0.5")
                        .ip(8, "198.18.0.6")
                        .bytes()));
        assertEquals(
                Result.OK,
                parse(Rad.acct(1, 1, "frank", "S", null).string(1, "frank").bytes()),
                "a repeat is fine");
    }

    @Test
    void accountingWithoutStatusOrSession() {
        assertEquals(
                Result.MISSING_STATUS,
                parse(Rad.of(4, 1).string(1, "heidi").string(44, "S").bytes()));
        assertEquals(
                Result.MISSING_SESSION_ID,
                parse(Rad.acct(1, 1, "heidi", null, null).bytes()));
    }

    /** Random and mutated packets never throw and never read past the given range. */
    @Test
    void fuzzNeverThrows() {
        java.util.Random r = new java.util.Random(42);
        byte[] base = Rad.acct(3, 1, "ivan", "S-9", "198.18.0.1")
                .ip(8, "198.18.7.9")
                .prefix6(97, "2001:db8::", 64)
                .bytes();
        for (int i = 0; i < 200_000; i++) {
            byte[] b = i % 2 == 0 ? base.clone() : new byte[r.nextInt(80)];
            if (i % 2 == 1) {
                r.nextBytes(b);
            } else {
                for (int k = 0; k < 1 + r.nextInt(4); k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            int len = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            assertNotNull(RadiusParser.parse(b, 0, len, m));
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
