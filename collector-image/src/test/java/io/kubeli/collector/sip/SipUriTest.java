package io.kubeli.collector.sip;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Issue 15: normalised comparison of SIP identities. */
class SipUriTest {
    @Test
    void sipAndSipsHostCasePortParametersDisplayName() {
        String k = "alice@example.org";
        assertArrayEquals(new String[] {k}, SipUri.keys("sip:alice@example.org"));
        assertArrayEquals(new String[] {k}, SipUri.keys("\"Alice\" <sips:alice@EXAMPLE.org:5061;transport=tls>;tag=9"));
        assertArrayEquals(new String[] {k}, SipUri.keys("<sip:alice:secret@Example.ORG?subject=x>"));
        assertArrayEquals(new String[] {k}, SipUri.keys("sip:%61lice@example.org;lr"));
        assertEquals("Alice@example.org", SipUri.keys("sip:Alice@example.org")[0], "the user part is case-sensitive");
    }

    @Test
    void telephoneNumbersMatchOnAnyHost() {
        assertArrayEquals(new String[] {"tel:+15550100"}, SipUri.keys("<tel:+1-555-0100;phone-context=x>"));
        assertArrayEquals(
                new String[] {"+15550100@gw.example", "tel:+15550100"},
                SipUri.keys("<sip:+1.555.0100@GW.example;user=phone>"));
        assertEquals("tel:+15550100", SipUri.targetKey("sip:+15550100@any.example;user=phone"));
        assertEquals("tel:+15550100", SipUri.targetKey("tel:+1 555 0100"));
        assertEquals("alice@example.org", SipUri.targetKey("sip:alice@example.org"));
    }

    @Test
    void unusableIdentities() {
        assertNull(SipUri.targetKey("mailto:alice@example.org"));
        assertNull(SipUri.targetKey("sip:"));
        assertNull(SipUri.targetKey("tel:abc"));
        assertNull(SipUri.targetKey("sip:%zz@example.org"));
        assertEquals(0, SipUri.keys("<sip:alice@example.org").length);
        assertEquals(0, SipUri.keys(null).length);
    }

    @Test
    void tagParameter() {
        assertEquals("abc", SipUri.param("<sip:a@b;tag=wrong>;tag=abc", "tag"));
        assertEquals("abc", SipUri.param("sip:a@b ; TAG = abc ;x", "tag"));
        assertNull(SipUri.param("<sip:a@b;tag=wrong>", "tag"));
    }
}
