package io.kubeli.link;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One encoded ETSI PS-PDU with its routing, as carried on the collector-to-mediator link.
 *
 * @param interceptName the Intercept resource's "namespace/name" (never the target identity)
 * @param agency        the Agency resource name the record is routed to
 * @param liid          the lawful interception identifier
 * @param cin           the communication identity number
 * @param stream        CC (HI3) or IRI (HI2)
 * @param sequence      the ETSI sequence number already written into the PDU
 * @param pdu           the encoded PS-PDU bytes (owned by the record; do not modify after offering)
 */
public record LinkRecord(
        String interceptName, String agency, String liid, long cin, StreamType stream, long sequence, byte[] pdu) {

    /** Largest length of each routing string in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 1024;

    /** Validates that no component is null and the routing strings fit the wire format. */
    public LinkRecord {
        Objects.requireNonNull(interceptName, "interceptName");
        Objects.requireNonNull(agency, "agency");
        Objects.requireNonNull(liid, "liid");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(pdu, "pdu");
        checkLength(interceptName);
        checkLength(agency);
        checkLength(liid);
    }

    private static void checkLength(String s) {
        if (s.length() > MAX_STRING_BYTES / 3 && s.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("routing string longer than " + MAX_STRING_BYTES + " UTF-8 bytes");
        }
    }

    /** Number of bytes {@link #writeTo(ByteBuffer)} produces. */
    public int encodedSize() {
        Utf8Cache c = CACHE.get();
        return 2
                + c.bytes(interceptName).length
                + 2
                + c.bytes(agency).length
                + 2
                + c.bytes(liid).length
                + 8
                + 1
                + 8
                + 4
                + pdu.length;
    }

    /**
     * Writes the record: str interceptName, str agency, str liid, i64 cin, u8 stream, i64 sequence,
     * i32 pduLength, pdu bytes (str = u16 length + UTF-8; all big-endian).
     */
    public void writeTo(ByteBuffer out) {
        Utf8Cache c = CACHE.get();
        putBytes(out, c.bytes(interceptName));
        putBytes(out, c.bytes(agency));
        putBytes(out, c.bytes(liid));
        out.putLong(cin);
        out.put((byte) stream.ordinal());
        out.putLong(sequence);
        out.putInt(pdu.length);
        out.put(pdu);
    }

    /** Reads one record written by {@link #writeTo(ByteBuffer)}; malformed input gives {@link FrameException}. */
    public static LinkRecord readFrom(ByteBuffer in) throws FrameException {
        return readFrom(in, null);
    }

    /** Reads one record, reusing equal routing strings from {@code cache} (may be null) to avoid decoding. */
    static LinkRecord readFrom(ByteBuffer in, StringCache cache) throws FrameException {
        String intercept = getString(in, cache, 0);
        String agency = getString(in, cache, 1);
        String liid = getString(in, cache, 2);
        need(in, 8 + 1 + 8 + 4);
        long cin = in.getLong();
        StreamType stream = StreamType.fromCode(in.get());
        long seq = in.getLong();
        int len = in.getInt();
        if (len < 0 || len > in.remaining()) {
            throw new FrameException("record PDU length " + len + " exceeds frame");
        }
        byte[] pdu = new byte[len];
        in.get(pdu);
        return new LinkRecord(intercept, agency, liid, cin, stream, seq, pdu);
    }

    private static void need(ByteBuffer in, int n) throws FrameException {
        if (in.remaining() < n) {
            throw new FrameException("record truncated");
        }
    }

    private static void putBytes(ByteBuffer out, byte[] b) {
        out.putShort((short) b.length);
        out.put(b);
    }

    private static final ThreadLocal<Utf8Cache> CACHE = ThreadLocal.withInitial(Utf8Cache::new);

    /** Per-thread cache of the UTF-8 form of recently seen routing strings, matched by identity (records share them). */
    private static final class Utf8Cache {
        private final String[] keys = new String[8];
        private final byte[][] values = new byte[8][];
        private int next;

        byte[] bytes(String s) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == s) {
                    return values[i];
                }
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_STRING_BYTES) {
                throw new IllegalArgumentException("routing string longer than " + MAX_STRING_BYTES + " bytes");
            }
            keys[next] = s;
            values[next] = b;
            next = (next + 1) & 7;
            return b;
        }
    }

    private static String getString(ByteBuffer in, StringCache cache, int slot) throws FrameException {
        need(in, 2);
        int len = Short.toUnsignedInt(in.getShort());
        if (len > MAX_STRING_BYTES || len > in.remaining()) {
            throw new FrameException("record string length " + len + " invalid");
        }
        if (cache != null) {
            return cache.get(in, len, slot);
        }
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Content-based equality (the PDU compared byte by byte). */
    @Override
    public boolean equals(Object o) {
        return o instanceof LinkRecord r
                && cin == r.cin
                && sequence == r.sequence
                && stream == r.stream
                && interceptName.equals(r.interceptName)
                && agency.equals(r.agency)
                && liid.equals(r.liid)
                && java.util.Arrays.equals(pdu, r.pdu);
    }

    @Override
    public int hashCode() {
        return Objects.hash(interceptName, agency, liid, cin, stream, sequence) * 31 + java.util.Arrays.hashCode(pdu);
    }

    /** Routing only; the PDU contents are never printed. */
    @Override
    public String toString() {
        return "LinkRecord[intercept=" + interceptName + ", agency=" + agency + ", stream=" + stream + ", seq="
                + sequence + ", pduBytes=" + pdu.length + "]";
    }
}
