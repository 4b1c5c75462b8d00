package io.kubeli.etsi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Fast path for IPCC records (and IPMMCC records of RTP, {@link #ipmmcc}): a per-(intercept, agency, CIN)
 * pre-encoded header; each {@code encode} call writes one complete DER PS-PDU into a caller buffer, patching only
 * sequence number, timestamp, direction and lengths. No allocation per call. Byte-identical to
 * {@link ReferenceEncoder} on {@link Pdus#ipcc} (or {@link Pdus#ipmmcc}) of the same values.
 * Instances are immutable and thread-safe.
 */
public final class IpccTemplate {
    /** Upper bound of the bytes that vary per record besides the packet (lengths, sequence number, time). */
    private static final int VARIABLE_OVERHEAD = 9 * 5 + 7 + 2 + 19 + 24;

    private final boolean micro;
    private final byte[] headerStart; // 80 domainId, 81 liid, [82 acc], A3 communicationIdentifier
    private final byte[] headerMid; // fields between sequenceNumber and the time: [86] when the time is [7]
    private final byte[] headerEnd; // fields after the time: [86 interceptionPointID], [88 timeStampQualifier]
    private final byte[] objId; // 80 len iPCCObjId (iPMMCCObjId)
    private final byte[] mmTrailer; // IPMMCC: frameType and mMCCprotocol after the packet; null for IPCC

    private IpccTemplate(
            boolean micro, byte[] headerStart, byte[] headerMid, byte[] headerEnd, byte[] objId, byte[] mmTrailer) {
        this.micro = micro;
        this.headerStart = headerStart;
        this.headerMid = headerMid;
        this.headerEnd = headerEnd;
        this.objId = objId;
        this.mmTrailer = mmTrailer;
    }

    /**
     * IPMMCC of RTP (TS 102 232-5: the IP packet as mMCCContents, frameType ipFrame, mMCCprotocol rTP): the header
     * as {@link #of}, the trailer cut out of a reference encoding.
     */
    public static IpccTemplate ipmmcc(HeaderParams p) {
        IpccTemplate h = of(p);
        byte[] oid = p.profile().ipmmccObjId().contentOctets();
        byte[] objIdTlv = new byte[2 + oid.length];
        objIdTlv[0] = (byte) 0x80;
        objIdTlv[1] = (byte) oid.length;
        System.arraycopy(oid, 0, objIdTlv, 2, oid.length);
        // the trailer depends on the profile only: cut once per profile (a template is built per call)
        byte[] trailer = MM_TRAILERS.computeIfAbsent(p.profile(), x -> mmTrailer(p, objIdTlv));
        return new IpccTemplate(h.micro, h.headerStart, h.headerMid, h.headerEnd, objIdTlv, trailer);
    }

    private static final java.util.Map<Profile, byte[]> MM_TRAILERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static byte[] mmTrailer(HeaderParams p, byte[] objIdTlv) {
        byte[] pdu = ReferenceEncoder.encode(Pdus.ipmmcc(p, 0, 0L, Direction.FROM_TARGET, new byte[0]));
        // iPMMCC is the last element of the PDU: [80 oid][81 00][trailer] up to the end
        byte[] marker = java.util.Arrays.copyOf(objIdTlv, objIdTlv.length + 2);
        marker[objIdTlv.length] = (byte) 0x81;
        int at = -1;
        for (int i = pdu.length - marker.length; i >= 0 && at < 0; i--) {
            if (java.util.Arrays.equals(pdu, i, i + marker.length, marker, 0, marker.length)) {
                at = i + marker.length;
            }
        }
        if (at < 0) {
            throw new IllegalStateException("reference IPMMCC encoding not understood");
        }
        return java.util.Arrays.copyOfRange(pdu, at, pdu.length);
    }

    /** Pre-encodes the constant parts of the header for these parameters. */
    public static IpccTemplate of(HeaderParams p) {
        // Encode a sample PDU with the reference encoder and cut the constant parts out of it, so the
        // template cannot drift from the reference for the header fields.
        PsPdu sample = Pdus.ipcc(p, 0, 0L, Direction.FROM_TARGET, new byte[0]);
        byte[] pdu = ReferenceEncoder.encode(sample);
        int[] pos = {0};
        skipHeader(pdu, pos); // 30 L
        int l1 = skipHeader(pdu, pos); // A1 L1
        int fieldsStart = pos[0];
        int fieldsEnd = fieldsStart + l1;
        int seqStart = -1;
        int seqEnd = -1;
        int timeStart = -1;
        int afterTime = -1;
        while (pos[0] < fieldsEnd) {
            int tag = pdu[pos[0]] & 0xFF;
            int fieldStart = pos[0];
            int len = skipHeader(pdu, pos); // (not `pos[0] += …`: that reads pos[0] before the call)
            pos[0] += len;
            if (tag == 0x84) {
                seqStart = fieldStart;
                seqEnd = pos[0];
            }
            if (tag == 0x85 || tag == 0xA7) {
                timeStart = fieldStart;
                afterTime = pos[0];
            }
        }
        int headerContentEnd = fieldsEnd;
        byte[] start = java.util.Arrays.copyOfRange(pdu, fieldsStart, seqStart);
        byte[] mid = java.util.Arrays.copyOfRange(pdu, seqEnd, timeStart);
        byte[] end = java.util.Arrays.copyOfRange(pdu, afterTime, headerContentEnd);
        byte[] oid = p.profile().ipccObjId().contentOctets();
        byte[] objIdTlv = new byte[2 + oid.length];
        objIdTlv[0] = (byte) 0x80;
        objIdTlv[1] = (byte) oid.length;
        System.arraycopy(oid, 0, objIdTlv, 2, oid.length);
        return new IpccTemplate(p.timestampFormat() == TimestampFormat.MICROSECONDS, start, mid, end, objIdTlv, null);
    }

    /** Reads a tag and a definite length at pos[0]; leaves pos[0] at the content; returns the content length. */
    private static int skipHeader(byte[] b, int[] pos) {
        int p = pos[0] + 1;
        int l0 = b[p++] & 0xFF;
        int len = l0;
        if (l0 >= 0x80) {
            len = 0;
            for (int i = 0; i < (l0 & 0x7F); i++) len = (len << 8) | (b[p++] & 0xFF);
        }
        pos[0] = p;
        return len;
    }

    /** The most bytes {@code encode} writes for a packet of {@code pktLen} bytes. */
    public int maxEncodedLength(int pktLen) {
        return headerStart.length
                + headerMid.length
                + headerEnd.length
                + objId.length
                + VARIABLE_OVERHEAD
                + pktLen
                + (mmTrailer == null ? 0 : mmTrailer.length);
    }

    /** Encodes one IPCC PDU with the packet taken from a byte array; returns the bytes written. */
    public int encode(
            byte[] out,
            int outOff,
            long sequenceNumber,
            long captureEpochNanos,
            Direction dir,
            byte[] packet,
            int pktOff,
            int pktLen) {
        java.util.Objects.checkFromIndexSize(pktOff, pktLen, packet.length);
        int bodyOff = writeFrame(out, outOff, sequenceNumber, captureEpochNanos, dir, pktLen);
        System.arraycopy(packet, pktOff, out, bodyOff, pktLen);
        return bodyOff + pktLen + trailerLength() - outOff;
    }

    /** Encodes one IPCC PDU with the packet taken from native memory; returns the bytes written. */
    public int encode(
            byte[] out,
            int outOff,
            long sequenceNumber,
            long captureEpochNanos,
            Direction dir,
            MemorySegment packet,
            long pktOff,
            int pktLen) {
        java.util.Objects.checkFromIndexSize(pktOff, pktLen, packet.byteSize());
        int bodyOff = writeFrame(out, outOff, sequenceNumber, captureEpochNanos, dir, pktLen);
        MemorySegment.copy(packet, ValueLayout.JAVA_BYTE, pktOff, out, bodyOff, pktLen);
        return bodyOff + pktLen + trailerLength() - outOff;
    }

    private int trailerLength() {
        return mmTrailer == null ? 0 : mmTrailer.length;
    }

    /** Writes everything but the packet bytes (IPMMCC: also the trailer after them); returns where the packet goes. */
    private int writeFrame(byte[] out, int off, long seq, long nanos, Direction dir, int pktLen) {
        if (seq < 0 || seq > 0xFFFF_FFFFL) throw new IllegalArgumentException("sequenceNumber out of range");
        if (pktLen < 0) throw new IllegalArgumentException("pktLen < 0");
        // time field sizes
        long millis = Math.floorDiv(nanos, 1_000_000L);
        long secs = Math.floorDiv(nanos, 1_000_000_000L);
        int micros = (int) (Math.floorMod(nanos, 1_000_000_000L) / 1000);
        int timeTlv;
        int secLen = 0;
        int usLen = 0;
        if (micro) {
            secLen = Ber.unsignedIntLength(secs);
            usLen = Ber.unsignedIntLength(micros);
            timeTlv = 2 + (2 + secLen) + (2 + usLen);
        } else {
            timeTlv = 2 + Ber.genTimeMillisLength(millis);
        }
        int seqLen = Ber.unsignedIntLength(seq);
        int l1 = headerStart.length + 2 + seqLen + headerMid.length + timeTlv + headerEnd.length;
        int t1 = 1 + Ber.lengthOfLength(l1) + l1;
        int l8 = pktLen; // 80 iPPackets
        int l7 = 1 + Ber.lengthOfLength(l8) + l8; // A1 iPCCContents
        int l6 = objId.length + 1 + Ber.lengthOfLength(l7) + l7; // A2 iPCC
        if (mmTrailer != null) {
            l7 = -1;
            l6 = objId.length + 1 + Ber.lengthOfLength(l8) + l8 + mmTrailer.length; // AC iPMMCC
        }
        int l5 = 1 + Ber.lengthOfLength(l6) + l6; // A2 cCContents
        int l4 = 3 + 1 + Ber.lengthOfLength(l5) + l5; // 30 CCPayload
        int l3 = 1 + Ber.lengthOfLength(l4) + l4; // A1 cCPayloadSequence
        int l2 = 1 + Ber.lengthOfLength(l3) + l3; // A2 payload
        int t2 = 1 + Ber.lengthOfLength(l2) + l2;
        int l0 = t1 + t2;
        int total = 1 + Ber.lengthOfLength(l0) + l0;
        java.util.Objects.checkFromIndexSize(off, total, out.length);

        out[off++] = 0x30;
        off = Ber.writeLength(out, off, l0);
        out[off++] = (byte) 0xA1;
        off = Ber.writeLength(out, off, l1);
        System.arraycopy(headerStart, 0, out, off, headerStart.length);
        off += headerStart.length;
        out[off++] = (byte) 0x84;
        out[off++] = (byte) seqLen;
        off = Ber.writeUnsignedInt(out, off, seq, seqLen);
        System.arraycopy(headerMid, 0, out, off, headerMid.length);
        off += headerMid.length;
        if (micro) {
            out[off++] = (byte) 0xA7;
            out[off++] = (byte) (timeTlv - 2);
            out[off++] = (byte) 0x80;
            out[off++] = (byte) secLen;
            off = Ber.writeUnsignedInt(out, off, secs, secLen);
            out[off++] = (byte) 0x81;
            out[off++] = (byte) usLen;
            off = Ber.writeUnsignedInt(out, off, micros, usLen);
        } else {
            out[off++] = (byte) 0x85;
            out[off++] = (byte) (timeTlv - 2);
            off = Ber.writeGenTimeMillis(out, off, millis);
        }
        System.arraycopy(headerEnd, 0, out, off, headerEnd.length);
        off += headerEnd.length;
        out[off++] = (byte) 0xA2;
        off = Ber.writeLength(out, off, l2);
        out[off++] = (byte) 0xA1;
        off = Ber.writeLength(out, off, l3);
        out[off++] = 0x30;
        off = Ber.writeLength(out, off, l4);
        out[off++] = (byte) 0x80;
        out[off++] = 1;
        out[off++] = (byte) dir.code();
        out[off++] = (byte) 0xA2;
        off = Ber.writeLength(out, off, l5);
        out[off++] = (byte) (mmTrailer == null ? 0xA2 : 0xAC);
        off = Ber.writeLength(out, off, l6);
        System.arraycopy(objId, 0, out, off, objId.length);
        off += objId.length;
        if (mmTrailer != null) {
            // the trailer follows the packet: written here, the caller's copy of the packet goes before it
            out[off++] = (byte) 0x81;
            off = Ber.writeLength(out, off, l8);
            System.arraycopy(mmTrailer, 0, out, off + pktLen, mmTrailer.length);
            return off;
        }
        out[off++] = (byte) 0xA1;
        off = Ber.writeLength(out, off, l7);
        out[off++] = (byte) 0x80;
        off = Ber.writeLength(out, off, l8);
        return off;
    }
}
