package io.kubeli.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frame and record codec: round trips and typed errors for bad input. */
class FramesTest {
    private static Frames.Frame parse(byte[] bytes, int max) throws Exception {
        return new Frames.Reader(new DataInputStream(new ByteArrayInputStream(bytes)), max).read();
    }

    private static byte[] batch(long first, List<LinkRecord> recs) {
        int size = Frames.batchFrameSize(
                recs.size(), recs.stream().mapToInt(LinkRecord::encodedSize).sum());
        ByteBuffer b = ByteBuffer.allocate(size);
        Frames.writeBatch(b, first, recs, 0, recs.size());
        return b.array();
    }

    @Test
    void recordRoundTripAsciiAndUtf8() throws Exception {
        LinkRecord a = TestData.record(42, 150);
        LinkRecord u =
                new LinkRecord("ns/überwachung", "agence-é", "LI-✓", -1, StreamType.CC, Long.MAX_VALUE, new byte[0]);
        for (LinkRecord r : List.of(a, u)) {
            ByteBuffer b = ByteBuffer.allocate(r.encodedSize());
            r.writeTo(b);
            assertEquals(r.encodedSize(), b.position());
            b.flip();
            assertEquals(r, LinkRecord.readFrom(b));
        }
    }

    @Test
    void frameRoundTrips() throws Exception {
        List<LinkRecord> recs = List.of(TestData.record(1, 150), TestData.record(2, 10), TestData.record(3, 0));
        Frames.Batch b = assertInstanceOf(Frames.Batch.class, parse(batch(100, recs), 1 << 20));
        assertEquals(100, b.firstSeq());
        assertEquals(recs, b.records());
        assertEquals(new Frames.Hello(1, "node-a", 5, 9), parse(Frames.hello(1, "node-a", 5, 9), 4096));
        assertEquals(new Frames.Ack(-1), parse(Frames.ack(-1), 4096));
        assertEquals(Frames.HEARTBEAT, parse(Frames.heartbeat(), 4096));
        assertEquals(new Frames.Reject(2, "bad"), parse(Frames.reject(2, "bad"), 4096));
    }

    @Test
    void badInputIsTypedError() {
        assertThrows(FrameException.class, () -> parse(new byte[] {9, 0, 0, 0, 0}, 4096), "unknown type");
        assertThrows(FrameException.class, () -> parse(new byte[] {2, 0x7f, 0, 0, 0}, 4096), "oversized");
        assertThrows(FrameException.class, () -> parse(new byte[] {2, (byte) 0xff, 0, 0, 0}, 4096), "negative length");
        assertThrows(FrameException.class, () -> parse(new byte[] {2, 0, 0}, 4096), "truncated header");
        assertThrows(FrameException.class, () -> parse(new byte[] {3, 0, 0, 0, 8, 1, 2}, 4096), "truncated body");
        assertThrows(FrameException.class, () -> parse(new byte[] {3, 0, 0, 0, 2, 1, 2}, 4096), "short ack body");
        assertThrows(FrameException.class, () -> parse(new byte[] {4, 0, 0, 0, 1, 1}, 4096), "trailing bytes");
        assertThrows(EOFException.class, () -> parse(new byte[0], 4096));
        byte[] b = batch(0, List.of(TestData.record(1, 20)));
        ByteBuffer.wrap(b).putInt(13, 1_000_000); // record count
        assertThrows(FrameException.class, () -> parse(b, 1 << 20), "bad count");
        byte[] s = batch(0, List.of(TestData.record(1, 20)));
        int streamAt = 5 + 12 + 2 + 14 + 2 + 8 + 2 + 9 + 8;
        s[streamAt] = 7;
        assertThrows(FrameException.class, () -> parse(s, 1 << 20), "bad stream code");
        byte[] big = batch(0, List.of(TestData.record(1, 5000)));
        assertThrows(FrameException.class, () -> parse(big, 4096), "over the configured limit");
    }

    @Test
    void randomGarbageNeverThrowsUntyped() {
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < 20_000; i++) {
            byte[] g = new byte[rnd.nextInt(64)];
            rnd.nextBytes(g);
            if (g.length > 0) {
                g[0] = (byte) (1 + rnd.nextInt(5));
            }
            if (g.length > 4) {
                ByteBuffer.wrap(g).putInt(1, Math.max(0, g.length - 5));
            }
            try {
                parse(g, 4096);
            } catch (java.io.IOException expected) {
                // typed: FrameException or EOF
            } catch (Exception e) {
                throw new AssertionError("untyped failure on garbage: " + e, e);
            }
        }
    }
}
