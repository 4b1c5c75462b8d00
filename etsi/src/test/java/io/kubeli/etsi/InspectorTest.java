package io.kubeli.etsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubeli.etsi.PduInspector.PayloadKind;
import io.kubeli.etsi.PduInspector.Summary;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The cheap peek used for routing, keep-alive detection and gap checks agrees with the full decoder. */
class InspectorTest {

    private static Summary inspect(String vector) throws MalformedPduException {
        byte[] b = Vectors.load(vector);
        return PduInspector.inspect(b, 0, b.length);
    }

    @Test
    void vectorsArePeekedCorrectly() throws Exception {
        assertEquals(new Summary(Octets.ascii("LIID-0001"), 42L, 7, PayloadKind.CC, null, 152), inspect("ipcc-udp.ber"));
        assertEquals(new Summary(Octets.ascii("LIID-0001"), 42L, 6, PayloadKind.IRI, null, 163), inspect("ipiri-accept.ber"));
        assertEquals(new Summary(Octets.ascii("LIID-0002"), 43L, 1, PayloadKind.CC, null, 119), inspect("ipmmcc-rtp.ber"));
        Summary ka = inspect("keepalive.ber");
        assertEquals(new Summary(Octets.ascii("LIID-0001"), null, 0, PayloadKind.TRI, TriKind.KEEP_ALIVE, 65), ka);
        assertTrue(ka.isKeepAlive());
        assertFalse(ka.isKeepAliveResponse());
        Summary openli = inspect("openli-keepalive.ber");
        assertEquals(0L, openli.cin());
        assertEquals(1, openli.sequenceNumber());
        assertTrue(openli.isKeepAlive());
        assertEquals(147, inspect("openli-ipcc.ber").length());
    }

    @Test
    void keepAliveResponseIsRecognised() throws Exception {
        byte[] b = ReferenceEncoder.encode(Pdus.keepAliveResponse(Profile.LATEST, "L1", "OP", 3, Instant.EPOCH));
        Summary s = PduInspector.inspect(b, 0, b.length);
        assertTrue(s.isKeepAliveResponse());
        assertNull(s.cin());
    }

    @Test
    void inspectsAPduInsideALargerBuffer() throws Exception {
        byte[] stream = Vectors.load("stream.ber");
        Summary second = PduInspector.inspect(stream, 163, stream.length - 163);
        assertEquals(7, second.sequenceNumber());
        assertEquals(152, second.length());
    }

    @Test
    void malformedInputRaisesTheTypedException() {
        byte[] bad = Vectors.load("bad-truncated.ber");
        MalformedPduException e = assertThrows(MalformedPduException.class, () -> PduInspector.inspect(bad, 163, bad.length - 163));
        assertEquals(MalformedPduException.Rule.LENGTH_EXCEEDS_INPUT, e.rule());
        assertEquals(0, e.offset());
    }
}
