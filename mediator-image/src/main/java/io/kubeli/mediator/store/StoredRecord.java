package io.kubeli.mediator.store;

import java.nio.charset.StandardCharsets;

/**
 * Layout of one stored record: [u8 stream][u16+intercept][u16+agency][u16+collector][u64 link seq][PDU].
 * The routing and the link identity travel with the PDU so a restart can rebuild dedup state and route held records.
 */
public record StoredRecord(
        boolean cc, String intercept, String agency, String collector, long linkSeq, int pduOff, int pduLen) {

    /** Encodes into {@code out} (grown when needed); returns the buffer holding {@code [0, size)} and sets size via the holder. */
    public static int encode(
            Buf out,
            boolean cc,
            String intercept,
            String agency,
            String collector,
            long linkSeq,
            byte[] pdu,
            int off,
            int len) {
        byte[] i = intercept.getBytes(StandardCharsets.UTF_8),
                a = agency.getBytes(StandardCharsets.UTF_8),
                c = collector.getBytes(StandardCharsets.UTF_8);
        int size = 1 + 2 + i.length + 2 + a.length + 2 + c.length + 8 + len;
        byte[] b = out.ensure(size);
        int p = 0;
        b[p++] = (byte) (cc ? 1 : 0);
        p = str(b, p, i);
        p = str(b, p, a);
        p = str(b, p, c);
        for (int k = 7; k >= 0; k--) b[p++] = (byte) (linkSeq >>> (8 * k));
        System.arraycopy(pdu, off, b, p, len);
        return size;
    }

    private static int str(byte[] b, int p, byte[] s) {
        b[p++] = (byte) (s.length >> 8);
        b[p++] = (byte) s.length;
        System.arraycopy(s, 0, b, p, s.length);
        return p + s.length;
    }

    /** Offset of the PDU inside an entry (skips the header without decoding strings: the hot path). */
    public static int pduOffset(byte[] b, int off) {
        int p = off + 1;
        for (int k = 0; k < 3; k++) p += 2 + (((b[p] & 0xff) << 8) | (b[p + 1] & 0xff));
        return p + 8;
    }

    /** Full decode of the header. */
    public static StoredRecord decode(byte[] b, int off, int len) {
        int p = off + 1;
        String[] s = new String[3];
        for (int k = 0; k < 3; k++) {
            int n = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
            s[k] = new String(b, p + 2, n, StandardCharsets.UTF_8);
            p += 2 + n;
        }
        long seq = 0;
        for (int k = 0; k < 8; k++) seq = (seq << 8) | (b[p++] & 0xff);
        return new StoredRecord(b[off] == 1, s[0], s[1], s[2], seq, p, off + len - p);
    }

    /** Encodes entries, re-using the routing header while it repeats (the common case within a batch). */
    public static final class Encoder {
        private final Buf buf = new Buf();
        private String intercept, agency, collector;
        private boolean cc;
        private byte[] header = new byte[0];

        /** Encodes into the internal buffer ({@link #array()}); returns the size. */
        public int encode(
                boolean cc,
                String intercept,
                String agency,
                String collector,
                long linkSeq,
                byte[] pdu,
                int off,
                int len) {
            if (cc != this.cc
                    || !intercept.equals(this.intercept)
                    || !agency.equals(this.agency)
                    || !collector.equals(this.collector)) {
                int n = StoredRecord.encode(buf, cc, intercept, agency, collector, 0, pdu, 0, 0);
                header = java.util.Arrays.copyOf(buf.array(), n - 8);
                this.cc = cc;
                this.intercept = intercept;
                this.agency = agency;
                this.collector = collector;
            }
            int size = header.length + 8 + len;
            byte[] b = buf.ensure(size);
            System.arraycopy(header, 0, b, 0, header.length);
            int p = header.length;
            for (int k = 7; k >= 0; k--) b[p++] = (byte) (linkSeq >>> (8 * k));
            System.arraycopy(pdu, off, b, p, len);
            return size;
        }

        public byte[] array() {
            return buf.array();
        }
    }

    /** Reusable growable byte buffer. */
    public static final class Buf {
        private byte[] a = new byte[512];

        public byte[] ensure(int n) {
            if (a.length < n) a = new byte[Math.max(n, a.length * 2)];
            return a;
        }

        public byte[] array() {
            return a;
        }
    }
}
