package io.kubeli.mediator.pdu;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Splits a TCP byte stream into PS-PDUs on the outer BER length; a listener may also see the raw bytes. */
public final class PduStreamReader {
    /** Sink for the raw bytes exactly as read (e.g. the receiver's --record files). */
    public interface RawListener { void raw(byte[] buf, int off, int len) throws IOException; }

    /** Called once per complete PDU; the array is reused after the call returns. */
    public interface PduListener { void pdu(byte[] buf, int off, int len) throws IOException, MalformedPduException; }

    private final InputStream in;
    private final int maxPdu;
    private byte[] buf = new byte[64 * 1024];
    private int start, end;

    public PduStreamReader(InputStream in, int maxPdu) {
        this.in = in;
        this.maxPdu = maxPdu;
    }

    /**
     * Reads once from the stream and delivers every PDU that is now complete.
     *
     * @return false at end of stream
     */
    public boolean readOnce(RawListener raw, PduListener pdus) throws IOException, MalformedPduException {
        if (end == buf.length) compactOrGrow();
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) return false;
        if (raw != null) raw.raw(buf, end, n);
        end += n;
        while (true) {
            long len = PduView.frameLength(buf, start, end - start);
            if (len < 0 || len > end - start) {
                if (len > maxPdu) throw new MalformedPduException("PDU of " + len + " bytes exceeds the limit of " + maxPdu);
                break;
            }
            pdus.pdu(buf, start, (int) len);
            start += (int) len;
        }
        if (start == end) start = end = 0;
        return true;
    }

    /** Bytes of an incomplete PDU left at end of stream. */
    public int pending() {
        return end - start;
    }

    private void compactOrGrow() {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        } else {
            buf = Arrays.copyOf(buf, Math.min(Math.max(buf.length * 2, 1024), maxPdu + 16));
        }
    }
}
