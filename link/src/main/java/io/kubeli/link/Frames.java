package io.kubeli.link;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Encoding and decoding of link frames (package-private codec shared by client, server and tests). */
final class Frames {
    private Frames() {}

    /** A decoded frame. */
    sealed interface Frame permits Hello, Batch, Ack, Heartbeat, Reject {}

    /** HELLO from a collector. */
    record Hello(int version, String collectorId, long firstUnacked, long nextSeq) implements Frame {}

    /** A batch of records with contiguous link sequences starting at {@code firstSeq}. */
    record Batch(long firstSeq, List<LinkRecord> records) implements Frame {}

    /** Highest link sequence durably stored. */
    record Ack(long highestStored) implements Frame {}

    /** Keep-alive. */
    record Heartbeat() implements Frame {}

    /** Refusal with a code and a loggable reason. */
    record Reject(int code, String reason) implements Frame {}

    static final Heartbeat HEARTBEAT = new Heartbeat();

    /** Reusable input side: reads one frame at a time into a growing scratch buffer bounded by maxFrameBytes. */
    static final class Reader {
        private final DataInputStream in;
        private final int maxFrameBytes;
        private final StringCache cache = new StringCache();
        private byte[] scratch = new byte[64 * 1024];
        private int lastType;

        Reader(DataInputStream in, int maxFrameBytes) {
            this.in = in;
            this.maxFrameBytes = maxFrameBytes;
        }

        /** Type of the last frame read. */
        int lastType() {
            return lastType;
        }

        /** Reads the next frame; EOF before a header gives EOFException, anything malformed FrameException. */
        Frame read() throws IOException {
            int type = in.read();
            if (type < 0) {
                throw new EOFException("connection closed by peer");
            }
            int len;
            try {
                len = in.readInt();
            } catch (EOFException e) {
                throw new FrameException("truncated frame header");
            }
            if (type < LinkProtocol.HELLO || type > LinkProtocol.REJECT) {
                throw new FrameException("unknown frame type " + type);
            }
            if (len < 0 || len > maxFrameBytes) {
                throw new FrameException(
                        "frame of " + Integer.toUnsignedString(len) + " bytes exceeds limit " + maxFrameBytes);
            }
            if (len > scratch.length) {
                scratch = new byte[Math.max(len, Math.min(maxFrameBytes, scratch.length * 2))];
            }
            try {
                in.readFully(scratch, 0, len);
            } catch (EOFException e) {
                throw new FrameException("truncated frame body");
            }
            lastType = type;
            ByteBuffer b = ByteBuffer.wrap(scratch, 0, len);
            Frame f = decode((byte) type, b, cache);
            if (b.hasRemaining()) {
                throw new FrameException("trailing bytes in frame type " + type);
            }
            return f;
        }
    }

    static Frame decode(byte type, ByteBuffer b, StringCache cache) throws FrameException {
        try {
            return switch (type) {
                case LinkProtocol.HELLO ->
                    new Hello(Short.toUnsignedInt(b.getShort()), str(b), b.getLong(), b.getLong());
                case LinkProtocol.BATCH -> {
                    long first = b.getLong();
                    int n = b.getInt();
                    // each record needs at least 33 bytes: bound the count before allocating
                    if (n < 0 || n > b.remaining() / 33 + 1) {
                        throw new FrameException("batch record count " + n + " invalid");
                    }
                    List<LinkRecord> recs = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        recs.add(LinkRecord.readFrom(b, cache));
                    }
                    yield new Batch(first, recs);
                }
                case LinkProtocol.ACK -> new Ack(b.getLong());
                case LinkProtocol.HEARTBEAT -> HEARTBEAT;
                case LinkProtocol.REJECT -> new Reject(Short.toUnsignedInt(b.getShort()), str(b));
                default -> throw new FrameException("unknown frame type " + type);
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw new FrameException("truncated body in frame type " + type);
        }
    }

    private static String str(ByteBuffer b) throws FrameException {
        int len = Short.toUnsignedInt(b.getShort());
        if (len > LinkRecord.MAX_STRING_BYTES || len > b.remaining()) {
            throw new FrameException("string length " + len + " invalid");
        }
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static void putStr(ByteBuffer b, String s) {
        byte[] v = s.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) Math.min(v.length, LinkRecord.MAX_STRING_BYTES));
        b.put(v, 0, Math.min(v.length, LinkRecord.MAX_STRING_BYTES));
    }

    static byte[] hello(int version, String collectorId, long firstUnacked, long nextSeq) {
        ByteBuffer b = ByteBuffer.allocate(LinkProtocol.HEADER_BYTES + 2 + 2 + collectorId.length() * 3 + 16);
        b.put(LinkProtocol.HELLO).putInt(0).putShort((short) version);
        putStr(b, collectorId);
        b.putLong(firstUnacked).putLong(nextSeq);
        return finish(b);
    }

    static byte[] ack(long highest) {
        ByteBuffer b = ByteBuffer.allocate(LinkProtocol.HEADER_BYTES + 8);
        b.put(LinkProtocol.ACK).putInt(8).putLong(highest);
        return b.array();
    }

    static byte[] heartbeat() {
        return new byte[] {LinkProtocol.HEARTBEAT, 0, 0, 0, 0};
    }

    static byte[] reject(int code, String reason) {
        ByteBuffer b = ByteBuffer.allocate(LinkProtocol.HEADER_BYTES + 4 + reason.length() * 3);
        b.put(LinkProtocol.REJECT).putInt(0).putShort((short) code);
        putStr(b, reason);
        return finish(b);
    }

    private static byte[] finish(ByteBuffer b) {
        int len = b.position();
        b.putInt(1, len - LinkProtocol.HEADER_BYTES);
        return java.util.Arrays.copyOf(b.array(), len);
    }

    /** Size of a BATCH frame (header included) holding records of the given total encoded size. */
    static int batchFrameSize(int count, int recordBytes) {
        return LinkProtocol.HEADER_BYTES + 12 + recordBytes;
    }

    /**
     * Writes a BATCH frame into {@code out} (which must have room for {@link #batchFrameSize}).
     */
    static void writeBatch(ByteBuffer out, long firstSeq, List<LinkRecord> records, int from, int to) {
        int start = out.position();
        out.put(LinkProtocol.BATCH).putInt(0).putLong(firstSeq).putInt(to - from);
        for (int i = from; i < to; i++) {
            records.get(i).writeTo(out);
        }
        out.putInt(start + 1, out.position() - start - LinkProtocol.HEADER_BYTES);
    }
}
